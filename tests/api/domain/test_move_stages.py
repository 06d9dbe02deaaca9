"""A move's target directory spec (`move_stages.target_spec`): pure."""

from __future__ import annotations

from datetime import UTC, datetime

from storefleet.api.domain.move_stages import target_spec
from storefleet.api.domain.store_move import MoveStage, StoreMove
from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

BACKUP = "storefleet-st-abcdefgh23-20261207050000"
NOW = datetime(2026, 12, 7, tzinfo=UTC)
SOURCE = StoreSpec(store_id="st-abcdefgh23", tenant="u-abcdefgh23", name="acme-shop", engine="woocommerce")


def _move() -> StoreMove:
    return StoreMove(
        id=7, store_id="st-abcdefgh23", source_cluster_id="cl-a", source_cluster="alpha",
        target_cluster_id="cl-b", target_cluster="beta", stage=MoveStage.BACKING_UP, backup=BACKUP,
        restore="st-abcdefgh23-r1", source_spec_hash="h", target_spec=None, target_created=False,
        outbox_id=None, message=None, reason=None, requested_by="u-admin", created_at=NOW,
        stage_changed_at=NOW, ended_at=None,
    )  # fmt: skip


def test_the_target_spec_is_the_source_s_on_the_target_with_the_restore_and_where_it_came_from() -> None:
    source = SOURCE
    spec = target_spec(source, _move(), "beta")
    assert store_dir(spec) == "clusters/beta/tenants/u-abcdefgh23/st-abcdefgh23"
    assert spec.moved_from is not None and (spec.moved_from.cluster, spec.moved_from.backup) == (None, BACKUP)
    assert spec.restore is not None and spec.restore.source_namespace == source.store_id  # nothing mapped
    assert spec.instance == source.instance and spec.name == source.name
    files = render_store(spec, RenderProfile(backups_enabled=True))
    assert "restore.yaml" in files and "helmrelease.yaml" not in files  # the release comes after the restore
    assert StoreSpec.model_validate(spec.to_document()) == spec


def test_a_spec_without_moved_from_keeps_its_document_and_hash() -> None:
    assert "moved_from" not in SOURCE.to_document()
