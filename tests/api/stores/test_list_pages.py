"""The store list's keyset pages: `cursor` / `next_cursor`, beside `offset`, and the optional count."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

Page = dict[str, Any]


def _get(client: TestClient, account: Any, query: str) -> Page:
    response = client.get(f"/api/v1/stores?{query}", headers=account.headers)
    assert response.status_code == 200, response.text
    page: Page = response.json()
    return page


def _walk(client: TestClient, account: Any, query: str) -> list[Page]:
    """Every page of the list, first by `query` alone, then by each `next_cursor`."""
    pages = [_get(client, account, query)]
    while pages[-1]["next_cursor"] is not None:
        pages.append(_get(client, account, f"{query}&cursor={pages[-1]['next_cursor']}"))
        assert len(pages) < 50, "the cursor does not advance"
    return pages


def _ids(pages: list[Page]) -> list[str]:
    return [store["id"] for page in pages for store in page["stores"]]


def test_cursor_pages_walk_the_list_newest_first_and_end_with_null(
    client: TestClient, tenant: Any, new_store: Any
) -> None:
    ids = [new_store(tenant, f"shop-{i}")["id"] for i in range(7)]
    pages = _walk(client, tenant, "limit=3")
    assert [len(page["stores"]) for page in pages] == [3, 3, 1]
    assert _ids(pages) == ids[::-1]
    assert [page["total"] for page in pages] == [7, 7, 7] and pages[-1]["next_cursor"] is None
    assert all(page["offset"] == 0 for page in pages)


def test_a_page_that_ends_exactly_at_the_last_store_has_no_next_cursor(
    client: TestClient, tenant: Any, new_store: Any
) -> None:
    for i in range(4):
        new_store(tenant, f"shop-{i}")
    pages = _walk(client, tenant, "limit=2")
    assert [len(page["stores"]) for page in pages] == [2, 2] and pages[-1]["next_cursor"] is None
    assert _get(client, tenant, "limit=4")["next_cursor"] is None


def test_stores_made_at_the_same_instant_are_ordered_by_id_and_none_is_skipped(
    client: TestClient, tenant: Any, new_store: Any, db: Any
) -> None:
    ids = [new_store(tenant, f"shop-{i}")["id"] for i in range(5)]
    db.execute("UPDATE stores SET created_at = '2026-01-01T00:00:00Z'")
    assert _ids(_walk(client, tenant, "limit=2")) == sorted(ids, reverse=True)


def test_filters_combine_with_the_cursor(client: TestClient, tenant: Any, new_store: Any) -> None:
    engines = ["medusa" if i % 2 else "woocommerce" for i in range(7)]
    ids = [new_store(tenant, f"shop-{i}", engine=e)["id"] for i, e in enumerate(engines)]
    pages = _walk(client, tenant, "limit=2&engine=medusa")
    medusa = [store_id for store_id, e in zip(ids, engines, strict=True) if e == "medusa"]
    assert _ids(pages) == medusa[::-1] and {page["total"] for page in pages} == {3}


def test_a_cursor_page_is_stable_across_inserts_before_it(
    client: TestClient, tenant: Any, new_store: Any
) -> None:
    ids = [new_store(tenant, f"shop-{i}")["id"] for i in range(5)]
    first = _get(client, tenant, "limit=2")
    newer = new_store(tenant, "newer-shop")["id"]  # lands on the first page, not between the pages
    second = _get(client, tenant, f"limit=2&cursor={first['next_cursor']}")
    assert [s["id"] for s in second["stores"]] == [ids[2], ids[1]] and second["total"] == 6
    assert newer not in _ids([first, second])


def test_a_tenant_pages_only_its_own_stores_and_an_admin_every_live_one(
    client: TestClient, tenant: Any, other_tenant: Any, admin: Any, new_store: Any, set_status: Any
) -> None:
    mine = [new_store(tenant, f"mine-{i}")["id"] for i in range(3)]
    theirs = [new_store(other_tenant, f"theirs-{i}")["id"] for i in range(3)]
    set_status(theirs[0], "deleted")
    assert _ids(_walk(client, tenant, "limit=2")) == mine[::-1]
    assert set(_ids(_walk(client, admin, "limit=2"))) == {*mine, *theirs[1:]}


def test_offset_pages_still_work_and_hand_out_a_cursor(
    client: TestClient, tenant: Any, new_store: Any
) -> None:
    ids = [new_store(tenant, f"shop-{i}")["id"] for i in range(6)]
    by_offset = _get(client, tenant, "limit=2&offset=2")
    assert [s["id"] for s in by_offset["stores"]] == [ids[3], ids[2]] and by_offset["offset"] == 2
    after = _get(client, tenant, f"limit=2&cursor={by_offset['next_cursor']}")
    assert [s["id"] for s in after["stores"]] == [ids[1], ids[0]]


def test_include_total_false_leaves_the_count_out(client: TestClient, tenant: Any, new_store: Any) -> None:
    for i in range(3):
        new_store(tenant, f"shop-{i}")
    page = _get(client, tenant, "limit=2&include_total=false")
    assert page["total"] is None and len(page["stores"]) == 2 and page["next_cursor"]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "x",  # not base64 of anything
        "!!!!",
        _b64("2026-01-01T00:00:00+00:00"),  # no id
        _b64("not-a-date,st-abcdefgh23"),
        _b64("2026-01-01T00:00:00,st-abcdefgh23"),  # no time zone
        _b64("2026-01-01T00:00:00+00:00,ST'; DROP"),
        base64.urlsafe_b64encode(b"\xff\xfe,st-a").decode(),  # not UTF-8
        "",
    ],
)
def test_a_bad_cursor_is_422_invalid_cursor(client: TestClient, tenant: Any, cursor: str) -> None:
    response = client.get("/api/v1/stores", params={"cursor": cursor}, headers=tenant.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "INVALID_CURSOR"


def test_cursor_with_an_offset_is_422(client: TestClient, tenant: Any, new_store: Any) -> None:
    for i in range(2):
        new_store(tenant, f"shop-{i}")
    cursor = _get(client, tenant, "limit=1")["next_cursor"]
    response = client.get(f"/api/v1/stores?offset=1&cursor={cursor}", headers=tenant.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "INVALID_CURSOR"


def test_an_overlong_cursor_is_refused_cleanly(client: TestClient, tenant: Any) -> None:
    response = client.get("/api/v1/stores", params={"cursor": "a" * 500}, headers=tenant.headers)
    assert response.status_code == 422
