-- depends: 0018.store-restoring
-- The clusters stores run on, registered by admins (origin `api`) or the one the platform's settings
-- name (origin `settings`: CLUSTER_NAME, GITOPS_ENGINE, KUBECONFIG / KUBE_IN_CLUSTER). A kubeconfig is
-- never stored: only where the platform finds it (a Secret's key in the platform's namespace or
-- cluster, or a file path on the platform's pods).
CREATE TABLE clusters (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    region text CHECK (length(region) BETWEEN 1 AND 63),
    labels jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
    -- capacity: NULL is no limit of that kind
    max_stores int CHECK (max_stores > 0),
    max_cpu_cores numeric CHECK (max_cpu_cores > 0),
    max_memory_gib numeric CHECK (max_memory_gib > 0),
    applier text NOT NULL CHECK (applier IN ('flux', 'argocd')),
    -- `none`: the platform has no way to read it (the settings name no KUBECONFIG and no in-cluster
    -- access, or a former settings cluster); the API never sets it
    access_kind text NOT NULL
        CHECK (access_kind IN ('none', 'in_cluster', 'kubeconfig_secret', 'kubeconfig_file')),
    kubeconfig_secret_namespace text,
    kubeconfig_secret_name text,
    kubeconfig_secret_key text,
    kubeconfig_path text CHECK (kubeconfig_path LIKE '/%'),
    kubeconfig_context text,  -- a context of the kubeconfig (NULL: its current context)
    state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cordoned', 'draining')),
    origin text NOT NULL DEFAULT 'api' CHECK (origin IN ('api', 'settings')),
    version int NOT NULL DEFAULT 1,  -- bumped by every change: the ETag a PATCH's If-Match names
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clusters_access_fields CHECK (CASE access_kind
        WHEN 'kubeconfig_secret' THEN kubeconfig_secret_namespace IS NOT NULL
            AND kubeconfig_secret_name IS NOT NULL AND kubeconfig_secret_key IS NOT NULL
            AND kubeconfig_path IS NULL
        WHEN 'kubeconfig_file' THEN kubeconfig_path IS NOT NULL AND kubeconfig_secret_namespace IS NULL
            AND kubeconfig_secret_name IS NULL AND kubeconfig_secret_key IS NULL
        ELSE kubeconfig_path IS NULL AND kubeconfig_secret_namespace IS NULL
            AND kubeconfig_secret_name IS NULL AND kubeconfig_secret_key IS NULL
            AND kubeconfig_context IS NULL
    END)
);
-- at most one cluster comes from the settings
CREATE UNIQUE INDEX clusters_one_from_settings ON clusters (origin) WHERE origin = 'settings';
