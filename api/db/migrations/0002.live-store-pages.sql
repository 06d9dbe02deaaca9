-- depends: 0001.initial-schema
-- Pages of live stores (the default list) walk these instead of sorting the table.

CREATE INDEX stores_live_created_idx ON stores (created_at DESC, id DESC) WHERE status <> 'deleted';
CREATE INDEX stores_owner_live_created_idx ON stores (owner_id, created_at DESC, id DESC)
    WHERE status <> 'deleted';
