-- depends: 0005.auth-guardrails
-- The request that asked for a store's latest commit, so the watcher's events about that commit
-- (provisioning -> ready, failed) carry the same request id as the API call and the commit trailer.
ALTER TABLE stores ADD COLUMN last_request_id text;
