-- depends: 0022.store-row-room
-- The fleet log: every commit of a fleet branch, who made it, and the stores it touched, so the
-- dashboard can filter and page the whole history without walking git per request. Kept from git by
-- `fleet/commit_log.py` (it catches up from `fleet_state.last_logged_sha` when the log is read).

CREATE TABLE fleet_commits (
    repo_key      text NOT NULL,               -- "<remote url>#<branch>", as fleet_state
    seq           bigint NOT NULL,             -- position on the branch, oldest first
    sha           text NOT NULL,
    committed_at  timestamptz NOT NULL,
    summary       text NOT NULL,
    actor_kind    text NOT NULL CHECK (actor_kind IN ('platform', 'push', 'pull_request', 'rollout')),
    actor         text NOT NULL,               -- who asked (platform), the author (push), "#<number>", the rollout
    action        text NOT NULL,               -- the Action trailer, or "external"
    rollout_id    text,
    rollout_wave  integer,
    store_count   integer NOT NULL,
    PRIMARY KEY (repo_key, seq)
);
CREATE UNIQUE INDEX fleet_commits_sha_key ON fleet_commits (repo_key, sha);
CREATE INDEX fleet_commits_kind_idx ON fleet_commits (repo_key, actor_kind, seq);
CREATE INDEX fleet_commits_action_idx ON fleet_commits (repo_key, action, seq);

-- One row per store directory a commit touched (a wave: many).
CREATE TABLE fleet_commit_stores (
    repo_key  text NOT NULL,
    seq       bigint NOT NULL,
    store_id  text NOT NULL,
    tenant    text NOT NULL,
    PRIMARY KEY (repo_key, seq, store_id),
    FOREIGN KEY (repo_key, seq) REFERENCES fleet_commits (repo_key, seq) ON DELETE CASCADE
);
CREATE INDEX fleet_commit_stores_store_idx ON fleet_commit_stores (repo_key, store_id, seq);
CREATE INDEX fleet_commit_stores_tenant_idx ON fleet_commit_stores (repo_key, tenant, seq);

-- The newest commit the fleet log holds.
ALTER TABLE fleet_state ADD COLUMN last_logged_sha text;
