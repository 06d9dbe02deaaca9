"""Flux controller sharding (FLUX_SHARDS): each store's HelmRelease, and the HelmChart made from it,
carries `sharding.fluxcd.io/key: shard<k>`, k a stable hash of the store id; nothing else changes,
and nothing at all without shards."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from storefleet.renderer.manifests import HELMRELEASE_FILE, render_store
from storefleet.renderer.names import SHARD_LABEL, flux_shard
from storefleet.renderer.profile import GitOpsEngine, ProfileError, RenderProfile
from storefleet.renderer.validate import validate_manifest


def _release(files: dict[str, bytes]) -> dict[str, Any]:
    return dict(yaml.safe_load(files[HELMRELEASE_FILE]))


def test_a_sharded_release_and_its_chart_name_the_stores_shard(make_spec: Any, crd_dir: Path) -> None:
    spec = make_spec()
    release = _release(render_store(spec, RenderProfile(flux_shards=4)))
    shard = release["metadata"]["labels"][SHARD_LABEL]
    assert shard == flux_shard(spec.store_id, 4) and shard in {"shard1", "shard2", "shard3", "shard4"}
    assert release["spec"]["chart"]["metadata"]["labels"][SHARD_LABEL] == shard
    assert SHARD_LABEL not in release["spec"]["commonMetadata"]["labels"]  # the chart's objects: no
    assert validate_manifest(release, crd_dir) == []
    unsharded = render_store(spec, RenderProfile())
    assert SHARD_LABEL not in _release(unsharded)["metadata"]["labels"]
    sharded = render_store(spec, RenderProfile(flux_shards=4))
    assert {k: v for k, v in sharded.items() if k != HELMRELEASE_FILE} == {
        k: v for k, v in unsharded.items() if k != HELMRELEASE_FILE
    }


def test_shards_are_stable_and_spread(make_spec: Any) -> None:
    ids = [f"st-{n:010d}" for n in range(2000)]
    counts = Counter(flux_shard(store_id, 4) for store_id in ids)
    assert set(counts) == {"shard1", "shard2", "shard3", "shard4"}
    assert min(counts.values()) > 400  # about a quarter each
    assert [flux_shard(store_id, 4) for store_id in ids[:50]] == [flux_shard(s, 4) for s in ids[:50]]
    assert flux_shard("st-abc", 0) is None and flux_shard("st-abc", 1) == "shard1"


def test_argo_cd_and_bad_counts(make_spec: Any) -> None:
    files = render_store(make_spec(), RenderProfile(gitops_engine=GitOpsEngine.ARGOCD, flux_shards=3))
    assert b"sharding.fluxcd.io" not in b"".join(files.values())
    for bad in (-1, 65):
        try:
            RenderProfile(flux_shards=bad)
        except ProfileError as exc:
            assert "flux_shards" in str(exc)
        else:
            raise AssertionError(f"flux_shards={bad} was accepted")
