"""POST/GET /api/v1/rollouts and the actions: validation before anything is recorded, what a create
records and queues (the first wave as one outbox group), admins only, every action audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.rollouts.conftest import push_files

VERSION = "0.4.0"


def stores(new_store: Any, account: Any, count: int, **fields: Any) -> list[str]:
    return [new_store(account, f"shop-{n:03d}", **fields)["id"] for n in range(count)]


def post(client: TestClient, admin: Any, **body: Any) -> Any:
    return client.post("/api/v1/rollouts", json={"chart_version": VERSION, **body}, headers=admin.headers)


def counts(db: Any) -> tuple[int, int, int]:
    row = db.execute(
        "SELECT (SELECT count(*) FROM rollouts) AS r, (SELECT count(*) FROM outbox) AS o,"
        " (SELECT count(*) FROM outbox WHERE commit_group IS NOT NULL) AS g"
    ).fetchone()
    return row["r"], row["o"], row["g"]


def error_code(answer: Any) -> str:
    return str(answer.json()["error"]["code"])


def test_a_dry_run_returns_the_plan_and_records_nothing(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    ids = stores(new_store, tenant, 10)
    before = counts(db)
    answer = post(
        client, admin, selector={"all": True}, canary={"count": 1}, steps=["50%", "100%"], dry_run=True
    )
    assert answer.status_code == 200, answer.text
    plan = answer.json()
    assert plan["dry_run"] and plan["store_count"] == 10 and plan["add_chart"] is True
    assert [w["store_count"] for w in plan["waves"]] == [1, 4, 5]
    assert sorted(s for w in plan["waves"] for s in w["store_ids"]) == sorted(ids)
    assert "-      chart: ./charts/ecommerce-store\n" in plan["diff"]
    assert f"+      chart: ./charts/ecommerce-store-{VERSION}\n" in plan["diff"]
    assert any(f"values.schema.json of chart {VERSION} accepts a medusa store" in c for c in plan["checks"])
    assert counts(db) == before
    created = post(client, admin, selector={"all": True}, canary={"count": 1}, steps=["50%", "100%"]).json()
    detail = client.get(f"/api/v1/rollouts/{created['id']}", headers=admin.headers).json()
    committed = [sorted(s["store_id"] for s in w["stores"]) for w in detail["waves"]]
    assert committed == [sorted(w["store_ids"]) for w in plan["waves"]]  # the preview is what runs


def test_a_create_records_the_plan_and_queues_only_the_first_wave_as_one_group(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    ids = stores(new_store, tenant, 6)
    answer = post(client, admin, selector={"all": True}, canary={"store_ids": ids[:2]}, steps=["100%"])
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert answer.headers["location"] == f"/api/v1/rollouts/{created['id']}"
    assert created["state"] == "running" and [w["state"] for w in created["waves"]] == [
        "committing",
        "pending",
    ]
    rows = db.execute(
        "SELECT store_id, commit_group, spec FROM outbox WHERE commit_group IS NOT NULL"
    ).fetchall()
    assert sorted(r["store_id"] for r in rows) == sorted(ids[:2])
    assert {r["commit_group"] for r in rows} == {f"{created['id']}.w1.a0"}
    assert all(r["spec"]["chart_version"] == VERSION for r in rows)
    # the stores of wave 1 are on their way to the version; the others are untouched
    moving = db.execute("SELECT id, status, spec FROM stores WHERE id = ANY(%s)", (ids[:2],)).fetchall()
    assert all(r["spec"]["chart_version"] == VERSION for r in moving)
    still = db.execute("SELECT spec FROM stores WHERE id = ANY(%s)", (ids[2:],)).fetchall()
    assert all("chart_version" not in r["spec"] for r in still)
    detail = client.get(f"/api/v1/rollouts/{created['id']}", headers=admin.headers).json()
    assert [s["store_id"] for s in detail["waves"][0]["stores"]] == sorted(ids[:2])
    assert detail["waves"][0]["stores"][0]["from_value"] is None
    assert detail["waves"][0]["stores"][0]["value"] == VERSION
    listed = client.get("/api/v1/rollouts?state=running", headers=admin.headers).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]
    audited = db.execute("SELECT event, detail FROM audit_events WHERE event LIKE 'rollout.%%'").fetchall()
    assert [a["event"] for a in audited] == ["rollout.created"]
    mine = client.get(f"/api/v1/stores/{ids[0]}/rollouts", headers=tenant.headers)
    assert mine.status_code == 200 and mine.json()[0]["id"] == created["id"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"chart_version": "9.9.9", "selector": {"all": True}}, 422, "UNKNOWN_CHART_VERSION"),
        ({"chart_version": "latest", "selector": {"all": True}}, 422, "VALIDATION_ERROR"),
        ({"selector": {}}, 422, "VALIDATION_ERROR"),
        ({"selector": {"engines": ["medusa"]}}, 422, "EMPTY_SELECTION"),
        ({"selector": {"all": True}, "steps": ["10%", "50%"]}, 422, "STEPS_INCOMPLETE"),
        ({"selector": {"all": True}, "steps": ["0%", "100%"]}, 422, "INVALID_STEPS"),
        ({"selector": {"all": True}, "canary": {"store_ids": ["st-aaaaaaaaaa"]}}, 422, "CANARY_NOT_SELECTED"),
        ({"selector": {"all": True}, "gate": {"max_failure_percent": 101}}, 422, "VALIDATION_ERROR"),
        ({"selector": {"all": True}, "surprise": 1}, 422, "VALIDATION_ERROR"),
    ],
)
def test_bad_input_is_a_4xx_with_a_code_and_nothing_is_recorded(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any, body: dict[str, Any], status: int,
    code: str,
) -> None:  # fmt: skip
    stores(new_store, tenant, 3, engine="woocommerce")
    before = counts(db)
    answer = client.post("/api/v1/rollouts", json={"chart_version": VERSION, **body}, headers=admin.headers)
    assert answer.status_code == status and error_code(answer) == code, answer.text
    assert answer.json()["error"]["message"]
    assert counts(db) == before


def test_a_second_rollout_over_the_same_stores_is_refused(
    client: TestClient, admin: Any, tenant: Any, other_tenant: Any, new_store: Any, db: Any
) -> None:
    stores(new_store, tenant, 3)
    theirs = stores(new_store, other_tenant, 2)
    assert post(client, admin, selector={"tenants": [tenant.id]}).status_code == 201
    before = counts(db)
    overlap = post(client, admin, selector={"all": True})
    assert overlap.status_code == 409 and error_code(overlap) == "ROLLOUT_OVERLAP"
    assert counts(db) == before
    assert post(client, admin, selector={"store_ids": theirs}).status_code == 201  # other stores: fine


def test_pinned_stores_and_stores_already_at_the_version_are_left_out(
    client: TestClient, admin: Any, tenant: Any, new_store: Any
) -> None:
    ids = stores(new_store, tenant, 3)
    pin = client.put(f"/api/v1/stores/{ids[0]}/pin", json={"reason": "black friday"}, headers=tenant.headers)
    assert pin.status_code == 200
    plan = post(client, admin, selector={"all": True}, dry_run=True).json()
    assert {"store_id": ids[0], "reason": "pinned"} in plan["skipped"]
    assert sorted(s for w in plan["waves"] for s in w["store_ids"]) == sorted(ids[1:])
    only_pinned = post(client, admin, selector={"store_ids": [ids[0]]})
    assert only_pinned.status_code == 422 and error_code(only_pinned) == "EMPTY_SELECTION"


def test_a_wave_skips_a_store_that_is_restoring_or_failed_in_a_restore(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any, set_status: Any
) -> None:
    """A restoring store's spec is the platform's restore commits' (a wave's commit would race them),
    and a store that failed mid-restore gets its release back by a retry, not by a wave."""
    ids = stores(new_store, tenant, 3)
    restore = {"name": "storefleet-x-restore-0123456789", "backup": "b", "source_namespace": ids[1]}
    set_status(ids[0], "restoring")
    db.execute(
        "UPDATE stores SET status = 'failed', spec = spec || jsonb_build_object('restore', %s::jsonb)"
        " WHERE id = %s",
        (json.dumps({**restore, "stage": "restoring"}), ids[1]),
    )
    created = post(client, admin, selector={"all": True}, steps=["100%"])
    assert created.status_code == 201, created.text
    detail = client.get(f"/api/v1/rollouts/{created.json()['id']}", headers=admin.headers).json()
    states = {s["store_id"]: (s["state"], s["note"]) for w in detail["waves"] for s in w["stores"]}
    assert states[ids[0]] == states[ids[1]] == ("skipped", "restoring from a backup")
    assert states[ids[2]][0] == "committed"
    queued = db.execute("SELECT store_id FROM outbox WHERE commit_group IS NOT NULL").fetchall()
    assert [r["store_id"] for r in queued] == [ids[2]]
    assert (
        db.execute("SELECT status FROM stores WHERE id = %s", (ids[0],)).fetchone()["status"] == "restoring"
    )


def test_a_chart_version_in_the_fleet_repo_is_checked_against_its_schema_and_rendered_by_helm(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, fleet_remote: Path, tmp_path: Path, db: Any
) -> None:
    stores(new_store, tenant, 2)
    strict = {"type": "object", "required": ["somethingNew"]}
    chart = "apiVersion: v2\nname: ecommerce-store\nversion: {}\n"
    configmap = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
        "data:\n  engine: {{ .Values.engine }}\n"
    )
    push_files(fleet_remote, {
        "charts/ecommerce-store-0.3.0/Chart.yaml": chart.format("0.3.0"),
        "charts/ecommerce-store-0.3.0/values.schema.json": json.dumps(strict),
        "charts/ecommerce-store-0.4.0/Chart.yaml": chart.format("0.4.1"),
        "charts/ecommerce-store-0.5.0/Chart.yaml": chart.format("0.5.0"),
        "charts/ecommerce-store-0.5.0/templates/configmap.yaml": configmap,
        "charts/ecommerce-store-0.6.0/Chart.yaml": chart.format("0.6.0"),
        "charts/ecommerce-store-0.6.0/templates/configmap.yaml": '{{ fail "the chart refuses this store" }}',
    }, tmp_path)  # fmt: skip
    before = counts(db)
    rejected = post(client, admin, chart_version="0.3.0", selector={"all": True})
    assert rejected.status_code == 422 and error_code(rejected) == "CHART_VALUES_REJECTED"
    assert "somethingNew" in rejected.json()["error"]["message"]
    mislabelled = post(client, admin, chart_version="0.4.0", selector={"all": True})
    assert mislabelled.status_code == 422 and "0.4.1" in mislabelled.json()["error"]["message"]
    unrenderable = post(client, admin, chart_version="0.6.0", selector={"all": True})
    assert unrenderable.status_code == 422 and error_code(unrenderable) == "CHART_VALUES_REJECTED"
    assert "the chart refuses this store" in unrenderable.json()["error"]["message"]
    assert counts(db) == before
    fine = post(client, admin, chart_version="0.5.0", selector={"all": True}, dry_run=True)
    assert fine.status_code == 200 and fine.json()["add_chart"] is False, fine.text
    assert "Helm renders chart 0.5.0 for a medusa store (local)" in fine.json()["checks"]


def test_only_admins_and_unknown_ids(client: TestClient, tenant: Any, admin: Any, new_store: Any) -> None:
    stores(new_store, tenant, 1)
    assert post(client, tenant, selector={"all": True}).status_code == 403
    assert client.get("/api/v1/rollouts", headers=tenant.headers).status_code == 403
    assert client.get("/api/v1/rollouts").status_code == 401
    missing = client.get("/api/v1/rollouts/ro-aaaaaaaaaa", headers=admin.headers)
    assert missing.status_code == 404 and error_code(missing) == "ROLLOUT_NOT_FOUND"
    assert client.post("/api/v1/rollouts/ro-aaaaaaaaaa/pause", headers=admin.headers).status_code == 404
    assert client.post("/api/v1/rollouts/ro-aaaaaaaaaa/explode", headers=admin.headers).status_code == 422


def test_actions_follow_the_state_table_and_are_audited(
    client: TestClient, admin: Any, tenant: Any, other_tenant: Any, new_store: Any, db: Any
) -> None:
    ids = stores(new_store, tenant, 2)
    rid = post(client, admin, selector={"all": True}).json()["id"]
    act = lambda action, **body: client.post(  # noqa: E731
        f"/api/v1/rollouts/{rid}/{action}", json=body or None, headers=admin.headers
    )
    resumed = act("resume")
    assert resumed.status_code == 409 and error_code(resumed) == "INVALID_ROLLOUT_ACTION"
    assert act("pause", reason="looking at a graph").json()["state"] == "paused"
    assert act("resume").json()["state"] == "running"
    aborted = act("abort")
    assert aborted.json()["state"] == "aborted" and aborted.json()["finished_at"]
    # the abort queued wave 1's revert behind it: the stores go back to the default chart
    groups = db.execute("SELECT commit_group, count(*) AS n FROM outbox WHERE commit_group IS NOT NULL"
                        " GROUP BY commit_group ORDER BY min(id)").fetchall()  # fmt: skip
    assert [g["commit_group"] for g in groups] == [f"{rid}.w1.a0", f"{rid}.w1.r0"]
    specs = db.execute("SELECT spec FROM stores WHERE id = ANY(%s)", (ids,)).fetchall()
    assert all("chart_version" not in s["spec"] for s in specs)
    events = [r["event"] for r in db.execute(
        "SELECT event FROM audit_events WHERE event LIKE 'rollout.%%' ORDER BY id").fetchall()]  # fmt: skip
    assert events == ["rollout.created", "rollout.pause", "rollout.resume", "rollout.abort"]
    assert client.get(f"/api/v1/stores/{ids[0]}/rollouts", headers=other_tenant.headers).status_code == 404


def test_a_tenants_change_during_a_rollout_keeps_the_rollouts_version_and_is_its_own_commit(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    ids = stores(new_store, tenant, 2)
    rid = post(client, admin, selector={"all": True}, canary={"store_ids": ids[:1]}, steps=["100%"]).json()[
        "id"
    ]
    changed = client.patch(f"/api/v1/stores/{ids[0]}", json={"plan": "large"}, headers=tenant.headers)
    assert changed.status_code == 202, changed.text
    rows = db.execute(
        "SELECT commit_group, spec FROM outbox WHERE store_id = %s ORDER BY id", (ids[0],)
    ).fetchall()
    # the create, the wave (its group), then the tenant's change: its own row, on top of the version
    assert [r["commit_group"] for r in rows] == [None, f"{rid}.w1.a0", None]
    assert rows[2]["spec"]["chart_version"] == VERSION and rows[2]["spec"]["plan"] == "large"
    assert rows[1]["spec"]["plan"] == "small"
    # a store of a later wave, changed before its wave is queued: the wave will start from that change
    other = client.patch(f"/api/v1/stores/{ids[1]}", json={"plan": "medium"}, headers=tenant.headers)
    assert other.status_code == 202
    assert (
        "chart_version"
        not in db.execute("SELECT spec FROM stores WHERE id = %s", (ids[1],)).fetchone()["spec"]
    )
