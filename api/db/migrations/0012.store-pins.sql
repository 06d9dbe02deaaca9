-- depends: 0011.store-template-branding
-- A pin keeps a store out of fleet-wide rollouts until it is lifted: who pinned it, when, and why.
-- All three are set together or not at all (NULL: not pinned).
ALTER TABLE stores ADD COLUMN pinned_at timestamptz, ADD COLUMN pinned_by text, ADD COLUMN pin_reason text;
ALTER TABLE stores ADD CONSTRAINT stores_pin_whole
    CHECK ((pinned_at IS NULL) = (pinned_by IS NULL) AND (pinned_at IS NULL) = (pin_reason IS NULL));
