"""`storefleet fleet init` and `storefleet fleet validate`, run as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.profile import GitOpsEngine, RenderProfile

STOREFLEET = str(Path(sys.executable).parent / "storefleet")


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "STOREFLEET_CRDS_DIR"}
    return subprocess.run(
        [STOREFLEET, "fleet", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environ, **env},
        check=False,
    )


def _add_store(root: Path, spec: Any, engine: GitOpsEngine) -> Path:
    directory = root / store_dir(spec)
    directory.mkdir(parents=True)
    for name, data in render_store(spec, RenderProfile(gitops_engine=engine)).items():
        (directory / name).write_bytes(data)
    return directory


def test_init_writes_the_flux_skeleton(tmp_path: Path) -> None:
    dest = tmp_path / "fleet"
    result = _run(
        "init",
        "--no-chart",
        "--cluster",
        "kind",
        "--repo-url",
        "https://git.example.com/fleet.git",
        str(dest),
    )
    assert result.returncode == 0, result.stderr
    assert "wrote 5 files" in result.stdout
    assert not (dest / "charts").exists()
    source = yaml.safe_load((dest / "clusters/kind/fleet-source.yaml").read_text())
    assert source["spec"]["url"] == "https://git.example.com/fleet.git"
    assert (dest / ".sourceignore").is_file() and (dest / "tenants/README.md").is_file()
    assert not (dest / ".git").exists()


def test_init_vendors_the_chart_the_store_manifests_point_at(tmp_path: Path) -> None:
    assert _run("init", str(tmp_path)).returncode == 0
    chart_root = Path(__file__).parents[2] / "helm" / "ecommerce-store"
    shipped = sorted(p.relative_to(chart_root) for p in chart_root.rglob("*") if p.is_file())
    vendored_root = tmp_path / RenderProfile().chart_path
    assert sorted(p.relative_to(vendored_root) for p in vendored_root.rglob("*") if p.is_file()) == shipped
    for rel in shipped:
        assert (vendored_root / rel).read_bytes() == (chart_root / rel).read_bytes(), rel


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    assert _run("init", str(tmp_path)).returncode == 0
    before = (tmp_path / "README.md").read_bytes()
    result = _run("init", "--engine", "argocd", str(tmp_path))
    assert result.returncode == 1
    assert "refusing to overwrite" in result.stderr and "README.md" in result.stderr
    assert (tmp_path / "README.md").read_bytes() == before


def test_init_with_git_makes_one_commit_on_the_branch(tmp_path: Path) -> None:
    dest = tmp_path / "argo"
    result = _run("init", "--engine", "argocd", "--branch", "fleet", "--git", str(dest))
    assert result.returncode == 0, result.stderr
    log = subprocess.run(
        ["git", "-C", str(dest), "log", "--format=%s", "fleet"], capture_output=True, text=True, check=True
    ).stdout
    assert log.splitlines() == ["fleet: initialise for cluster local (argocd)"]
    status = subprocess.run(
        ["git", "-C", str(dest), "status", "--porcelain"], capture_output=True, text=True, check=True
    ).stdout
    assert status == ""
    files = subprocess.run(
        ["git", "-C", str(dest), "ls-files"], capture_output=True, text=True, check=True
    ).stdout
    assert "clusters/local/projects.yaml" in files.splitlines()


def test_init_refuses_bad_parameters(tmp_path: Path) -> None:
    result = _run("init", "--cluster", "Not_A_Label", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "DNS-1123" in result.stderr
    assert not (tmp_path / "x").exists()


def test_validate_a_good_tree(tmp_path: Path, crd_dir: Path, make_spec: Any) -> None:
    for engine in GitOpsEngine:
        root = tmp_path / engine.value
        assert _run("init", "--engine", engine.value, str(root)).returncode == 0
        _add_store(root, make_spec(), engine)
        _add_store(root, make_spec(store_id="st-bbbbbbbbbb", engine="medusa"), engine)
        result = _run("validate", "--crds", str(crd_dir), str(root))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"{root}: valid"
        # The CRD folder can come from the environment instead.
        assert _run("validate", str(root), STOREFLEET_CRDS_DIR=str(crd_dir)).returncode == 0


def test_validate_reports_every_problem_of_a_broken_tree(
    tmp_path: Path, crd_dir: Path, make_spec: Any
) -> None:
    root = tmp_path / "fleet"
    assert _run("init", str(root)).returncode == 0
    store = _add_store(root, make_spec(), GitOpsEngine.FLUX)
    release = (store / "helmrelease.yaml").read_text()
    (store / "helmrelease.yaml").write_text(release.replace("  interval: 10m", "  intervall: 10m"))
    namespace = (store / "namespace.yaml").read_text()
    (store / "namespace.yaml").write_text(namespace.replace("store: st-abcdefgh23", "store: st-zzzzzzzzzz"))
    (store / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
        "  - namespace.yaml\n  - store.yaml\n"
    )
    moved = _add_store(root, make_spec(store_id="st-bbbbbbbbbb"), GitOpsEngine.FLUX)
    (moved / "store.yaml").write_bytes((store / "store.yaml").read_bytes())
    (root / "tenants/u-abcdefgh23/st-cccccccccc").mkdir()
    (root / "clusters/local/broken.yaml").write_text("kind: [\n")

    result = _run("validate", "--crds", str(crd_dir), str(root))
    assert result.returncode == 1
    out = result.stderr
    base = "tenants/u-abcdefgh23"
    assert f"{base}/st-cccccccccc: a store directory without store.yaml" in out
    assert "clusters/local/broken.yaml: not valid YAML" in out
    assert f"{base}/st-abcdefgh23/namespace.yaml: Namespace/st-abcdefgh23: metadata.labels[" in out
    assert "'intervall' was unexpected" in out and "'interval' is a required property" in out
    assert f"{base}/st-abcdefgh23/kustomization.yaml: resources: 'store.yaml' is platform state" in out
    assert f"{base}/st-abcdefgh23/kustomization.yaml: helmrelease.yaml is never applied" in out
    assert f"{base}/st-bbbbbbbbbb/store.yaml: store.yaml of u-abcdefgh23/st-abcdefgh23 must be at" in out
    assert "problem(s) in" in out


def test_validate_needs_a_crd_folder(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path))
    assert result.returncode == 2
    assert "--crds" in result.stderr


def test_init_pushes_to_an_empty_remote_and_never_over_history(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    first = _run("init", "--push", str(remote), str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    log = subprocess.run(
        ["git", "-C", str(remote), "log", "--format=%s", "main"], capture_output=True, text=True, check=True
    ).stdout
    assert log.splitlines() == ["fleet: initialise for cluster local (flux)"]
    # the fleet moves on (an identical skeleton pushed in the same second would be the same commit)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", "-b", "main", str(remote), str(work)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(work),
            "-c",
            "user.name=p",
            "-c",
            "user.email=p@x",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "a store",
        ],
        check=True,
    )
    subprocess.run(["git", "-C", str(work), "push", "-q", "origin", "HEAD:main"], check=True)
    log = subprocess.run(
        ["git", "-C", str(remote), "log", "--format=%s", "main"], capture_output=True, text=True, check=True
    ).stdout
    again = _run("init", "--push", str(remote), str(tmp_path / "b"))
    assert again.returncode != 0
    after = subprocess.run(
        ["git", "-C", str(remote), "log", "--format=%s", "main"], capture_output=True, text=True, check=True
    ).stdout
    assert after == log


def test_add_cluster_writes_a_bootstrap_that_syncs_its_own_root(
    tmp_path: Path, crd_dir: Path, make_spec: Any
) -> None:
    for engine in GitOpsEngine:
        root = tmp_path / engine.value
        assert _run("init", "--engine", engine.value, "--cluster", "home", str(root)).returncode == 0
        added = _run("add-cluster", "--engine", engine.value, "--cluster", "fra-1", str(root))
        assert added.returncode == 0, added.stderr
        written = sorted(p.relative_to(root).as_posix() for p in (root / "clusters/fra-1").rglob("*.yaml"))
        assert written == sorted(
            p.relative_to(root).as_posix().replace("clusters/home", "clusters/fra-1")
            for p in (root / "clusters/home").rglob("*.yaml")
        )
        roots = [
            doc["spec"].get("path") or doc["spec"]["source"]["path"]
            for path in ("clusters/home/tenants.yaml", "clusters/fra-1/tenants.yaml")
            for doc in yaml.safe_load_all((root / path).read_text())
        ]
        assert [r.removeprefix("./") for r in roots] == ["tenants", "clusters/fra-1/tenants"]
        _add_store(root, make_spec(), engine)
        _add_store(root, make_spec(store_id="st-bbbbbbbbbb", engine="medusa", cluster="fra-1"), engine)
        assert (root / "clusters/fra-1/tenants/u-abcdefgh23/st-bbbbbbbbbb/store.yaml").is_file()
        result = _run("validate", "--crds", str(crd_dir), str(root))
        assert result.returncode == 0, result.stderr
        again = _run("add-cluster", "--engine", engine.value, "--cluster", "fra-1", str(root))
        assert again.returncode != 0 and "refusing to overwrite" in again.stderr
        bad = _run("add-cluster", "--engine", engine.value, "--cluster", "Bad_Name", str(root))
        assert bad.returncode != 0
