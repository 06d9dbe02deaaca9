-- depends: 0013.rollouts
-- A rollout wave is one pull request for many stores: one row per store's change, the same number.
DROP INDEX pull_requests_number_key;
CREATE INDEX pull_requests_number_idx ON pull_requests (number);
