"""The fleet log: every commit of the branch (the platform's and people's), filtered and paged, caught
up from git on read, and a one-store commit reverted through that store's rollback."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services
from storefleet.api.fleet.runtime import FleetRuntime

COMMIT_URL = "https://git.example.com/fleet/commit/{sha}"


def _log(client: TestClient, account: Any, **query: Any) -> dict[str, Any]:
    response = client.get("/api/v1/fleet/commits", params=query, headers=account.headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


@pytest.fixture
def two_tenants_and_a_push(
    client: TestClient,
    tenant: Any,
    other_tenant: Any,
    new_store: Any,
    drain: Any,
    set_status: Any,
    human: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our store created and updated, theirs created, then a person's push: (ours, theirs)."""
    ours = new_store(tenant, "acme-shop")
    theirs = new_store(other_tenant, "other-shop")
    drain()
    set_status(ours["id"], "ready")
    patched = client.patch(f"/api/v1/stores/{ours['id']}", json={"plan": "medium"}, headers=tenant.headers)
    assert patched.status_code == 202
    drain()
    human.pull()
    (human.path / "README-ops.md").write_text("a person was here\n")
    human.git("add", "-A")
    human.git("commit", "-qm", "docs: a note for operators")
    human.git("push", "-q", "origin", "HEAD:main")
    return ours, theirs


def test_the_log_lists_every_commit_newest_first_with_its_actor_and_stores(
    client: TestClient,
    admin: Any,
    tenant: Any,
    other_tenant: Any,
    two_tenants_and_a_push: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    ours, theirs = two_tenants_and_a_push
    services = app_services(client.app)
    services.settings = services.settings.model_copy(update={"fleet_commit_url": COMMIT_URL})
    commits = _log(client, admin)["commits"]
    push, update, create_theirs, create_ours = commits[:4]
    assert (push["actor_kind"], push["actor"], push["action"]) == ("push", "Pat Engineer", "external")
    assert push["stores"] == [] and not push["revertable"] and push["not_revertable_reason"]
    assert (update["actor_kind"], update["action"], update["actor"]) == (
        "platform",
        "update",
        f"alice ({tenant.id})",
    )
    assert update["stores"] == [{"id": ours["id"], "tenant": tenant.id}] and update["revertable"]
    assert create_theirs["stores"] == [{"id": theirs["id"], "tenant": other_tenant.id}]
    assert create_ours["action"] == "create" and create_ours["summary"].startswith("store: create acme-shop")
    assert update["commit_url"] == COMMIT_URL.replace("{sha}", update["sha"])
    # the template's seed commit, made by the platform before any store, is logged too
    seed = commits[-1]
    assert (seed["actor_kind"], seed["stores"], len(commits)) == ("platform", [], 5)


def test_filters_combine_and_pages_follow_the_cursor(
    client: TestClient,
    admin: Any,
    tenant: Any,
    other_tenant: Any,
    two_tenants_and_a_push: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    ours, theirs = two_tenants_and_a_push
    by_store = _log(client, admin, store=ours["id"])["commits"]
    assert [c["action"] for c in by_store] == ["update", "create"]
    by_tenant = _log(client, admin, tenant=other_tenant.id)["commits"]
    assert [c["stores"][0]["id"] for c in by_tenant] == [theirs["id"]]
    pushes = _log(client, admin, actor="push")["commits"]
    assert [c["summary"] for c in pushes] == ["docs: a note for operators"]
    assert (
        _log(client, admin, action="create", tenant=tenant.id)["commits"][0]["stores"][0]["id"] == ours["id"]
    )
    assert _log(client, admin, action="delete")["commits"] == []
    first = _log(client, admin, limit=2)
    second = _log(client, admin, limit=2, cursor=first["next_cursor"])
    shas = [c["sha"] for c in first["commits"] + second["commits"]]
    assert len(set(shas)) == 4 and shas == [c["sha"] for c in _log(client, admin)["commits"][:4]]


def test_the_log_is_caught_up_once_and_refuses_tenants_and_bad_filters(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, drain: Any, db: psycopg.Connection[Any]
) -> None:
    new_store(tenant, "acme-shop")
    drain()
    assert len(_log(client, admin)["commits"]) == 2
    new_store(tenant, "second-shop")
    drain()
    assert len(_log(client, admin)["commits"]) == 3
    assert len(_log(client, admin)["commits"]) == 3
    key = app_services(client.app).fleet.context.repo_key  # type: ignore[union-attr]
    rows = db.execute("SELECT count(*) AS n FROM fleet_commits WHERE repo_key = %s", (key,)).fetchone()
    assert rows is not None and rows["n"] == 3
    assert client.get("/api/v1/fleet/commits", headers=tenant.headers).status_code == 403
    refused = client.get("/api/v1/fleet/commits", params={"actor": "robot"}, headers=admin.headers)
    assert refused.status_code == 422
    assert (
        client.get("/api/v1/fleet/commits", params={"store": "Bad Id"}, headers=admin.headers).status_code
        == 422
    )


def test_a_revertable_commit_reverts_through_its_stores_rollback(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = new_store(tenant, "acme-shop")
    drain()
    set_status(store["id"], "ready")
    assert client.patch(f"/api/v1/stores/{store['id']}", json={"plan": "large"}, headers=tenant.headers)
    drain()
    set_status(store["id"], "ready")
    update = _log(client, admin, action="update")["commits"][0]
    assert update["revertable"]
    preview = client.get(
        f"/api/v1/stores/{store['id']}/rollback/preview",
        params={"commit": update["sha"], "admin_access": "true"},
        headers=admin.headers,
    )
    assert preview.status_code == 200, preview.text
    assert [(c["field"], c["after"]) for c in preview.json()["changes"]] == [("plan", "small")]
    reverted = client.post(
        f"/api/v1/stores/{store['id']}/rollback", json={"commit": update["sha"]}, headers=admin.headers
    )
    assert reverted.status_code == 202, reverted.text
    drain()
    assert _log(client, admin)["commits"][0]["action"] == "rollback"


def test_the_git_sync_keeps_the_log_current_between_reads(
    client: TestClient,
    settings: Any,
    admin: Any,
    tenant: Any,
    new_store: Any,
    drain: Any,
    db: psycopg.Connection[Any],
) -> None:
    new_store(tenant, "acme-shop")
    drain()
    services = app_services(client.app)
    assert services.fleet is not None and settings.database_url is not None
    runtime = FleetRuntime.create(
        services.fleet.context,
        services.pool,
        settings.database_url.get_secret_value(),
        writer=False,
        sync=True,
    )
    assert runtime.sync is not None

    async def one_pass() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(runtime.sync.run(stop))  # type: ignore[union-attr]
        for _ in range(200):
            row = db.execute(
                "SELECT last_logged_sha FROM fleet_state WHERE repo_key = %s", (runtime.context.repo_key,)
            ).fetchone()
            if row and row["last_logged_sha"]:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await task
        await asyncio.to_thread(runtime.reader.close)

    client.portal.call(one_pass)  # type: ignore[union-attr]
    logged = db.execute(
        "SELECT actor_kind, action FROM fleet_commits WHERE repo_key = %s ORDER BY seq",
        (runtime.context.repo_key,),
    ).fetchall()
    assert [(r["actor_kind"], r["action"]) for r in logged] == [
        ("platform", "external"),
        ("platform", "create"),
    ]
