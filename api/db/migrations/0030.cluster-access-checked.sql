-- depends: 0022.store-row-room
-- What the platform last observed of its way into each cluster (issue 20): when the watcher leading
-- the cluster last had every watch synced through that access, and why it could not, if it could not.
-- Observations, not configuration: writing them bumps neither `version` (which restarts watchers and
-- is the API's ETag) nor `updated_at`. A change of the access clears both.
ALTER TABLE clusters ADD COLUMN access_checked timestamptz;
ALTER TABLE clusters ADD COLUMN access_error text;
