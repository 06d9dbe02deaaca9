-- depends: 0015.rollout-change-kinds
-- Automatic retries of failed stores: how many the platform has made since the store was last ready
-- (or a person retried it), and the failed stores the retry loop looks through, oldest first.
ALTER TABLE stores ADD COLUMN auto_retries int NOT NULL DEFAULT 0;
CREATE INDEX stores_failed_since_idx ON stores (status_changed_at) WHERE status = 'failed';
