-- Users, stores, audit events and the outbox the fleet writer drains.

CREATE TABLE users (
    id              text PRIMARY KEY,
    email           text NOT NULL,
    username        text NOT NULL,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'tenant')),
    is_active       boolean NOT NULL DEFAULT true,
    -- bumped on password change so tokens issued before it stop working
    token_version   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE stores (
    id              text PRIMARY KEY,
    owner_id        text NOT NULL REFERENCES users (id),
    name            text NOT NULL,
    engine          text NOT NULL CHECK (engine IN ('woocommerce', 'medusa')),
    theme           text CHECK (theme IN ('storefront', 'astra')),
    plan            text NOT NULL CHECK (plan IN ('small', 'medium', 'large')),
    status          text NOT NULL CHECK (status IN (
                        'requested', 'pending_approval', 'provisioning', 'ready',
                        'updating', 'failed', 'deleting', 'deleted')),
    status_message  text,
    error           text,
    spec            jsonb NOT NULL,
    spec_hash       text NOT NULL,
    last_commit_sha text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    CHECK (engine = 'woocommerce' OR theme IS NULL)
);
-- A live name is unique per owner; a deleted store frees its name.
CREATE UNIQUE INDEX stores_owner_live_name_key ON stores (owner_id, name) WHERE status <> 'deleted';
CREATE INDEX stores_created_idx ON stores (created_at DESC, id DESC);
CREATE INDEX stores_owner_created_idx ON stores (owner_id, created_at DESC, id DESC);
CREATE INDEX stores_status_idx ON stores (status);

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    store_id        text NOT NULL REFERENCES stores (id),
    tenant          text NOT NULL,
    action          text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'rollback', 'retry')),
    spec            jsonb,
    spec_hash       text,
    params          jsonb NOT NULL DEFAULT '{}'::jsonb,
    request_id      text,
    actor_id        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    commit_sha      text,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE processed_at IS NULL;
CREATE INDEX outbox_store_idx ON outbox (store_id, id);

CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    event           text NOT NULL,
    request_id      text,
    actor_id        text,
    actor           text,
    store_id        text,
    -- the store owner for store events, so tenants can read their own trail
    tenant          text,
    ip              text,
    before          jsonb,
    after           jsonb,
    detail          jsonb
);
CREATE INDEX audit_events_store_idx ON audit_events (store_id, id DESC);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant, id DESC);
CREATE INDEX audit_events_event_idx ON audit_events (event, id DESC);
