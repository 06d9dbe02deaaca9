-- depends: 0022.store-row-room
-- Moves of stores from one cluster to another (docs/clusters.md "Moving a store"). A move is a
-- sub-state of a store that stays `ready` on its source while it runs, as a rotation of its admin
-- password is: one row per move, its stage moved on by the watcher of the target cluster.
CREATE TABLE store_moves (
    id bigserial PRIMARY KEY,
    store_id text NOT NULL,
    source_cluster_id text,              -- NULL: the store was made before placement (home cluster)
    source_cluster text,                 -- its name (NULL: no cluster was registered)
    target_cluster_id text NOT NULL,
    target_cluster text NOT NULL,        -- the target cluster's name
    stage text NOT NULL CHECK (stage IN ('backing_up', 'restoring', 'starting', 'done', 'failed')),
    backup text NOT NULL,                -- the on-demand Velero Backup taken of the source
    restore text NOT NULL,               -- the Velero Restore the target directory declares
    source_spec_hash text NOT NULL,      -- the store's spec when asked: a change since ends the move
    target_spec jsonb,                   -- the spec of the target directory, once committed
    target_created boolean NOT NULL DEFAULT false,  -- the create commit was queued
    outbox_id bigint,                    -- the latest commit the move queued
    message text,
    reason text,                         -- why it failed
    requested_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    stage_changed_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz
);

-- At most one move in flight per store; the watcher of each target cluster reads its moves in flight.
CREATE UNIQUE INDEX store_moves_active_idx ON store_moves (store_id)
    WHERE stage IN ('backing_up', 'restoring', 'starting');
CREATE INDEX store_moves_target_idx ON store_moves (target_cluster_id)
    WHERE stage IN ('backing_up', 'restoring', 'starting');
CREATE INDEX store_moves_store_idx ON store_moves (store_id, id DESC);
