"""A second tenant tries every store-scoped operation of the API on the first tenant's store.

The operations come from the live OpenAPI document, so an endpoint added later is covered without
editing this test. Each must answer exactly as for a store that does not exist (no existence leak):
`404` for what an owner may do, the same `403` for any store where only admins may act; change
nothing, and leave nothing about the store in what the second tenant can read.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.reconciler_watch.support import git, wait_status

# A body each write operation accepts for a store of its owner (so a refusal is about the caller).
BODIES: dict[str, dict[str, Any]] = {
    "updateStore": {"plan": "medium"},
    "rollbackStore": {},
    "pinStore": {"reason": "hold it for the sale"},
    "restoreStore": {"backup": "storefleet-st-zzzzzzzz99-20260101000000"},
}
MISSING = "st-zzzzzzzz99"
_REQUEST_ID = re.compile(r'"request_id":\s*"[^"]*"')


def store_operations(client: TestClient) -> list[tuple[str, str, str]]:
    """(operation id, method, path template) of every operation on one store."""
    spec = client.get("/api/v1/openapi.json").json()
    return sorted(
        (operation["operationId"], method.upper(), path)
        for path, item in spec["paths"].items()
        if "{store_id}" in path
        for method, operation in item.items()
        if method in ("get", "post", "patch", "put", "delete")
    )


def call(client: TestClient, account: Any, method: str, path: str, op: str, store_id: str) -> Any:
    url = path.replace("{store_id}", store_id)
    return client.request(method, url, json=BODIES.get(op), headers=account.headers)


def shape(response: Any) -> tuple[int, str]:
    """The answer without what differs between any two requests (the request id)."""
    return response.status_code, _REQUEST_ID.sub('"request_id": ""', response.text.replace(MISSING, "<id>"))


@pytest.fixture
def victim_store(client: TestClient, tenant: Any) -> dict[str, Any]:
    created = client.post("/api/v1/stores", json={"name": "victim-shop", "engine": "woocommerce"},
                          headers=tenant.headers)  # fmt: skip
    assert created.status_code == 202, created.text
    return wait_status(client, tenant, created.json()["id"], "provisioning")  # type: ignore[no-any-return]


def test_every_store_operation_refuses_another_tenant_as_if_the_store_did_not_exist(
    client: TestClient, tenant: Any, other_tenant: Any, victim_store: dict[str, Any], fleet_remote: Any
) -> None:
    operations = store_operations(client)
    assert {"getStore", "deleteStore", "updateStore", "getStoreCredentials"} <= {
        op for op, _, _ in operations
    }
    commits_before = git("rev-list", "--count", "main", cwd=fleet_remote)
    sid = victim_store["id"]
    for op, method, path in operations:
        attempt = call(client, other_tenant, method, path, op, sid)
        unknown = call(client, other_tenant, method, path, op, MISSING)
        if unknown.status_code == 403 and unknown.json()["error"]["code"] == "FORBIDDEN":
            # an admin-only operation (moving a store): refused alike for every store, so it tells
            # nothing of this one either
            assert shape(attempt)[1].replace(sid, "<id>") == shape(unknown)[1], op
            continue
        assert attempt.status_code == 404, (op, attempt.status_code, attempt.text)
        assert attempt.json()["error"]["code"] == "STORE_NOT_FOUND", op
        assert shape(attempt)[1].replace(sid, "<id>") == shape(unknown)[1], op

    time.sleep(0.5)  # a change the writer would have committed by now
    after = client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()
    assert (after["status"], after["spec_hash"], after["plan"]) == (
        victim_store["status"], victim_store["spec_hash"], victim_store["plan"])  # fmt: skip
    assert after["pin"] is None  # the other tenant's pin never landed
    assert git("rev-list", "--count", "main", cwd=fleet_remote) == commits_before


def test_nothing_about_the_store_reaches_the_other_tenants_reads(
    client: TestClient, tenant: Any, other_tenant: Any, victim_store: dict[str, Any]
) -> None:
    sid = victim_store["id"]
    stores = client.get("/api/v1/stores", headers=other_tenant.headers).json()
    assert stores["total"] == 0 and stores["stores"] == []
    searched = client.get("/api/v1/stores", params={"q": "victim"}, headers=other_tenant.headers)
    assert sid not in searched.text
    for params in ({}, {"store_id": sid}, {"actor_id": tenant.id}):
        audit = client.get("/api/v1/audit", params=params, headers=other_tenant.headers)
        assert audit.status_code == 200, audit.text
        assert sid not in audit.text and victim_store["name"] not in audit.text
    # the owner's own view of the same audit trail is not empty: the filter above could fail
    owned = client.get("/api/v1/audit", params={"store_id": sid}, headers=tenant.headers).json()
    assert owned["total"] > 0
