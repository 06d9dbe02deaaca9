"""The store's Velero objects: a Schedule per store when backups are on, a declared Restore; both
valid against Velero's upstream CRDs (tightened), byte-stable, with per-plan and per-store policy."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from storefleet.renderer import velero
from storefleet.renderer.backup_policy import (
    default_schedule,
    restore_name,
    schedule_problem,
    ttl_problem,
)
from storefleet.renderer.manifests import (
    KUSTOMIZATION_FILE,
    RESTORE_FILE,
    SCHEDULE_FILE,
    render_store,
    store_dir,
    store_labels,
)
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.template import instantiate_template
from storefleet.renderer.validate import load_yaml_documents, validate_manifest, validate_tree

URL = "https://github.com/acme/fleet.git"
RESTORE = {
    "name": "storefleet-st-abcdefgh23-restore-0123456789",
    "backup": "storefleet-st-oldoldold2-20260101030000",
    "source_namespace": "st-oldoldold2",
    "stage": "restoring",
}


def _profile(engine: GitOpsEngine, **extra: Any) -> RenderProfile:
    return RenderProfile(gitops_engine=engine, fleet_repo_url=URL, backups_enabled=True, **extra)


def _object(files: dict[str, bytes], name: str) -> dict[str, Any]:
    documents = load_yaml_documents(files[name])
    assert len(documents) == 1
    return documents[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("gitops", "engine"), list(itertools.product(GitOpsEngine, ("woocommerce", "medusa")))
)
def test_schedule_and_restore_validate_against_the_upstream_crds(
    make_spec: Any, crd_dir: Path, gitops: GitOpsEngine, engine: str
) -> None:
    spec = make_spec(engine=engine, restore=RESTORE)
    files = render_store(spec, _profile(gitops))
    for name in (SCHEDULE_FILE, RESTORE_FILE):
        obj = _object(files, name)
        assert validate_manifest(obj, crd_dir) == [], name
        assert obj["metadata"]["namespace"] == "velero"
        assert obj["metadata"]["labels"] == store_labels(spec)
    backup = velero.on_demand_backup(spec, _profile(gitops), store_labels(spec), "20260102030405")
    assert validate_manifest(backup, crd_dir) == []
    assert backup["metadata"]["labels"][velero.TRIGGER_LABEL] == velero.ON_DEMAND
    assert backup["spec"] == _object(files, SCHEDULE_FILE)["spec"]["template"]  # --from-schedule
    assert files == render_store(spec, _profile(gitops))  # byte-stable


def test_a_typo_in_a_velero_object_is_an_error(make_spec: Any, crd_dir: Path) -> None:
    schedule = _object(render_store(make_spec(), _profile(GitOpsEngine.FLUX)), SCHEDULE_FILE)
    schedule["spec"]["template"]["hooks"]["resources"][0]["pre"][0]["exec"]["onErorr"] = "Fail"
    errors = validate_manifest(schedule, crd_dir)
    assert len(errors) == 1 and "onErorr" in errors[0]


def test_without_backups_a_store_directory_is_unchanged(make_spec: Any) -> None:
    spec = make_spec()
    plain = render_store(spec, RenderProfile())
    assert SCHEDULE_FILE not in plain and RESTORE_FILE not in plain
    kustomization = _object(plain, KUSTOMIZATION_FILE)
    assert kustomization["resources"] == ["helmrelease.yaml", "namespace.yaml"]
    with_backups = _object(render_store(spec, _profile(GitOpsEngine.FLUX)), KUSTOMIZATION_FILE)
    assert with_backups["resources"] == ["helmrelease.yaml", "namespace.yaml", "schedule.yaml"]


def test_the_schedule_covers_the_store_namespace_and_keeps_its_backups(make_spec: Any) -> None:
    spec = make_spec()
    profile = _profile(GitOpsEngine.FLUX, velero_namespace="backups", velero_storage_location="s3-eu")
    schedule = _object(render_store(spec, profile), SCHEDULE_FILE)
    assert schedule["metadata"] == {
        "name": "storefleet-st-abcdefgh23",
        "namespace": "backups",
        "labels": store_labels(spec),
    }
    body = schedule["spec"]
    # Deleting the Schedule (the store) must not delete the Backups Velero made from it.
    assert body["useOwnerReferencesInBackup"] is False
    template = body["template"]
    assert template["includedNamespaces"] == [spec.store_id]
    assert template["storageLocation"] == "s3-eu"
    assert template["metadata"] == {"labels": store_labels(spec)}
    assert template["defaultVolumesToFsBackup"] is True


@pytest.mark.parametrize(
    ("engine", "component", "needle"),
    [
        ("woocommerce", "mariadb", "--single-transaction"),
        ("medusa", "postgresql", "pg_dump "),
    ],
)
def test_the_pre_backup_hook_dumps_the_database_without_a_secret(
    make_spec: Any, engine: str, component: str, needle: str
) -> None:
    schedule = _object(render_store(make_spec(engine=engine), _profile(GitOpsEngine.FLUX)), SCHEDULE_FILE)
    (hook,) = schedule["spec"]["template"]["hooks"]["resources"]
    assert hook["includedNamespaces"] == ["st-abcdefgh23"]
    assert hook["labelSelector"]["matchLabels"]["app.kubernetes.io/component"] == component
    (pre,) = hook["pre"]
    assert pre["exec"]["container"] == component
    assert pre["exec"]["onError"] == "Fail" and pre["exec"]["timeout"] == "10m"
    script = pre["exec"]["command"][-1]
    assert needle in script
    assert "/etc/storefleet/credentials/" in script  # the password is read from the mounted Secret
    assignments = re.findall(r"(\w*(?:PWD|PASSWORD))=(\"[^\"]*\"|\S+)", script)
    assert assignments
    assert all(value.startswith('"$(cat /etc/storefleet/credentials/') for _, value in assignments)


def test_plans_set_the_schedule_and_retention_and_a_store_overrides_them(make_spec: Any) -> None:
    def body(**overrides: Any) -> dict[str, Any]:
        return _object(render_store(make_spec(**overrides), _profile(GitOpsEngine.FLUX)), SCHEDULE_FILE)[
            "spec"
        ]

    minute = default_schedule("small", "st-abcdefgh23").split()[0]
    assert body()["schedule"] == f"{minute} 3 * * *"
    assert body()["template"]["ttl"] == "168h0m0s"
    assert body(plan="medium")["schedule"] == f"{minute} */12 * * *"
    assert body(plan="large")["template"]["ttl"] == "720h0m0s"
    custom = body(backups={"schedule": "30  1 * * MON-FRI", "ttl": "72h"})
    assert custom["schedule"] == "30 1 * * MON-FRI" and custom["template"]["ttl"] == "72h"
    assert body(backups={"ttl": "48h"})["schedule"] == f"{minute} 3 * * *"
    assert make_spec(backups={}).backups is None  # an empty policy is no policy (and no spec field)
    assert "backups" not in make_spec(backups={}).to_document()


@pytest.mark.parametrize(
    "text", ["0 3 * * *", "*/15 * * * *", "0 0 1,15 * *", "0 6 * JAN-MAR SUN", "@daily", "@every 6h"]
)
def test_schedules_velero_accepts(text: str) -> None:
    assert schedule_problem(text) is None


@pytest.mark.parametrize(
    "text", ["", "0 3 * *", "60 3 * * *", "0 24 * * *", "0 3 0 * *", "5-1 * * * *", "@often", "@every 10s"]
)
def test_schedules_velero_refuses(text: str, make_spec: Any) -> None:
    assert schedule_problem(text) is not None
    with pytest.raises(ValidationError):
        make_spec(backups={"schedule": text})


@pytest.mark.parametrize(("text", "ok"), [("168h", True), ("1h30m", True), ("30m", False), ("7d", False)])
def test_retentions(text: str, ok: bool, make_spec: Any) -> None:
    assert (ttl_problem(text) is None) is ok
    if not ok:
        with pytest.raises(ValidationError):
            make_spec(backups={"ttl": text})


def test_a_restore_maps_the_backup_namespace_onto_the_store(make_spec: Any) -> None:
    spec = make_spec(restore=RESTORE)
    restore = _object(render_store(spec, _profile(GitOpsEngine.ARGOCD)), RESTORE_FILE)
    assert restore["metadata"]["name"] == RESTORE["name"]
    assert restore["spec"]["backupName"] == RESTORE["backup"]
    assert restore["spec"]["includedNamespaces"] == ["st-oldoldold2"]
    assert restore["spec"]["namespaceMapping"] == {"st-oldoldold2": "st-abcdefgh23"}
    assert restore["spec"]["existingResourcePolicy"] == "update"
    assert "helmreleases.helm.toolkit.fluxcd.io" in restore["spec"]["excludedResources"]
    same = make_spec(restore={**RESTORE, "source_namespace": "st-abcdefgh23"})
    in_place = _object(render_store(same, _profile(GitOpsEngine.FLUX)), RESTORE_FILE)
    assert "namespaceMapping" not in in_place["spec"]


def test_restore_names_are_deterministic_per_request() -> None:
    first = restore_name("st-abcdefgh23", "b-1", "req-1")
    assert first == restore_name("st-abcdefgh23", "b-1", "req-1")
    assert first != restore_name("st-abcdefgh23", "b-1", "req-2")
    assert len(first) <= 63 and first.startswith("storefleet-st-abcdefgh23-restore-")


@pytest.mark.parametrize("gitops", list(GitOpsEngine))
def test_a_fleet_with_backups_and_a_restore_validates(
    tmp_path: Path, crd_dir: Path, make_spec: Any, gitops: GitOpsEngine
) -> None:
    files = instantiate_template(gitops, "prod", URL, "main", velero_namespace="velero")
    spec = make_spec(restore=RESTORE)
    files.update({f"{store_dir(spec)}/{k}": v for k, v in render_store(spec, _profile(gitops)).items()})
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    assert validate_tree(tmp_path, crd_dir) == []


def test_argo_cd_may_apply_the_velero_objects() -> None:
    files = instantiate_template(GitOpsEngine.ARGOCD, "prod", URL, "main", velero_namespace="backups")
    root = load_yaml_documents(files["clusters/prod/tenants.yaml"])[0]
    include = root["spec"]["source"]["directory"]["include"]
    assert "*/schedule.yaml" in include and "*/restore.yaml" in include
    fleet_project = load_yaml_documents(files["clusters/prod/projects.yaml"])[0]
    assert {"server": "https://kubernetes.default.svc", "namespace": "backups"} in fleet_project["spec"][
        "destinations"
    ]
    allowed = fleet_project["spec"]["namespaceResourceWhitelist"]
    assert {"group": "velero.io", "kind": "Schedule"} in allowed
    assert {"group": "velero.io", "kind": "Restore"} in allowed


@pytest.mark.parametrize("gitops", list(GitOpsEngine))
def test_a_restore_leaves_the_release_out_and_declares_the_restore_only_once_cleared(
    make_spec: Any, crd_dir: Path, gitops: GitOpsEngine
) -> None:
    release = "helmrelease.yaml" if gitops is GitOpsEngine.FLUX else "application.yaml"
    plain = render_store(make_spec(), _profile(gitops))
    assert release in plain and RESTORE_FILE not in plain
    clearing = render_store(make_spec(restore={**RESTORE, "stage": "clearing"}), _profile(gitops))
    assert release not in clearing and RESTORE_FILE not in clearing
    assert {"namespace.yaml", SCHEDULE_FILE} <= set(clearing)  # the namespace and backups stay
    restoring = render_store(make_spec(restore=RESTORE), _profile(gitops))
    assert release not in restoring and RESTORE_FILE in restoring
    assert validate_manifest(_object(restoring, RESTORE_FILE), crd_dir) == []
    if gitops is GitOpsEngine.FLUX:
        listed = _object(restoring, KUSTOMIZATION_FILE)["resources"]
        assert listed == ["namespace.yaml", RESTORE_FILE, SCHEDULE_FILE]
        assert "helmrelease.yaml" not in _object(clearing, KUSTOMIZATION_FILE)["resources"]


def test_a_restore_starts_by_clearing(make_spec: Any) -> None:
    request = {k: v for k, v in RESTORE.items() if k != "stage"}
    assert make_spec(restore=request).restore.stage == "clearing"


def test_a_restore_stage_commit_says_so_and_carries_the_usual_trailers() -> None:
    from storefleet.renderer.commit_message import ChangeRecord, commit_message

    record = ChangeRecord(
        action="update", change_id=7, store_id="st-abcdefgh23", store_name="acme-shop", tenant="t-1",
        engine="woocommerce", spec_hash="abc", request_id="req-1", actor="alice (u-1)",
        details={"restore": {**RESTORE, "stage": "clearing"}},
    )  # fmt: skip
    summary, _, trailers = commit_message(record).partition("\n\n")
    assert summary == f"store: restore acme-shop from backup {RESTORE['backup']} (clearing)"
    assert "Store-Id: st-abcdefgh23" in trailers and "Action: update" in trailers
    assert "Spec-Hash: abc" in trailers and "Request-Id: req-1" in trailers
