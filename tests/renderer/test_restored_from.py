"""A store created from another store's backup (docs/backups.md), as the renderer writes it: its
first directory (namespace, Schedule, the namespace-mapped Restore of the source's objects, no
release), then its release under the source's chart instance, with the backup hook, the credentials
Secret and the values following that instance; the Restore valid against Velero's CRD."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from storefleet.renderer.commit_message import ChangeRecord, commit_message
from storefleet.renderer.manifests import KUSTOMIZATION_FILE, RESTORE_FILE, SCHEDULE_FILE, render_store
from storefleet.renderer.names import chart_instance
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.validate import load_yaml_documents, validate_manifest
from storefleet.renderer.values import chart_values

SOURCE = "st-oldoldold2"
BACKUP = f"storefleet-{SOURCE}-20261201030700"
RESTORED_FROM = {"store_id": SOURCE, "backup": BACKUP, "instance": SOURCE}
RESTORE = {
    "name": "storefleet-st-abcdefgh23-restore-0123456789",
    "backup": BACKUP,
    "source_namespace": SOURCE,
    "stage": "restoring",
}
URL = "https://github.com/acme/fleet.git"


def _profile(gitops: GitOpsEngine) -> RenderProfile:
    return RenderProfile(gitops_engine=gitops, fleet_repo_url=URL, backups_enabled=True)


def _object(files: dict[str, bytes], name: str) -> dict[str, Any]:
    (document,) = load_yaml_documents(files[name])
    return document  # type: ignore[no-any-return]


@pytest.mark.parametrize("gitops", list(GitOpsEngine))
def test_the_first_commit_declares_the_restore_of_the_source_s_objects_and_no_release(
    make_spec: Any, crd_dir: Path, gitops: GitOpsEngine
) -> None:
    spec = make_spec(restored_from=RESTORED_FROM, restore=RESTORE)
    files = render_store(spec, _profile(gitops))
    assert "helmrelease.yaml" not in files and "application.yaml" not in files
    restore = _object(files, RESTORE_FILE)
    assert validate_manifest(restore, crd_dir) == []
    body = restore["spec"]
    assert body["includedNamespaces"] == [SOURCE]
    assert body["namespaceMapping"] == {SOURCE: "st-abcdefgh23"}
    # only the source store's own objects: not Helm's release records, not another controller's
    assert body["labelSelector"] == {"matchLabels": {"storefleet.io/store": SOURCE}}
    # its Ingress names the source's host: the new release makes its own
    assert "ingresses.networking.k8s.io" in body["excludedResources"]
    assert {"helmreleases.helm.toolkit.fluxcd.io", "jobs.batch"} <= set(body["excludedResources"])
    assert restore["metadata"]["labels"]["storefleet.io/store"] == "st-abcdefgh23"  # the watcher's
    if gitops is GitOpsEngine.FLUX:
        assert _object(files, KUSTOMIZATION_FILE)["resources"] == [
            "namespace.yaml",
            RESTORE_FILE,
            SCHEDULE_FILE,
        ]


def test_a_restore_in_place_restores_the_whole_namespace_as_before(make_spec: Any) -> None:
    in_place = make_spec(restore={**RESTORE, "source_namespace": "st-abcdefgh23"})
    body = _object(render_store(in_place, _profile(GitOpsEngine.FLUX)), RESTORE_FILE)["spec"]
    assert "namespaceMapping" not in body and "labelSelector" not in body
    assert "ingresses.networking.k8s.io" not in body["excludedResources"]


@pytest.mark.parametrize("gitops", list(GitOpsEngine))
def test_the_release_keeps_the_source_s_instance(make_spec: Any, gitops: GitOpsEngine) -> None:
    spec = make_spec(restored_from=RESTORED_FROM)  # the restore done: `restore` left the spec
    assert spec.instance == SOURCE
    profile = _profile(gitops)
    files = render_store(spec, profile)
    release = "helmrelease.yaml" if gitops is GitOpsEngine.FLUX else "application.yaml"
    applied = _object(files, release)
    values = applied["spec"]["values"] if gitops is GitOpsEngine.FLUX else (
        applied["spec"]["source"]["helm"]["valuesObject"]
    )  # fmt: skip
    assert values["store"] == {"id": "st-abcdefgh23", "name": "acme-shop", "tenant": "u-abcdefgh23",
                               "instance": SOURCE}  # fmt: skip
    if gitops is GitOpsEngine.ARGOCD:  # the restored Secret, made with the data's passwords
        assert values["credentials"] == {"existingSecret": f"{SOURCE}-credentials"}
    else:
        assert applied["spec"]["releaseName"] == "st-abcdefgh23"  # the release is the new store's
    hook = _object(files, SCHEDULE_FILE)["spec"]["template"]["hooks"]["resources"][0]
    assert hook["labelSelector"]["matchLabels"]["app.kubernetes.io/instance"] == SOURCE
    assert hook["includedNamespaces"] == ["st-abcdefgh23"]


def test_other_stores_values_are_unchanged(make_spec: Any) -> None:
    values = chart_values(make_spec(), _profile(GitOpsEngine.FLUX), "acme-shop-abcdefgh23.localhost")
    assert "instance" not in values["store"]
    assert make_spec().instance == "st-abcdefgh23"
    assert "restored_from" not in make_spec().to_document()  # nor their spec hashes


def test_the_instance_from_a_spec_document() -> None:
    assert chart_instance("st-abcdefgh23", {"restored_from": RESTORED_FROM}) == SOURCE
    assert chart_instance("st-abcdefgh23", {}) == "st-abcdefgh23"
    assert chart_instance("st-abcdefgh23", {"restored_from": None}) == "st-abcdefgh23"


def test_restored_from_names_are_dns_labels(make_spec: Any) -> None:
    with pytest.raises(ValidationError):
        make_spec(restored_from={**RESTORED_FROM, "instance": "Not_A_Label"})


def test_the_create_commit_names_the_backup() -> None:
    record = ChangeRecord(
        action="create", change_id=3, store_id="st-abcdefgh23", store_name="acme-shop", tenant="u-1",
        engine="woocommerce", spec_hash="abc", request_id="req-1", actor="alice (u-1)",
        details={"restore_from": {"store_id": SOURCE, "backup": BACKUP}},
    )  # fmt: skip
    summary, _, trailers = commit_message(record).partition("\n\n")
    assert summary == f"store: create acme-shop (woocommerce) for tenant u-1 from backup {BACKUP}"
    assert "Action: create" in trailers and "Store-Id: st-abcdefgh23" in trailers
