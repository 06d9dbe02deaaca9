"""Velero objects for one store: its backup Schedule, the Backup an owner asks for now, and a declared
Restore (pure).

The Schedule lives in the Velero namespace and covers the store's namespace. Before each backup, a
pre-backup exec hook dumps the store's database onto the database's own volume, so the volume copy
holds a consistent dump even if the live data files were caught mid-write: `mariadb-dump
--single-transaction` (WooCommerce) or `pg_dump` (Medusa, one snapshot by design). The hooks read the
database password from the file the store chart mounts from the store's Secret: no credential is
written here. Volumes are copied by Velero's file-system backup (node-agent), which works on every
storage class; `useOwnerReferencesInBackup: false` keeps the Backups when the Schedule goes (a
deleted store's backups stay restorable until their retention ends).
"""

from __future__ import annotations

from typing import Any

from storefleet.renderer.backup_policy import (
    default_schedule,
    default_ttl,
    on_demand_backup_name,
    schedule_name,
)
from storefleet.renderer.names import LABEL_STORE
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import Engine, StoreSpec

VELERO_API = "velero.io/v1"
SCHEDULE_NAME_LABEL = "velero.io/schedule-name"
# On a Backup the platform created on request (not by the Schedule): how the two are told apart.
TRIGGER_LABEL = "storefleet.io/backup-trigger"
ON_DEMAND = "on-demand"
DELETION = "deletion"  # the final backup a delete takes (`keep_backup`)
# On a final backup: kept past the store's delete, with the long retention the delete gave it.
KEPT_LABEL = "storefleet.io/kept"
CHART_NAME = "ecommerce-store"  # the store chart's name: its pods' app.kubernetes.io/name
HOOK_TIMEOUT = "10m"
HOOK_NAME = "database-dump"

# engine -> (the chart's database component and container, the dump's shell script)
_DUMPS: dict[Engine, tuple[str, str]] = {
    Engine.WOOCOMMERCE: (
        "mariadb",
        "set -eu; umask 077; out=/var/lib/mysql/storefleet-dump.sql; "
        'MYSQL_PWD="$(cat /etc/storefleet/credentials/mariadb-root-password)"; export MYSQL_PWD; '
        'dump="$(command -v mariadb-dump || command -v mysqldump)"; '
        '"$dump" --user=root --single-transaction --routines --triggers --databases wordpress '
        '> "$out.tmp"; mv "$out.tmp" "$out"',
    ),
    Engine.MEDUSA: (
        "postgresql",
        "set -eu; umask 077; out=/var/lib/postgresql/data/storefleet-dump.pgdump; "
        'PGPASSWORD="$(cat /etc/storefleet/credentials/postgres-password)"; export PGPASSWORD; '
        'pg_dump --host=127.0.0.1 --username=medusa --dbname=medusa --format=custom --file="$out.tmp"; '
        'mv "$out.tmp" "$out"',
    ),
}


def schedule_of(spec: StoreSpec) -> tuple[str, str]:
    """(cron, retention) of the store: its own policy over its plan's defaults."""
    policy = spec.backups
    cron = (policy.schedule if policy else None) or default_schedule(spec.plan.value, spec.store_id)
    ttl = (policy.ttl if policy else None) or default_ttl(spec.plan.value)
    return cron, ttl


def _dump_hook(spec: StoreSpec) -> dict[str, Any]:
    component, script = _DUMPS[spec.engine]
    selector = {
        "app.kubernetes.io/name": CHART_NAME,
        "app.kubernetes.io/instance": spec.instance,  # the release name, or the instance it kept
        "app.kubernetes.io/component": component,
    }
    return {
        "name": HOOK_NAME,
        "includedNamespaces": [spec.store_id],
        "labelSelector": {"matchLabels": selector},
        "pre": [
            {
                "exec": {
                    "container": component,
                    "command": ["/bin/sh", "-c", script],
                    "onError": "Fail",
                    "timeout": HOOK_TIMEOUT,
                }
            }
        ],
    }


def backup_template(spec: StoreSpec, profile: RenderProfile, labels: dict[str, str]) -> dict[str, Any]:
    """The BackupSpec of every backup of the store (the Schedule's template, an on-demand Backup's spec).

    `metadata.labels` is what Velero puts on the Backups the Schedule creates (beside
    `velero.io/schedule-name`): the storefleet labels, by which the platform finds them."""
    _, ttl = schedule_of(spec)
    return {
        "metadata": {"labels": dict(labels)},
        "includedNamespaces": [spec.store_id],
        "storageLocation": profile.velero_storage_location,
        "ttl": ttl,
        "defaultVolumesToFsBackup": True,
        "hooks": {"resources": [_dump_hook(spec)]},
    }


def schedule(spec: StoreSpec, profile: RenderProfile, labels: dict[str, str]) -> dict[str, Any]:
    cron, _ = schedule_of(spec)
    return {
        "apiVersion": VELERO_API,
        "kind": "Schedule",
        "metadata": {
            "name": schedule_name(spec.store_id),
            "namespace": profile.velero_namespace,
            "labels": dict(labels),
        },
        "spec": {
            "schedule": cron,
            "useOwnerReferencesInBackup": False,
            "template": backup_template(spec, profile, labels),
        },
    }


def on_demand_backup(
    spec: StoreSpec, profile: RenderProfile, labels: dict[str, str], stamp: str
) -> dict[str, Any]:
    """What `velero backup create --from-schedule` makes: the Schedule's template as the spec, its
    labels and `velero.io/schedule-name`, named `<schedule>-<YYYYMMDDHHMMSS>` (`stamp` may carry a
    suffix that keeps two requests of one second apart); `TRIGGER_LABEL` marks it as on demand."""
    return {
        "apiVersion": VELERO_API,
        "kind": "Backup",
        "metadata": {
            "name": on_demand_backup_name(spec.store_id, stamp),
            "namespace": profile.velero_namespace,
            "labels": {
                **labels,
                SCHEDULE_NAME_LABEL: schedule_name(spec.store_id),
                TRIGGER_LABEL: ON_DEMAND,
            },
        },
        "spec": backup_template(spec, profile, labels),
    }


def final_backup(
    spec: StoreSpec, profile: RenderProfile, labels: dict[str, str], stamp: str, ttl: str
) -> dict[str, Any]:
    """The backup a delete with `keep_backup` takes before the removal: an on-demand backup (the
    Schedule's template, named as the Schedule names its Backups) kept for `ttl`
    (`DELETED_STORE_BACKUP_TTL`) rather than the store's retention, labelled as kept."""
    backup = on_demand_backup(spec, profile, labels, stamp)
    backup["metadata"]["labels"].update({TRIGGER_LABEL: DELETION, KEPT_LABEL: "true"})
    backup["spec"]["ttl"] = ttl
    return backup


# Kinds a restore leaves to the applier: the HelmRelease is git's (Flux re-applies it anyway), and a
# restored setup Job would run the store's first-install setup again over the restored data.
RESTORE_EXCLUDED = ("helmreleases.helm.toolkit.fluxcd.io", "jobs.batch")
# Into another store (created from a backup), its Ingress too: it names the source store's host, which
# that store may still serve; the new store's release makes its own for its own host.
RESTORE_ELSEWHERE_EXCLUDED = ("ingresses.networking.k8s.io",)


def restore(spec: StoreSpec, profile: RenderProfile, labels: dict[str, str]) -> dict[str, Any]:
    """The Restore the store declares (`spec.restore`), mapping the backup's namespace to the store's.

    Into another namespace (a store created from a backup), only the source store's own objects are
    restored, by its `storefleet.io/store` label: not Helm's release records of the source (the new
    release keeps its own), nor what cert-manager or another controller left beside them."""
    request = spec.restore
    assert request is not None
    mapped = request.source_namespace != spec.store_id
    excluded = RESTORE_EXCLUDED + (RESTORE_ELSEWHERE_EXCLUDED if mapped else ())
    body: dict[str, Any] = {
        "backupName": request.backup,
        "includedNamespaces": [request.source_namespace],
        "excludedResources": list(excluded),
        # Objects that exist are updated to the backup's version rather than skipped: a restore into
        # a running store must bring back its Secrets and ConfigMaps too.
        "existingResourcePolicy": "update",
        "restorePVs": True,
    }
    if mapped:
        body["namespaceMapping"] = {request.source_namespace: spec.store_id}
        body["labelSelector"] = {"matchLabels": {LABEL_STORE: request.source_namespace}}
    return {
        "apiVersion": VELERO_API,
        "kind": "Restore",
        "metadata": {"name": request.name, "namespace": profile.velero_namespace, "labels": dict(labels)},
        "spec": body,
    }
