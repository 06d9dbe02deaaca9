-- depends: 0022.store-row-room
-- The fleet overview's reads (api/stats/repository.py), each bounded by a time range: without these,
-- every one would read a whole table. Partial where they can be, so the writes that happen most (a
-- store's status moves, a rollout wave's transitions) add no index entry: a live store's update
-- never matches `status = 'deleted'`, and only failures enter the audit index.
CREATE INDEX stores_deleted_at_idx ON stores (deleted_at) WHERE status = 'deleted';
CREATE INDEX outbox_created_at_idx ON outbox (created_at);
CREATE INDEX outbox_committed_at_idx ON outbox (processed_at) WHERE commit_sha IS NOT NULL;
CREATE INDEX audit_events_failures_idx ON audit_events (created_at)
    WHERE event = 'store.transition' AND (after ->> 'status') = 'failed';
