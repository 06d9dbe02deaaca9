-- depends: 0016.store-auto-retries
-- A ready store the cluster reports unhealthy is `degraded` until it is healthy again (no commit).
ALTER TABLE stores DROP CONSTRAINT stores_status_check;
ALTER TABLE stores ADD CONSTRAINT stores_status_check CHECK (status IN (
    'requested', 'pending_approval', 'provisioning', 'ready', 'degraded',
    'updating', 'failed', 'deleting', 'deleted'));
