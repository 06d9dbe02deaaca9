"""Clusters as a resource (admins): register, list, read, change and remove one on real PostgreSQL;
the row of the cluster the settings name; what no field accepts (a kubeconfig, a token)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.clusters.service import settings_columns
from storefleet.api.domain.cluster_access import record_reach
from storefleet.api.settings import Settings

URL = "/api/v1/clusters"


def _body(name: str = "fra-1", **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "region": "eu-central",
        "labels": {"tier": "gold", "storefleet.io/zone": "a"},
        "capacity": {"max_stores": 10, "max_cpu_cores": 8, "max_memory_gib": 32},
        "applier": "flux",
        "access": {"kind": "kubeconfig_secret", "namespace": "storefleet", "name": "fra-1-kubeconfig"},
        **fields,
    }


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    code: str = response.json()["error"]["code"]
    return code


def _cluster_audit(db: Any) -> list[dict[str, Any]]:
    query = "SELECT event, actor, before, after, detail FROM audit_events WHERE event LIKE 'cluster.%'"
    return list(db.execute(query + " ORDER BY id"))


def test_an_admin_registers_reads_changes_and_removes_a_cluster(
    client: TestClient, admin: Any, db: Any
) -> None:
    created = client.post(URL, json=_body(), headers=admin.headers)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"{URL}/fra-1"
    cluster = created.json()
    assert cluster["id"].startswith("cl-") and cluster["origin"] == "api" and cluster["state"] == "active"
    assert cluster["access"] == {
        "kind": "kubeconfig_secret", "namespace": "storefleet", "name": "fra-1-kubeconfig", "key": "value",
        "path": None, "context": None,
    }  # fmt: skip
    assert cluster["access_checked"] is None and cluster["access_error"] is None  # not reached yet
    assert cluster["capacity"] == {"max_stores": 10, "max_cpu_cores": 8.0, "max_memory_gib": 32.0}
    assert (cluster["stores"], cluster["headroom"]["stores"]) == (0, 10)
    assert cluster["created_by"] == "root" and created.headers["ETag"] == '"1"'

    listed = client.get(URL, headers=admin.headers).json()["items"]
    assert [c["name"] for c in listed] == ["fra-1", "local"]  # by name; `local` is the settings cluster
    one = client.get(f"{URL}/fra-1", headers=admin.headers)
    assert one.status_code == 200 and one.json() == cluster and one.headers["ETag"] == '"1"'

    patch = {
        "state": "cordoned",
        "labels": {"tier": "silver", "storefleet.io/zone": None, "new": "x"},
        "capacity": {"max_stores": None},
        "access": {"kind": "kubeconfig_file", "path": "/etc/k/fra.yaml"},
    }
    changed = client.patch(f"{URL}/fra-1", json=patch, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after["state"] == "cordoned" and after["labels"] == {"new": "x", "tier": "silver"}
    assert after["capacity"] == {"max_stores": None, "max_cpu_cores": 8.0, "max_memory_gib": 32.0}
    assert after["headroom"]["stores"] is None and after["region"] == "eu-central"
    assert after["access"]["kind"] == "kubeconfig_file" and after["access"]["namespace"] is None
    assert after["version"] == 2 and changed.headers["ETag"] == '"2"'

    assert client.delete(f"{URL}/fra-1", headers=admin.headers).status_code == 204
    assert _error(client.get(f"{URL}/fra-1", headers=admin.headers), 404) == "CLUSTER_NOT_FOUND"

    events = [row for row in _cluster_audit(db) if row["detail"]["cluster"] == "fra-1"]
    assert [e["event"] for e in events] == ["cluster.created", "cluster.updated", "cluster.deleted"]
    assert all(e["actor"] == "root" for e in events)
    assert events[0]["after"]["applier"] == "flux" and events[0]["after"]["kubeconfig_secret_key"] == "value"
    updated = events[1]
    secret = {"kubeconfig_secret_namespace", "kubeconfig_secret_name", "kubeconfig_secret_key"}
    only_what_changed = {"state", "labels", "max_stores", "access_kind", "kubeconfig_path", *secret}
    assert set(updated["after"]) == only_what_changed
    assert (updated["before"]["state"], updated["after"]["state"]) == ("active", "cordoned")
    assert (updated["before"]["max_stores"], updated["after"]["max_stores"]) == (10, None)
    assert events[2]["before"]["name"] == "fra-1"


def test_a_patch_that_changes_nothing_is_not_audited(client: TestClient, admin: Any, db: Any) -> None:
    client.post(URL, json=_body(), headers=admin.headers)
    same = client.patch(f"{URL}/fra-1", json={"state": "active", "capacity": {"max_cpu_cores": 8}},
                        headers=admin.headers)  # fmt: skip
    assert same.status_code == 200 and same.json()["version"] == 1
    assert [e["event"] for e in _cluster_audit(db) if e["detail"]["cluster"] == "fra-1"] == [
        "cluster.created"
    ]


def test_tenants_are_refused_every_endpoint(client: TestClient, admin: Any, tenant: Any) -> None:
    client.post(URL, json=_body(), headers=admin.headers)
    answers = [
        client.post(URL, json=_body("other"), headers=tenant.headers),
        client.get(URL, headers=tenant.headers),
        client.get(f"{URL}/fra-1", headers=tenant.headers),
        client.patch(f"{URL}/fra-1", json={"state": "cordoned"}, headers=tenant.headers),
        client.delete(f"{URL}/fra-1", headers=tenant.headers),
    ]
    assert [_error(a, 403) for a in answers] == ["FORBIDDEN"] * 5
    assert _error(client.get(URL), 401) == "UNAUTHORIZED"
    assert client.get(f"{URL}/fra-1", headers=admin.headers).json()["state"] == "active"


@pytest.mark.parametrize(
    "change",
    [
        {"applier": "kubectl"},  # unknown applier
        {"name": "Fra_1"},  # not a DNS label
        {"name": "a" * 64},
        {"state": "retired"},
        {"region": "eu central"},
        {"labels": {"-bad": "x"}},
        {"labels": {"ok": "not ok"}},
        {"labels": {"UPPER.example.com/x": "y"}},  # a prefix is a DNS subdomain
        {"capacity": {"max_stores": 0}},
        {"capacity": {"max_cpu_cores": -1}},
        {"capacity": {"max_gpus": 1}},
        {"access": {"kind": "kubeconfig_file", "path": "clusters/fra.yaml"}},  # not absolute
        {"access": {"kind": "kubeconfig_secret", "namespace": "storefleet"}},  # no Secret named
        {"access": {"kind": "ssh"}},
        {"access": {"kind": "in_cluster", "path": "/x"}},  # a field the kind does not take
        {"access": {"kind": "none"}},  # only the settings cluster may have no access
    ],
)
def test_bad_fields_are_a_validation_error(client: TestClient, admin: Any, change: dict[str, Any]) -> None:
    assert _error(client.post(URL, json=_body(**change), headers=admin.headers), 422) == "VALIDATION_ERROR"


_KUBECONFIG = (
    "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: fra\n"
    "users:\n- name: admin\n  user:\n    token: eyJhbGciOiJSUzI1NiJ9.secret\n"
)


@pytest.mark.parametrize(
    "change",
    [
        {"kubeconfig": _KUBECONFIG},
        {"token": "eyJhbGciOiJSUzI1NiJ9.secret"},
        {"access": {"kind": "kubeconfig_secret", "namespace": "s", "name": "n", "kubeconfig": _KUBECONFIG}},
        {"access": {"kind": "kubeconfig_file", "path": "/etc/k.yaml", "token": "eyJhbGciOiJSUzI1NiJ9"}},
        {"access": {"kind": "kubeconfig_file", "path": "/etc/k.yaml", "context": _KUBECONFIG}},
        {"access": {"kind": "kubeconfig_file", "path": "/" + _KUBECONFIG}},
        {"access": {"kind": "kubeconfig_secret", "namespace": "s", "name": "n", "key": _KUBECONFIG}},
        {"access": _KUBECONFIG},
        {"region": _KUBECONFIG},
        {"labels": {"kubeconfig": _KUBECONFIG}},
    ],
)
def test_no_field_takes_a_kubeconfig_or_a_token(
    client: TestClient, admin: Any, db: Any, change: dict[str, Any]
) -> None:
    assert _error(client.post(URL, json=_body(**change), headers=admin.headers), 422) == "VALIDATION_ERROR"
    client.post(URL, json=_body("ok"), headers=admin.headers)
    patch = client.patch(
        f"{URL}/ok", json={k: v for k, v in change.items() if k != "name"}, headers=admin.headers
    )
    assert _error(patch, 422) == "VALIDATION_ERROR"
    assert db.execute("SELECT count(*) AS n FROM clusters WHERE name <> 'local'").fetchone()["n"] == 1
    stored = str(list(db.execute("SELECT * FROM clusters"))) + str(_cluster_audit(db))
    assert "kind: Config" not in stored and "eyJhbGciOiJSUzI1NiJ9" not in stored


def test_a_kubeconfig_file_need_not_exist_when_registered(client: TestClient, admin: Any) -> None:
    body = _body(access={"kind": "kubeconfig_file", "path": "/nowhere/fra.yaml", "context": "fra admin@fra"})
    created = client.post(URL, json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    assert (
        created.json()["access"]["path"] == "/nowhere/fra.yaml" and created.json()["access_checked"] is None
    )


def _record_reach(database_url: str, reached: list[str], unreachable: dict[str, str]) -> None:
    async def record() -> None:
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
            await record_reach(conn, reached, unreachable)

    asyncio.run(record())


def test_what_the_watcher_observed_of_the_access_shows_and_a_new_access_clears_it(
    client: TestClient, admin: Any, database_url: str
) -> None:
    fra = client.post(URL, json=_body(), headers=admin.headers).json()
    ams = client.post(URL, json=_body("ams-1"), headers=admin.headers).json()
    _record_reach(database_url, [fra["id"]], {ams["id"]: "Secret storefleet/ams-1-kubeconfig not found"})
    fra_now = client.get(f"{URL}/fra-1", headers=admin.headers)
    ams_now = client.get(f"{URL}/ams-1", headers=admin.headers).json()
    assert fra_now.json()["access_checked"] is not None and fra_now.json()["access_error"] is None
    assert (ams_now["access_checked"], ams_now["access_error"]) == (
        None,
        "Secret storefleet/ams-1-kubeconfig not found",
    )
    # an observation is no change: the ETag (version) and the update time stay
    assert fra_now.headers["ETag"] == '"1"' and fra_now.json()["updated_at"] == fra["updated_at"]
    # reached later: the error goes
    _record_reach(database_url, [ams["id"]], {})
    assert client.get(f"{URL}/ams-1", headers=admin.headers).json()["access_error"] is None
    # another label keeps the observation; another access clears it
    relabelled = client.patch(f"{URL}/fra-1", json={"labels": {"tier": "silver"}}, headers=admin.headers)
    assert relabelled.json()["access_checked"] == fra_now.json()["access_checked"]
    moved = {"access": {"kind": "kubeconfig_file", "path": "/etc/storefleet/fra.yaml"}}
    reaccessed = client.patch(f"{URL}/fra-1", json=moved, headers=admin.headers)
    assert reaccessed.status_code == 200, reaccessed.text
    assert (reaccessed.json()["access_checked"], reaccessed.json()["access_error"]) == (None, None)


def test_a_taken_name_and_an_unknown_cluster(client: TestClient, admin: Any, db: Any) -> None:
    assert client.post(URL, json=_body(), headers=admin.headers).status_code == 201
    assert (
        _error(client.post(URL, json=_body(applier="argocd"), headers=admin.headers), 409) == "CLUSTER_EXISTS"
    )
    taken = client.post(URL, json=_body("local"), headers=admin.headers)  # the settings cluster's name
    assert _error(taken, 409) == "CLUSTER_EXISTS"
    assert _error(client.get(f"{URL}/nope", headers=admin.headers), 404) == "CLUSTER_NOT_FOUND"
    assert _error(client.patch(f"{URL}/nope", json={"state": "cordoned"}, headers=admin.headers), 404) == (
        "CLUSTER_NOT_FOUND"
    )
    assert _error(client.delete(f"{URL}/nope", headers=admin.headers), 404) == "CLUSTER_NOT_FOUND"
    assert [e["event"] for e in _cluster_audit(db) if e["detail"]["cluster"] == "fra-1"] == [
        "cluster.created"
    ]


def test_null_is_refused_where_a_value_is_needed(client: TestClient, admin: Any) -> None:
    client.post(URL, json=_body(), headers=admin.headers)
    for field in ("state", "applier", "access"):
        answer = client.patch(f"{URL}/fra-1", json={field: None}, headers=admin.headers)
        assert _error(answer, 422) == "VALIDATION_ERROR"


def test_a_stale_if_match_is_refused_and_other_fields_are_not_lost(client: TestClient, admin: Any) -> None:
    client.post(URL, json=_body(), headers=admin.headers)
    etag = client.get(f"{URL}/fra-1", headers=admin.headers).headers["ETag"]
    first = client.patch(
        f"{URL}/fra-1", json={"labels": {"a": "1"}}, headers={**admin.headers, "If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    stale = client.patch(
        f"{URL}/fra-1", json={"state": "draining"}, headers={**admin.headers, "If-Match": etag}
    )
    assert _error(stale, 409) == "CLUSTER_CHANGED" and stale.json()["error"]["details"] == {"version": 2}
    bad = client.patch(
        f"{URL}/fra-1", json={"state": "draining"}, headers={**admin.headers, "If-Match": "soon"}
    )
    assert _error(bad, 422) == "VALIDATION_ERROR"
    # without If-Match, each PATCH sets only its own fields over the row as it is: none is lost
    client.patch(f"{URL}/fra-1", json={"labels": {"b": "2"}}, headers=admin.headers)
    client.patch(f"{URL}/fra-1", json={"region": "eu-west"}, headers=admin.headers)
    now = client.get(f"{URL}/fra-1", headers=admin.headers).json()
    assert now["labels"] == {"a": "1", "b": "2", "storefleet.io/zone": "a", "tier": "gold"}
    assert (now["region"], now["state"], now["version"]) == ("eu-west", "active", 4)
    cleared = client.patch(
        f"{URL}/fra-1", json={"labels": None, "region": None}, headers=admin.headers
    ).json()
    assert (cleared["labels"], cleared["region"]) == ({}, None)


def test_the_settings_cluster_has_one_row_that_counts_the_live_stores(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any, settings: Settings
) -> None:
    local = client.get(f"{URL}/local", headers=admin.headers).json()
    assert (local["origin"], local["applier"], local["access"]["kind"]) == ("settings", "flux", "none")
    assert local["stores"] == 0 and local["created_by"] == "system:settings"
    client.post(URL, json=_body(), headers=admin.headers)

    new_store(tenant, "shop-a")
    gone = new_store(tenant, "shop-b", plan="large")["id"]
    counts = {c["name"]: c for c in client.get(URL, headers=admin.headers).json()["items"]}
    assert (counts["local"]["stores"], counts["fra-1"]["stores"]) == (2, 0)
    assert counts["local"]["reserved"] == {"cpu_cores": 1.2, "memory_gib": 2.5}  # small + large requests
    db.execute("UPDATE stores SET status = 'deleted' WHERE id = %s", (gone,))
    assert client.get(f"{URL}/local", headers=admin.headers).json()["stores"] == 1

    # an admin's changes to it stay; a restart neither adds a row nor overwrites them
    patch = {
        "state": "cordoned",
        "labels": {"tier": "bronze"},
        "region": "home",
        "capacity": {"max_stores": 5},
    }
    assert client.patch(f"{URL}/local", json=patch, headers=admin.headers).status_code == 200
    with TestClient(create_app(settings, migrate=False)) as restarted:
        again = restarted.get(f"{URL}/local", headers=admin.headers).json()
    assert (again["state"], again["labels"], again["region"]) == ("cordoned", {"tier": "bronze"}, "home")
    assert again["capacity"]["max_stores"] == 5 and again["headroom"]["stores"] == 4
    assert db.execute("SELECT count(*) AS n FROM clusters WHERE origin = 'settings'").fetchone()["n"] == 1
    local_events = [e["event"] for e in _cluster_audit(db) if e["detail"]["cluster"] == "local"]
    assert local_events == ["cluster.created", "cluster.updated"]


def test_the_settings_cluster_cannot_be_removed_nor_its_applier_or_access_changed(
    client: TestClient, admin: Any
) -> None:
    assert _error(client.delete(f"{URL}/local", headers=admin.headers), 409) == "CLUSTER_FROM_SETTINGS"
    for change in ({"applier": "argocd"}, {"access": {"kind": "in_cluster"}}):
        answer = client.patch(f"{URL}/local", json=change, headers=admin.headers)
        assert _error(answer, 409) == "CLUSTER_FROM_SETTINGS"
    same = client.patch(f"{URL}/local", json={"applier": "flux"}, headers=admin.headers)  # what it is: fine
    assert same.status_code == 200 and same.json()["version"] == 1


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Path:
    """A kubeconfig the cluster client loads at start-up (it is read, never stored)."""
    path = tmp_path / "kube.yaml"
    contexts = "contexts:\n- context: {cluster: fra, user: admin}\n  name: prod\ncurrent-context: prod\n"
    path.write_text(_KUBECONFIG.replace("  name: fra\n", "  name: fra\n" + contexts))
    return path


def test_changed_settings_update_what_they_own_and_only_that(
    client: TestClient, admin: Any, db: Any, settings: Settings, kubeconfig: Path
) -> None:
    client.patch(f"{URL}/local", json={"state": "draining", "labels": {"a": "b"}}, headers=admin.headers)
    moved = settings.model_copy(update={"gitops_engine": "argocd", "kubeconfig": kubeconfig,
                                        "kube_context": "prod"})  # fmt: skip
    with TestClient(create_app(moved, migrate=False)) as restarted:
        local = restarted.get(f"{URL}/local", headers=admin.headers).json()
    assert local["applier"] == "argocd" and (local["state"], local["labels"]) == ("draining", {"a": "b"})
    assert local["access"] == {"kind": "kubeconfig_file", "path": str(kubeconfig), "context": "prod",
                               "namespace": None, "name": None, "key": None}  # fmt: skip
    last = _cluster_audit(db)[-1]
    assert last["event"] == "cluster.updated" and last["actor"] == "system:settings"
    assert (last["before"]["applier"], last["after"]["applier"]) == ("flux", "argocd")
    assert "state" not in last["after"] and "labels" not in last["after"]


def test_a_new_cluster_name_in_the_settings_leaves_the_former_one_an_ordinary_cluster(
    client: TestClient, admin: Any, db: Any, settings: Settings, kubeconfig: Path
) -> None:
    client.post(URL, json=_body("prod", applier="argocd"), headers=admin.headers)
    renamed = settings.model_copy(update={"cluster_name": "prod", "kubeconfig": kubeconfig})
    with TestClient(create_app(renamed, migrate=False)) as restarted:
        items = {c["name"]: c for c in restarted.get(URL, headers=admin.headers).json()["items"]}
    assert items["prod"]["origin"] == "settings" and items["local"]["origin"] == "api"
    assert items["prod"]["applier"] == "flux" and items["prod"]["access"]["kind"] == "kubeconfig_file"
    assert items["prod"]["labels"] == {"storefleet.io/zone": "a", "tier": "gold"}  # the admin's, kept
    assert items["local"]["access"]["kind"] == "none"  # as the settings left it: an admin may set one
    events = [(e["event"], e["detail"]["cluster"], e["after"]) for e in _cluster_audit(db)][-2:]
    access = {"access_kind": "kubeconfig_file", "kubeconfig_path": str(kubeconfig)}
    secret = dict.fromkeys(("kubeconfig_secret_namespace", "kubeconfig_secret_name", "kubeconfig_secret_key"))
    assert events == [
        ("cluster.updated", "local", {"origin": "api"}),
        ("cluster.updated", "prod", {"origin": "settings", "applier": "flux", **access, **secret}),
    ]
    # the former one holds no store now and may be removed
    assert client.delete(f"{URL}/local", headers=admin.headers).status_code == 204


def test_the_settings_give_in_cluster_access_before_a_kubeconfig(
    settings: Settings, kubeconfig: Path
) -> None:
    both = settings.model_copy(
        update={"kube_in_cluster": True, "kubeconfig": kubeconfig, "kube_context": "x"}
    )
    columns = settings_columns(both)  # the watcher's order too (reconciler_watch.factory)
    assert columns["access_kind"] == "in_cluster" and columns["kubeconfig_path"] is None
    assert columns["kubeconfig_context"] is None and columns["applier"] == "flux"


def test_a_cluster_with_stores_keeps_its_applier_and_is_not_removed(
    client: TestClient, admin: Any, tenant: Any
) -> None:
    client.post(URL, json=_body(), headers=admin.headers)
    placed = client.post(
        "/api/v1/stores",
        json={"name": "on-fra", "engine": "woocommerce", "cluster": "fra-1"},
        headers=tenant.headers,
    )
    assert placed.status_code == 202, placed.text
    assert client.get(f"{URL}/fra-1", headers=admin.headers).json()["stores"] == 1
    answer = client.patch(f"{URL}/fra-1", json={"applier": "argocd"}, headers=admin.headers)
    assert _error(answer, 409) == "CLUSTER_HAS_STORES" and answer.json()["error"]["details"] == {"stores": 1}
    deleted = client.delete(f"{URL}/fra-1", headers=admin.headers)
    assert _error(deleted, 409) == "CLUSTER_HAS_STORES"
    assert client.patch(f"{URL}/fra-1", json={"state": "draining"}, headers=admin.headers).status_code == 200
