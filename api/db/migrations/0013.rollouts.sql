-- depends: 0012.store-pins
-- Fleet-wide rollouts: a chart version moved to many stores in waves, each wave one commit.
-- Outbox rows of one wave (or of its revert) share a commit_group: the writer commits them together.
ALTER TABLE outbox ADD COLUMN commit_group text;
CREATE INDEX outbox_pending_group_idx ON outbox (commit_group, id)
    WHERE processed_at IS NULL AND commit_group IS NOT NULL;

CREATE TABLE rollouts (
    id text PRIMARY KEY,
    state text NOT NULL CHECK (state IN ('running', 'paused', 'succeeded', 'rolled_back', 'aborted')),
    chart_version text NOT NULL,
    add_chart boolean NOT NULL DEFAULT false,  -- the packaged chart is committed before wave 1
    selector jsonb NOT NULL,
    steps jsonb NOT NULL,  -- the wave sizes as asked, for the record
    gate jsonb NOT NULL,  -- soak, probe, failure budgets, timeout
    reason text,  -- why it stopped (rolled back, aborted, paused by a revert in git)
    failing jsonb NOT NULL DEFAULT '[]',  -- [{store_id, error}] of the gate that failed
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX rollouts_active_idx ON rollouts (created_at) WHERE state IN ('running', 'paused');

CREATE TABLE rollout_waves (
    rollout_id text NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    number int NOT NULL,  -- 1 is the canary
    state text NOT NULL CHECK (state IN (
        'pending', 'committing', 'gating', 'soaking', 'passed', 'failed', 'reverting', 'reverted')),
    attempt int NOT NULL DEFAULT 0,  -- a retry commits the wave again as a new group
    store_count int NOT NULL,
    max_failures int NOT NULL,  -- the failure budget in stores
    commit_group text,
    commit_sha text,
    revert_group text,
    revert_sha text,
    reverted_by text,  -- a commit someone else made that took the wave back (a git revert)
    gate jsonb NOT NULL DEFAULT '{}',  -- the last evaluation: counts, probe failures, message
    committing_at timestamptz,
    committed_at timestamptz,
    ready_at timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (rollout_id, number)
);

CREATE TABLE rollout_stores (
    rollout_id text NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    store_id text NOT NULL REFERENCES stores (id),
    wave int NOT NULL,
    from_version text,  -- the store's chart version before its wave (NULL: the default chart)
    state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'committed', 'skipped', 'reverted')),
    note text,  -- why it was skipped
    PRIMARY KEY (rollout_id, store_id)
);
CREATE INDEX rollout_stores_wave_idx ON rollout_stores (rollout_id, wave);
CREATE INDEX rollout_stores_store_idx ON rollout_stores (store_id);
