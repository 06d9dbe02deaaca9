-- depends: 0017.store-degraded
-- A store whose committed Velero Restore runs is `restoring` until the restore completed and the store
-- is healthy (then `ready`) or Velero reports it failed (then `failed`).
ALTER TABLE stores DROP CONSTRAINT stores_status_check;
ALTER TABLE stores ADD CONSTRAINT stores_status_check CHECK (status IN (
    'requested', 'pending_approval', 'provisioning', 'ready', 'degraded',
    'updating', 'restoring', 'failed', 'deleting', 'deleted'));
