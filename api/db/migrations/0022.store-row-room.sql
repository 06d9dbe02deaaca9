-- depends: 0021.store-placement
-- A rollout wave changes thousands of store rows and their rollout rows in one statement each. Free
-- room on every page lets each new row version land on its old page, so an update touches one heap
-- page instead of appending to the table's end (measured: ~0.1 s of a 10,000-store wave).
-- Only rows written from now on get the room; VACUUM FULL would repack old ones (not run here: it
-- locks the table).
ALTER TABLE stores SET (fillfactor = 70);
ALTER TABLE rollout_stores SET (fillfactor = 50);

-- Every store update inserts into every index of `stores` (status is indexed, so no update is HOT).
-- No query reads this one: the store list pages live stores on stores_live_created_idx and filters
-- by status on stores_status_idx; a listing of deleted stores sorts the few it finds.
DROP INDEX IF EXISTS stores_created_idx;
