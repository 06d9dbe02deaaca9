-- depends: 0004.watcher
-- Sign-in and registration guardrails, kept in the database so every API replica sees the same counts.

-- consecutive failed sign-ins (reset by a successful one, and when they lock the account), and the
-- end of the current lock
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until timestamptz;

-- Fixed-window counters: one row per limited key (a hash of scope + client IP [+ account]); `hits`
-- counts the attempts of the window that ends at `expires_at`. A row past `expires_at` is reused
-- by the next attempt or deleted opportunistically.
CREATE TABLE rate_limit_counters (
    key         text PRIMARY KEY,
    hits        integer NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX rate_limit_counters_expires_idx ON rate_limit_counters (expires_at);
