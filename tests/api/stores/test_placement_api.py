"""Placement through the API on the real database: where a new store lands by each policy, what a
cordoned or full cluster does, the refusals' codes (audited, nothing written), and what the tenant
sees of where the store runs."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings

CLUSTERS = "/api/v1/clusters"
STORES = "/api/v1/stores"


def _cluster(client: TestClient, admin: Any, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "applier": "flux", "access": {"kind": "in_cluster"}, **fields}
    answer = client.post(CLUSTERS, json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _patch(client: TestClient, admin: Any, name: str, **fields: Any) -> None:
    assert client.patch(f"{CLUSTERS}/{name}", json=fields, headers=admin.headers).status_code == 200


def _create(client: TestClient, account: Any, name: str, **fields: Any) -> Any:
    return client.post(
        STORES, json={"name": name, "engine": "woocommerce", **fields}, headers=account.headers
    )


def _placed(client: TestClient, account: Any, name: str, **fields: Any) -> dict[str, Any]:
    answer = _create(client, account, name, **fields)
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def _settings_cluster(client: TestClient, admin: Any) -> str:
    (home,) = [
        c for c in client.get(CLUSTERS, headers=admin.headers).json()["items"] if c["origin"] == "settings"
    ]
    return str(home["name"])


def _outbox_spec(db: Any, store_id: str) -> dict[str, Any]:
    row = db.execute(
        "SELECT spec FROM outbox WHERE store_id = %s ORDER BY id DESC LIMIT 1", (store_id,)
    ).fetchone()
    return dict(row["spec"])


def test_with_one_cluster_a_store_lands_on_it_in_the_single_cluster_layout(
    client: TestClient, admin: Any, tenant: Any, db: Any
) -> None:
    home = _settings_cluster(client, admin)
    store = _placed(client, tenant, "first-shop")
    assert store["cluster"] == {"name": home, "region": None}
    assert "cluster" not in _outbox_spec(db, store["id"])  # home: tenants/<tenant>/<store>
    listed = client.get(STORES, headers=tenant.headers).json()["stores"]
    assert listed[0]["cluster"]["name"] == home
    homes = client.get(CLUSTERS, headers=admin.headers).json()["items"]
    assert [(c["name"], c["fleet_root"], c["stores"]) for c in homes] == [(home, "tenants", 1)]


def test_a_named_or_selected_cluster_takes_the_store_under_its_own_root(
    client: TestClient, admin: Any, tenant: Any, db: Any
) -> None:
    _cluster(client, admin, "fra-1", region="eu-central", labels={"tier": "gold"})
    named = _placed(client, tenant, "named-shop", cluster="fra-1")
    assert named["cluster"] == {"name": "fra-1", "region": "eu-central"}
    assert _outbox_spec(db, named["id"])["cluster"] == "fra-1"
    selected = _placed(
        client, tenant, "selected-shop", placement={"region": "eu-central", "labels": {"tier": "gold"}}
    )
    assert selected["cluster"]["name"] == "fra-1"
    fra = client.get(f"{CLUSTERS}/fra-1", headers=admin.headers).json()
    assert (fra["fleet_root"], fra["stores"]) == ("clusters/fra-1/tenants", 2)


def test_refusals_are_4xx_with_a_code_audited_and_write_nothing(
    client: TestClient, admin: Any, tenant: Any, db: Any
) -> None:
    _cluster(client, admin, "fra-1", region="eu-central", capacity={"max_stores": 1}, state="cordoned")
    cases = [
        ({"cluster": "nowhere"}, 422, "UNKNOWN_CLUSTER"),
        ({"placement": {"region": "ap-south"}}, 422, "NO_MATCHING_CLUSTER"),
        ({"cluster": "fra-1"}, 409, "CLUSTER_NOT_ACTIVE"),
        ({"cluster": "Not A Name"}, 422, "VALIDATION_ERROR"),
        ({"placement": {"zone": "a"}}, 422, "VALIDATION_ERROR"),
    ]
    for fields, status, code in cases:
        answer = _create(client, tenant, "refused-shop", **fields)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), fields
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"] == 0
    refused = db.execute(
        "SELECT detail->>'code' AS code FROM audit_events WHERE event = 'store.create_refused' ORDER BY id"
    ).fetchall()
    assert [r["code"] for r in refused] == ["UNKNOWN_CLUSTER", "NO_MATCHING_CLUSTER", "CLUSTER_NOT_ACTIVE"]


def test_a_cordoned_cluster_receives_none_and_a_full_one_refuses_with_429(
    client: TestClient, admin: Any, tenant: Any, other_tenant: Any
) -> None:
    home = _settings_cluster(client, admin)
    _cluster(client, admin, "fra-1", capacity={"max_stores": 2})
    _patch(client, admin, home, state="cordoned")
    landed = [_placed(client, tenant, f"shop-{i}")["cluster"]["name"] for i in range(2)]
    assert landed == ["fra-1", "fra-1"]
    full = _create(client, other_tenant, "one-too-many")
    assert (full.status_code, full.json()["error"]["code"]) == (429, "CLUSTER_CAPACITY")
    assert "no room for a small store" in full.json()["error"]["message"]
    _patch(client, admin, home, state="active")
    assert _placed(client, other_tenant, "one-too-many")["cluster"]["name"] == home
    # a bigger plan needs CPU and memory a limited cluster may not have
    _patch(client, admin, "fra-1", capacity={"max_stores": None, "max_cpu_cores": 0.1})
    large = _create(client, tenant, "big-shop", plan="large", cluster="fra-1")
    assert large.status_code == 429


def test_least_loaded_then_spread(client: TestClient, admin: Any, tenant: Any, other_tenant: Any) -> None:
    home = _settings_cluster(client, admin)
    _patch(client, admin, home, capacity={"max_stores": 10})
    _cluster(client, admin, "fra-1", capacity={"max_stores": 4})
    # the fuller share loses: home 1/10 < fra-1 1/4, then 2/10 < 1/4, 3/10 > 1/4 ...
    landed = [_placed(client, tenant, f"shop-{i}")["cluster"]["name"] for i in range(4)]
    assert landed == [home, home, "fra-1", home]


@pytest.fixture
def spread_client(settings: Settings, db: Any) -> Iterator[TestClient]:
    spread = settings.model_copy(update={"placement_policy": "spread"})
    with TestClient(create_app(spread, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


def test_spread_puts_one_tenants_stores_on_different_clusters(spread_client: TestClient) -> None:
    client = spread_client
    admin = _registered(client, "root")
    tenant = _registered(client, "alice")
    _cluster(client, admin, "fra-1")
    _cluster(client, admin, "par-1")
    landed = sorted(_placed(client, tenant, f"shop-{i}")["cluster"]["name"] for i in range(3))
    assert landed == sorted([_settings_cluster(client, admin), "fra-1", "par-1"])


def _registered(client: TestClient, name: str) -> Any:
    from tests.conftest import PASSWORD, Account

    answer = client.post(
        "/api/v1/auth/register", json={"email": f"{name}@example.com", "username": name, "password": PASSWORD}
    )
    assert answer.status_code == 201, answer.text
    return Account(answer.json(), PASSWORD)


def test_two_replicas_never_overfill_a_limited_cluster(settings: Settings, db: Any) -> None:
    with (
        TestClient(create_app(settings, migrate=False)) as first,
        TestClient(create_app(settings, migrate=False)) as second,
    ):
        admin = _registered(first, "root")
        home = _settings_cluster(first, admin)
        _patch(first, admin, home, capacity={"max_stores": 3})
        users = [_registered(first, f"user{i}") for i in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(_create, (first, second)[i % 2], users[i], "shop") for i in range(8)]
            codes = sorted(f.result().status_code for f in futures)
    assert codes == [202] * 3 + [429] * 5
