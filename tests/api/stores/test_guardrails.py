"""Store-creation guardrails: per-user cap, cooldown, cluster cap; shared by replicas through the
database, and safe under concurrent creates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings, db: Any) -> Iterator[MakeClient]:
    """A running app with the given guardrails; call twice for two replicas on one database."""
    with ExitStack() as stack:

        def _make(per_user: int = 0, total: int = 0, cooldown_s: float = 0) -> TestClient:
            configured = settings.model_copy(
                update={
                    "max_stores_per_user": per_user,
                    "max_stores_total": total,
                    "store_creation_cooldown_s": cooldown_s,
                }
            )
            app = create_app(configured, migrate=False)
            return stack.enter_context(TestClient(app, raise_server_exceptions=False))

        yield _make


def _register(client: TestClient, name: str) -> dict[str, str]:
    body = {"email": f"{name}@example.com", "username": name, "password": "correct-horse-battery"}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _create(client: TestClient, headers: dict[str, str], name: str) -> httpx.Response:
    return client.post("/api/v1/stores", json={"name": name, "engine": "medusa"}, headers=headers)


def _accounts(client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """(admin, tenant): the first account registered is the admin."""
    return _register(client, "root"), _register(client, "alice")


def test_the_per_user_cap_allows_n_and_refuses_n_plus_one(make_client: MakeClient, db: Any) -> None:
    client = make_client(per_user=2)
    _, tenant = _accounts(client)
    assert [_create(client, tenant, f"shop-{i}").status_code for i in range(2)] == [202, 202]
    refused = _create(client, tenant, "shop-2")
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"]["code"] == "STORE_LIMIT_EXCEEDED" and "limit is 2" in body["error"]["message"]
    assert body["request_id"] == refused.headers["x-request-id"]
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"] == 2


def test_a_deleting_store_still_counts_and_a_deleted_one_does_not(make_client: MakeClient, db: Any) -> None:
    client = make_client(per_user=1)
    _, tenant = _accounts(client)
    store = _create(client, tenant, "shop-one").json()
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=tenant).status_code == 202
    assert _create(client, tenant, "shop-two").json()["error"]["code"] == "STORE_LIMIT_EXCEEDED"
    db.execute("UPDATE stores SET status = 'deleted' WHERE id = %s", (store["id"],))
    assert _create(client, tenant, "shop-two").status_code == 202


def test_the_cooldown_refuses_with_retry_after_rounded_up(make_client: MakeClient, db: Any) -> None:
    client = make_client(cooldown_s=30)
    _, tenant = _accounts(client)
    assert _create(client, tenant, "shop-one").status_code == 202
    refused = _create(client, tenant, "shop-two")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "CREATION_COOLDOWN"
    assert 29 <= int(refused.headers["retry-after"]) <= 30
    # 10.5 s ago: 19.5 s are left, announced as 20
    db.execute("UPDATE stores SET created_at = now() - interval '10.5 seconds'")
    assert _create(client, tenant, "shop-two").headers["retry-after"] == "20"
    db.execute("UPDATE stores SET created_at = now() - interval '30.1 seconds'")
    assert _create(client, tenant, "shop-two").status_code == 202


def test_a_deleted_store_still_starts_the_cooldown(make_client: MakeClient, db: Any) -> None:
    client = make_client(cooldown_s=30)
    _, tenant = _accounts(client)
    _create(client, tenant, "shop-one")
    db.execute("UPDATE stores SET status = 'deleted'")
    assert _create(client, tenant, "shop-two").json()["error"]["code"] == "CREATION_COOLDOWN"


def test_admins_are_exempt_from_the_cooldown_but_not_the_per_user_cap(make_client: MakeClient) -> None:
    client = make_client(per_user=3, cooldown_s=60)
    admin, tenant = _accounts(client)
    assert [_create(client, admin, f"shop-{i}").status_code for i in range(3)] == [202] * 3
    assert _create(client, admin, "shop-3").json()["error"]["code"] == "STORE_LIMIT_EXCEEDED"
    assert _create(client, tenant, "shop-a").status_code == 202
    assert _create(client, tenant, "shop-b").json()["error"]["code"] == "CREATION_COOLDOWN"


def test_zero_disables_every_limit(make_client: MakeClient) -> None:
    client = make_client(per_user=0, total=0, cooldown_s=0)
    _, tenant = _accounts(client)
    assert {_create(client, tenant, f"shop-{i}").status_code for i in range(7)} == {202}


def test_the_cluster_cap_refuses_everyone_with_429(make_client: MakeClient) -> None:
    client = make_client(total=3)
    admin, tenant = _accounts(client)
    other = _register(client, "bob")
    for headers, name in ((tenant, "shop-a"), (other, "shop-b"), (admin, "shop-c")):
        assert _create(client, headers, name).status_code == 202
    for headers in (tenant, admin):
        refused = _create(client, headers, "shop-d")
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "PLATFORM_STORE_LIMIT"
        assert "limit of 3" in refused.json()["error"]["message"]


def _create_concurrently(clients: list[TestClient], headers: dict[str, str], n: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(_create, clients[i % len(clients)], headers, f"race-{i}") for i in range(n)]
        return [future.result() for future in futures]


def test_concurrent_creates_on_two_replicas_pass_the_cap_once(make_client: MakeClient, db: Any) -> None:
    replicas = [make_client(per_user=1), make_client(per_user=1)]
    _, tenant = _accounts(replicas[0])
    responses = _create_concurrently(replicas, tenant, 8)
    assert sorted(r.status_code for r in responses) == [202] + [429] * 7
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 429} == {"STORE_LIMIT_EXCEEDED"}
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"] == 1


def test_concurrent_creates_on_two_replicas_pass_the_cooldown_once(make_client: MakeClient, db: Any) -> None:
    replicas = [make_client(cooldown_s=60), make_client(cooldown_s=60)]
    _, tenant = _accounts(replicas[1])
    responses = _create_concurrently(replicas, tenant, 8)
    assert sorted(r.status_code for r in responses) == [202] + [429] * 7
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 429} == {"CREATION_COOLDOWN"}


def test_concurrent_creates_of_many_users_stop_at_the_cluster_cap(make_client: MakeClient, db: Any) -> None:
    replicas = [make_client(total=3), make_client(total=3)]
    _accounts(replicas[0])
    users = [_register(replicas[0], f"user{i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(_create, replicas[i % 2], users[i], "shop") for i in range(8)]
        codes = sorted(f.result().status_code for f in futures)
    assert codes == [202] * 3 + [429] * 5
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"] == 3


def test_a_limit_reached_on_one_replica_holds_on_the_other(make_client: MakeClient) -> None:
    first, second = make_client(per_user=1, cooldown_s=60), make_client(per_user=1, cooldown_s=60)
    _, tenant = _accounts(first)
    assert _create(first, tenant, "shop-one").status_code == 202
    assert _create(second, tenant, "shop-two").json()["error"]["code"] == "STORE_LIMIT_EXCEEDED"


def test_every_refused_creation_is_audited_and_nothing_else_is_written(
    make_client: MakeClient, db: Any
) -> None:
    client = make_client(per_user=2, cooldown_s=30)
    _, tenant = _accounts(client)
    assert _create(client, tenant, "shop-one").status_code == 202
    cooled = _create(client, tenant, "shop-two")
    db.execute("UPDATE stores SET created_at = now() - interval '31 seconds'")
    taken = _create(client, tenant, "shop-one")
    db.execute("UPDATE stores SET created_at = now() - interval '31 seconds'")
    assert _create(client, tenant, "shop-two").status_code == 202
    db.execute("UPDATE stores SET created_at = now() - interval '31 seconds'")
    capped = _create(client, tenant, "shop-three")
    codes = [r.json()["error"]["code"] for r in (cooled, taken, capped)]
    assert codes == ["CREATION_COOLDOWN", "STORE_NAME_TAKEN", "STORE_LIMIT_EXCEEDED"]
    rows = db.execute(
        "SELECT actor_id, tenant, detail FROM audit_events WHERE event = 'store.create_refused' ORDER BY id"
    ).fetchall()
    assert [(r["detail"]["code"], r["detail"]["name"]) for r in rows] == [
        ("CREATION_COOLDOWN", "shop-two"),
        ("STORE_NAME_TAKEN", "shop-one"),
        ("STORE_LIMIT_EXCEEDED", "shop-three"),
    ]
    assert {r["tenant"] for r in rows} == {rows[0]["actor_id"]}  # on the tenant's own trail
    stores = db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"]
    outbox = db.execute("SELECT count(*) AS n FROM outbox").fetchone()["n"]
    assert (stores, outbox) == (2, 2)  # a refusal writes no store and no change
