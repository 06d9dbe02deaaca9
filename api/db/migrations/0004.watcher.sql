-- depends: 0003.fleet-state
-- What the cluster watcher needs of a store.

-- when the store entered its current status, and when its latest commit was recorded: the
-- provisioning/deletion timeouts and the commit -> ready lag are measured from these
ALTER TABLE stores ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE stores ADD COLUMN committed_at timestamptz;
-- the fleet revision the applier last reported the store healthy at
ALTER TABLE stores ADD COLUMN observed_revision text;
-- post-install setup: the setup key whose Job succeeded, and the attempt number (a retry starts a
-- new Job under a new name)
ALTER TABLE stores ADD COLUMN setup_done_key text;
ALTER TABLE stores ADD COLUMN setup_attempt integer NOT NULL DEFAULT 0;
-- a retry asks the applier to try again; until it has handled this token its old status is stale
ALTER TABLE stores ADD COLUMN retry_token text;
ALTER TABLE stores ADD COLUMN retry_requested_at timestamptz;

CREATE INDEX stores_converging_idx ON stores (id) WHERE status IN ('provisioning', 'updating', 'deleting');
