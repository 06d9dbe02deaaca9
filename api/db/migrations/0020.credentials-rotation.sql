-- depends: 0019.clusters
-- A rotation of a store's admin password: its own small state machine beside the store's status
-- (api/domain/credentials_rotation.py), requested through the API and carried out by the cluster
-- watcher. The latest rotation only: its number (which names its Job), state, who asked and when,
-- the request id (carried into the watcher's audit rows) and the last message. The password itself
-- is never here: the watcher generates it in the cluster.
ALTER TABLE stores
    ADD COLUMN rotation_generation int NOT NULL DEFAULT 0 CHECK (rotation_generation >= 0),
    ADD COLUMN rotation_state text CHECK (rotation_state IN ('requested', 'running', 'done', 'failed')),
    ADD COLUMN rotation_requested_at timestamptz,
    ADD COLUMN rotation_requested_by text,
    ADD COLUMN rotation_request_id text,
    ADD COLUMN rotation_changed_at timestamptz,
    ADD COLUMN rotation_message text;
-- a rotation is recorded whole, or there is none
ALTER TABLE stores ADD CONSTRAINT stores_rotation_whole CHECK (
    (rotation_state IS NULL) = (rotation_generation = 0)
    AND (rotation_state IS NULL) = (rotation_requested_at IS NULL)
    AND (rotation_state IS NULL) = (rotation_requested_by IS NULL)
    AND (rotation_state IS NULL) = (rotation_changed_at IS NULL));
-- what the watcher looks through at every tick: the few rotations not finished yet
CREATE INDEX stores_rotation_due_idx ON stores (id) WHERE rotation_state IN ('requested', 'running');
