-- depends: 0010.setup-started-key
-- The catalogue template a store was seeded with and its shop's branding, mirrored from the spec like
-- engine, theme and plan, so lists and filters never read the spec documents. Stores older than
-- templates were seeded with the classic catalogue.
ALTER TABLE stores ADD COLUMN template text NOT NULL DEFAULT 'classic';
ALTER TABLE stores ADD COLUMN branding jsonb;
