-- depends: 0022.store-row-room
-- A store deleted with `keep_backup` waits for its final Velero Backup before its removal is
-- committed (docs/backups.md): the Backup's name, set by the delete request, cleared when the
-- removal is queued. NULL: no final backup awaited (a store being removed, or any other store).
ALTER TABLE stores ADD COLUMN final_backup text;
