-- depends: 0007.pull-requests
-- When the writer deleted the branch of a pull request that ended (merged or closed).
ALTER TABLE pull_requests ADD COLUMN branch_deleted_at timestamptz;
CREATE INDEX pull_requests_branch_left_idx ON pull_requests (closed_at)
    WHERE state <> 'open' AND branch_deleted_at IS NULL;
