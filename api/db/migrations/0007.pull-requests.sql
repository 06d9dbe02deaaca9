-- depends: 0006.commit-request-id
-- Pull-request mode: each outbox change proposed as a pull request, followed to its end.
CREATE TABLE pull_requests (
    id                  bigserial PRIMARY KEY,
    store_id            text NOT NULL REFERENCES stores (id),
    change_id           bigint NOT NULL REFERENCES outbox (id),
    action              text NOT NULL,
    number              integer NOT NULL,
    url                 text NOT NULL,
    branch              text NOT NULL,
    head_sha            text NOT NULL,
    state               text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'merged', 'closed')),
    merge_commit_sha    text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    closed_at           timestamptz
);
CREATE UNIQUE INDEX pull_requests_number_key ON pull_requests (number);
CREATE UNIQUE INDEX pull_requests_change_key ON pull_requests (change_id);
CREATE INDEX pull_requests_open_idx ON pull_requests (store_id) WHERE state = 'open';

-- The open pull request a person has to review, shown on the store.
ALTER TABLE stores ADD COLUMN pull_request_url text;
