"""API request limits on a live app: the headers, the 429, each class, and `0` turning a class off."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest
from prometheus_client import REGISTRY

from tests.api.ratelimit.conftest import LimitedClient, bearer, limit_headers

STORE = {"name": "acme-shop", "engine": "woocommerce"}


def test_every_answer_of_a_limited_route_counts_down_then_429_with_headers(
    limited_client: LimitedClient,
) -> None:
    client = limited_client(api_rate_limit_reads=3, api_rate_limit_window_s=60)
    headers = bearer(client, "alice")
    seen = [client.get("/api/v1/stores", headers=headers) for _ in range(3)]
    assert [r.status_code for r in seen] == [200, 200, 200]
    assert [r.headers["ratelimit-remaining"] for r in seen] == ["2", "1", "0"]
    assert {r.headers["ratelimit-limit"] for r in seen} == {"3"}
    assert {r.headers["ratelimit-policy"] for r in seen} == {"3;w=60"}
    assert all(0 < int(r.headers["ratelimit-reset"]) <= 60 for r in seen)

    refused = client.get("/api/v1/stores", headers=headers)
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"]["code"] == "RATE_LIMITED"
    assert "try again in" in body["error"]["message"]
    assert body["error"]["details"]["route_class"] == "reads"
    assert body["error"]["details"]["limit"] == 3
    assert body["request_id"] == refused.headers["x-request-id"]
    retry_after = int(refused.headers["retry-after"])
    assert 0 < retry_after <= 60 and body["error"]["details"]["retry_after_s"] == retry_after
    assert limit_headers(refused) == {
        "ratelimit-limit": "3",
        "ratelimit-remaining": "0",
        "ratelimit-reset": refused.headers["ratelimit-reset"],
        "ratelimit-policy": "3;w=60",
    }


def test_error_answers_carry_the_headers_and_count(limited_client: LimitedClient) -> None:
    client = limited_client(api_rate_limit_reads=2)
    first = client.get("/api/v1/stores")  # no token: a 401, counted for the address
    assert first.status_code == 401 and first.headers["ratelimit-remaining"] == "1"
    assert client.get("/api/v1/stores/st-nothere00000").headers["ratelimit-remaining"] == "0"
    assert client.get("/api/v1/stores").status_code == 429


def test_reads_and_writes_are_counted_apart(limited_client: LimitedClient) -> None:
    client = limited_client(api_rate_limit_reads=2, api_rate_limit_writes=5)
    headers = bearer(client, "alice")  # a write of the address, not of the user it creates
    assert client.get("/api/v1/stores", headers=headers).headers["ratelimit-remaining"] == "1"
    change = client.patch("/api/v1/auth/password", json={}, headers=headers)  # a 422, a write all the same
    assert change.status_code == 422
    assert (change.headers["ratelimit-policy"], change.headers["ratelimit-remaining"]) == ("5;w=60", "4")


def test_store_creation_counts_against_writes_and_its_own_limit(
    limited_client: LimitedClient, db: psycopg.Connection[Any]
) -> None:
    client = limited_client(
        api_rate_limit_writes=100,
        api_rate_limit_store_creations=2,
        api_rate_limit_store_creations_window_s=3600,
    )
    headers = bearer(client, "alice")
    first = client.post("/api/v1/stores", json=STORE, headers=headers)
    assert first.status_code == 202, first.text
    assert first.headers["ratelimit-policy"] == "100;w=60, 2;w=3600"
    assert (first.headers["ratelimit-limit"], first.headers["ratelimit-remaining"]) == ("2", "1")
    assert (
        client.post("/api/v1/stores", json={**STORE, "name": "second-shop"}, headers=headers).status_code
        == 202
    )
    refused = client.post("/api/v1/stores", json={**STORE, "name": "third-shop"}, headers=headers)
    assert refused.status_code == 429
    assert refused.json()["error"]["details"]["route_class"] == "store_creation"
    assert 3500 < int(refused.headers["retry-after"]) <= 3600
    assert "store creations" in refused.json()["error"]["message"]
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone() == {"n": 2}
    # other writes still pass: only the creations are used up
    other = client.post("/api/v1/stores/st-nothere00000/retry", headers=headers)
    assert other.status_code == 404 and other.headers["ratelimit-policy"] == "100;w=60"


def test_zero_turns_each_class_off(limited_client: LimitedClient) -> None:
    client = limited_client(api_rate_limit_reads=0, api_rate_limit_writes=1, api_rate_limit_store_creations=0)
    headers = bearer(client, "alice")
    for _ in range(5):
        read = client.get("/api/v1/stores", headers=headers)
        assert read.status_code == 200 and "ratelimit-limit" not in read.headers
    assert client.post("/api/v1/stores", json=STORE, headers=headers).status_code == 202  # writes: 1 of 1
    assert (
        client.post("/api/v1/stores", json=STORE, headers=headers).status_code == 429
    )  # writes, not creations


def test_all_zero_counts_nothing(limited_client: LimitedClient, db: psycopg.Connection[Any]) -> None:
    client = limited_client(api_rate_limit_reads=0, api_rate_limit_writes=0, api_rate_limit_store_creations=0)
    headers = bearer(client, "alice")
    for _ in range(3):
        assert "ratelimit-limit" not in client.get("/api/v1/stores", headers=headers).headers
    assert db.execute("SELECT count(*) AS n FROM api_rate_limit_counters").fetchone() == {"n": 0}


def test_counters_hold_no_addresses_or_user_ids(
    limited_client: LimitedClient, db: psycopg.Connection[Any]
) -> None:
    client = limited_client(ip="203.0.113.77", api_rate_limit_reads=5)
    client.get("/api/v1/stores")
    keys = [row["key"] for row in db.execute("SELECT key FROM api_rate_limit_counters")]
    assert len(keys) == 1 and keys[0].startswith("api:reads:") and "203.0.113.77" not in keys[0]


def test_cors_exposes_the_limit_headers(limited_client: LimitedClient) -> None:
    origin = "https://dashboard.example.com"
    client = limited_client(api_rate_limit_reads=5, cors_origins=(origin,))
    response = client.get("/api/v1/stores", headers={"origin": origin})
    exposed = {name.strip().lower() for name in response.headers["access-control-expose-headers"].split(",")}
    assert {
        "retry-after",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
    } <= exposed


def test_refusals_are_counted_each_and_logged_once_per_window(
    limited_client: LimitedClient, caplog: pytest.LogCaptureFixture
) -> None:
    def refused() -> float:
        return REGISTRY.get_sample_value("api_rate_limited_total", {"route_class": "reads"}) or 0.0

    client = limited_client(ip="203.0.113.40", api_rate_limit_reads=1)
    before = refused()
    with caplog.at_level(logging.WARNING, logger="storefleet.api.ratelimit.limiter"):
        statuses = [client.get("/api/v1/stores").status_code for _ in range(4)]
    assert statuses == [401, 429, 429, 429]
    assert refused() - before == 3
    lines = [r for r in caplog.records if r.name == "storefleet.api.ratelimit.limiter"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert lines[0].getMessage() == "API request limit reached: reads for ip:203.0.113.40 (1 per 60 s)"
