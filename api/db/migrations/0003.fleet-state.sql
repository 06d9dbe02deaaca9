-- depends: 0002.live-store-pages
-- Where the fleet writer and the git-side sync stand on each fleet branch.

CREATE TABLE fleet_state (
    repo_key        text PRIMARY KEY,          -- "<remote url>#<branch>"
    last_pushed_sha text,                      -- newest commit the writer pushed
    last_synced_sha text,                      -- newest commit the git-side sync has walked
    sync_error      text,                      -- set when the sync stopped for an operator (rewritten history)
    updated_at      timestamptz NOT NULL DEFAULT now()
);
