-- depends: 0022.store-row-room
-- API request limits (per client and route class), counted in the database so every API replica sees
-- the same counts. One row per limited key (a hash of route class + user id or client IP); `hits`
-- counts the requests of the fixed window that ends at `expires_at`, which starts at the key's first
-- request. A row past `expires_at` is reused by the key's next request or deleted in batches.
--
-- UNLOGGED: every API request writes here, and a write to a logged table would wait for its WAL to
-- reach disk at commit. Counters lost in a crash only mean fresh windows, which is harmless.
-- fillfactor: a hit rewrites the row; free room on its page keeps the update HOT (no index touched).
CREATE UNLOGGED TABLE api_rate_limit_counters (
    key         text PRIMARY KEY,
    hits        integer NOT NULL,
    expires_at  timestamptz NOT NULL
) WITH (fillfactor = 50);
CREATE INDEX api_rate_limit_counters_expires_idx ON api_rate_limit_counters (expires_at);
