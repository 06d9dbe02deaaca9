-- depends: 0019.clusters
-- Each store runs on one cluster (issue 20): the platform places a new store by a policy and keeps
-- where it put it. NULL: a store made before placement, on the home cluster.
-- `home`: the cluster whose fleet root is the repo's `tenants/` (its stores' directories keep the
-- single-cluster layout); every other cluster's root is `clusters/<name>/tenants/`. At most one.
ALTER TABLE clusters ADD COLUMN home boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX clusters_one_home ON clusters (home) WHERE home;
UPDATE clusters SET home = true WHERE origin = 'settings';

-- No foreign key: its check would share-lock the cluster's row in every concurrent create (one row for
-- all of them: multixacts on the hottest insert path). A cluster that holds stores cannot be removed
-- (409 CLUSTER_HAS_STORES), which is what the key would have guarded.
ALTER TABLE stores ADD COLUMN cluster_id text;
UPDATE stores SET cluster_id = (SELECT id FROM clusters WHERE home) WHERE cluster_id IS NULL;
-- No index on cluster_id: every index costs each status change of every store (a rollout wave moves
-- thousands), and placement counts a cluster's stores only when it must weigh them (docs/clusters.md).
