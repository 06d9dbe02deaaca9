"""The three things a rollout can change: a chart version (test_rollouts_api.py), an engine's image tag
and a values patch. Each is validated against every chart the selected stores run before anything is
recorded, and moves only its own spec field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from tests.api.rollouts.conftest import push_files
from tests.api.rollouts.test_rollouts_api import counts, error_code, stores

TAG = "6.7.2-php8.2-apache"


def post(client: TestClient, admin: Any, **body: Any) -> Any:
    return client.post("/api/v1/rollouts", json=body, headers=admin.headers)


def outbox_specs(db: Any) -> dict[str, dict[str, Any]]:
    rows = db.execute("SELECT store_id, spec FROM outbox WHERE commit_group IS NOT NULL").fetchall()
    return {r["store_id"]: r["spec"] for r in rows}


def test_an_image_rollout_moves_only_its_engines_stores_to_the_tag(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    woo = stores(new_store, tenant, 4)
    medusa = [new_store(tenant, f"med-{n}", engine="medusa")["id"] for n in range(2)]
    body = {"image": {"engine": "woocommerce", "tag": TAG}, "selector": {"all": True}, "steps": ["100%"]}
    plan = post(client, admin, **body, dry_run=True)
    assert plan.status_code == 200, plan.text
    answer = plan.json()
    assert answer["kind"] == "image_tag" and answer["target"] == TAG and answer["change"] == f"image {TAG}"
    assert sorted(answer["waves"][0]["store_ids"]) == sorted(woo)
    assert f"+    wordpress:\n+      image:\n+        tag: {TAG}\n" in answer["diff"]
    assert any("Helm renders the default chart for a woocommerce store" in c for c in answer["checks"])
    created = post(client, admin, **body)
    assert created.status_code == 201, created.text
    specs = outbox_specs(db)
    assert sorted(specs) == sorted(woo) and all(s["image_tag"] == TAG for s in specs.values())
    untouched = db.execute("SELECT spec FROM stores WHERE id = ANY(%s)", (medusa,)).fetchall()
    assert all("image_tag" not in r["spec"] for r in untouched)
    detail = client.get(f"/api/v1/rollouts/{created.json()['id']}", headers=admin.headers).json()
    assert detail["selector"] == {"all": True, "engines": ["woocommerce"]} and detail["kind"] == "image_tag"
    assert {s["value"] for s in detail["waves"][0]["stores"]} == {TAG}
    same = post(client, admin, **{**body, "dry_run": True})
    assert same.status_code == 422 and error_code(same) == "EMPTY_SELECTION"  # all at the tag already
    newer = post(client, admin, **{**body, "image": {"engine": "woocommerce", "tag": "6.8.0"}})
    assert newer.status_code == 409 and error_code(newer) == "ROLLOUT_OVERLAP"


def test_an_image_rollout_for_one_engine_refuses_a_selector_of_the_other(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    stores(new_store, tenant, 2)
    before = counts(db)
    answer = post(
        client, admin, image={"engine": "woocommerce", "tag": TAG}, selector={"engines": ["medusa"]}
    )
    assert answer.status_code == 422 and error_code(answer) == "INVALID_ROLLOUT_PLAN", answer.text
    bad_tag = post(client, admin, image={"engine": "medusa", "tag": "no spaces"}, selector={"all": True})
    assert bad_tag.status_code == 422 and error_code(bad_tag) == "VALIDATION_ERROR"
    assert counts(db) == before


def test_a_values_patch_is_merged_into_the_release_values_and_recorded_in_the_spec(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    ids = [*stores(new_store, tenant, 3), new_store(tenant, "med", engine="medusa")["id"]]
    patch = {"redis": {"enabled": True}, "resources": {"limits": {"memory": "1Gi"}}}
    body = {"values_patch": patch, "selector": {"all": True}, "steps": ["100%"]}
    plan = post(client, admin, **body, dry_run=True).json()
    assert plan["kind"] == "values_patch" and plan["target"] == patch
    assert plan["change"].startswith("values ") and len(plan["change"]) == len("values ") + 12
    assert "+        memory: 1Gi\n" in plan["diff"]
    checked = " ".join(plan["checks"])
    assert "a woocommerce store" in checked and "a medusa store" in checked
    assert post(client, admin, **body).status_code == 201
    specs = outbox_specs(db)
    assert sorted(specs) == sorted(ids) and all(s["values_patch"] == patch for s in specs.values())
    assert all(s.get("chart_version") is None for s in specs.values())


@pytest.mark.parametrize(
    ("patch", "code", "says"),
    [
        ({"somethingNew": 1}, "CHART_VALUES_REJECTED", "somethingNew"),
        ({"wordpress": {"image": {"tag": "not a tag"}}}, "CHART_VALUES_REJECTED", "wordpress/image/tag"),
        ({"store": {"name": "other"}}, "VALIDATION_ERROR", "set by the store's spec"),
        ({"ingress": {"host": "evil.example.com"}}, "VALIDATION_ERROR", "set by the platform"),
        ({"mariadb": {"rootPassword": "hunter2"}}, "VALIDATION_ERROR", "secret"),
    ],
)
def test_a_values_patch_the_chart_or_the_platform_refuses_records_nothing(
    client: TestClient,
    admin: Any,
    tenant: Any,
    new_store: Any,
    db: Any,
    patch: dict[str, Any],
    code: str,
    says: str,
) -> None:
    stores(new_store, tenant, 2)
    before = counts(db)
    answer = post(client, admin, values_patch=patch, selector={"all": True})
    assert answer.status_code == 422 and error_code(answer) == code, answer.text
    assert says in answer.text and "hunter2" not in answer.text
    assert counts(db) == before


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"chart_version": "0.4.0", "image": {"engine": "medusa", "tag": "1.0"}},
        {"chart_version": "0.4.0", "values_patch": {}},
    ],
)
def test_a_rollout_makes_exactly_one_change(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, change: dict[str, Any]
) -> None:
    stores(new_store, tenant, 1)
    answer = post(client, admin, **change, selector={"all": True})
    assert answer.status_code == 422 and "exactly one change" in answer.text


def test_a_values_patch_is_checked_against_every_chart_version_its_stores_run(
    client: TestClient,
    admin: Any,
    tenant: Any,
    new_store: Any,
    db: Any,
    fleet_remote: Path,
    tmp_path: Path,
) -> None:
    ids = stores(new_store, tenant, 2)
    # one store already runs 0.9.0, whose schema does not know `redis`
    schema = '{"type": "object", "properties": {"store": {}, "engine": {}}, "additionalProperties": true}'
    push_files(fleet_remote, {
        "charts/ecommerce-store-0.9.0/Chart.yaml": "apiVersion: v2\nname: ecommerce-store\nversion: 0.9.0\n",
        "charts/ecommerce-store-0.9.0/values.schema.json": schema.replace("true", "false"),
    }, tmp_path)  # fmt: skip
    db.execute('UPDATE stores SET spec = spec || \'{"chart_version": "0.9.0"}\' WHERE id = %s', (ids[0],))
    before = counts(db)
    answer = post(client, admin, values_patch={"redis": {"enabled": True}}, selector={"all": True})
    assert answer.status_code == 422 and error_code(answer) == "CHART_VALUES_REJECTED", answer.text
    assert "chart 0.9.0" in answer.json()["error"]["message"]
    assert counts(db) == before
    only_default = post(
        client,
        admin,
        values_patch={"redis": {"enabled": True}},
        selector={"store_ids": ids[1:]},
        dry_run=True,
    )
    assert only_default.status_code == 200, only_default.text


def test_a_values_patch_merges_into_each_stores_own_and_null_drops_a_key(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, db: Any
) -> None:
    ids = stores(new_store, tenant, 3)
    mine = {"redis": {"enabled": True}, "resources": {"limits": {"memory": "1Gi"}}}
    db.execute("UPDATE stores SET spec = spec || %s WHERE id = %s", (Jsonb({"values_patch": mine}), ids[0]))
    db.execute("UPDATE stores SET spec = spec || %s WHERE id = %s", (Jsonb({"values_patch": mine}), ids[1]))
    nothing = post(client, admin, values_patch={}, selector={"all": True}, dry_run=True)
    assert nothing.status_code == 422 and error_code(nothing) == "EMPTY_SELECTION"  # {} changes nothing
    plan = post(client, admin, values_patch={"redis": None}, selector={"all": True}, dry_run=True).json()
    assert plan["store_count"] == 2 and "-    redis:\n" in plan["diff"]
    assert plan["skipped"] == [{"store_id": ids[2], "reason": "already at the rollout's value"}]
    created = post(client, admin, values_patch={"redis": None}, selector={"all": True}, steps=["100%"])
    assert created.status_code == 201, created.text
    specs = outbox_specs(db)
    assert specs[ids[0]]["values_patch"] == {"resources": {"limits": {"memory": "1Gi"}}}  # the rest stays
    rows = db.execute("SELECT store_id, from_value FROM rollout_stores ORDER BY store_id").fetchall()
    assert {r["store_id"]: r["from_value"] for r in rows if r["from_value"]} == {ids[0]: mine, ids[1]: mine}
