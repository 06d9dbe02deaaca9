"""LOGIN_RATE_LIMIT: attempts per (client IP, account) in a 15-minute window, counted in PostgreSQL."""

from __future__ import annotations

from typing import Any

import psycopg

from tests.api.auth.conftest import AppClient
from tests.api.auth.support import audit_rows, login, register, security_events


def _assert_rate_limited(response: Any) -> None:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "RATE_LIMITED"
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= 15 * 60
    assert error["details"]["retry_after_s"] == retry_after


def test_the_limit_allows_n_attempts_and_refuses_the_next(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(login_rate_limit=3)
    register(client)
    tripped_before = security_events("rate_limited")
    assert login(client, password="wrong-one").status_code == 401
    assert login(client, password="wrong-two").status_code == 401
    assert login(client).status_code == 200  # successes count too: it limits attempts
    _assert_rate_limited(login(client))  # even the right password, once over the limit
    _assert_rate_limited(login(client, email="ANN@Example.com "))  # the same account, normalised
    rows = audit_rows(db, "auth.rate_limited")
    assert len(rows) == 1, "audited once per window, when it trips"
    assert rows[0]["detail"] == {
        "scope": "login",
        "limit": 3,
        "window_s": 900,
        "identifier": "ann@example.com",
    }
    assert rows[0]["ip"] == "198.51.100.1" and "password1" not in str(rows)
    assert security_events("rate_limited") == tripped_before + 1


def test_the_limit_is_per_client_ip_and_account(app_client: AppClient) -> None:
    client = app_client(login_rate_limit=2)
    register(client)
    register(client, "bob")
    for _ in range(2):
        assert login(client, password="wrong").status_code == 401
    _assert_rate_limited(login(client))
    assert login(client, email="bob@example.com").status_code == 200  # another account
    elsewhere = app_client(ip="203.0.113.9", login_rate_limit=2)
    assert login(elsewhere).status_code == 200  # another client address


def test_an_untrusted_forwarded_for_does_not_dodge_the_limit(app_client: AppClient) -> None:
    client = app_client(login_rate_limit=2)
    register(client)
    for _ in range(2):
        assert login(client, password="wrong").status_code == 401
    response = client.post(
        "/api/v1/auth/login",
        json={"email": "ann@example.com", "password": "password1"},
        headers={"X-Forwarded-For": "192.0.2.77"},
    )
    _assert_rate_limited(response)


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(app_client: AppClient) -> None:
    proxy = app_client(ip="10.0.0.2", login_rate_limit=1, trusted_proxies=("10.0.0.0/8",))
    register(proxy)

    def login_from(ip: str) -> Any:
        body = {"email": "ann@example.com", "password": "password1"}
        return proxy.post("/api/v1/auth/login", json=body, headers={"X-Forwarded-For": ip})

    assert login_from("198.51.100.7").status_code == 200
    _assert_rate_limited(login_from("198.51.100.7"))
    assert login_from("198.51.100.8").status_code == 200


def test_a_new_window_starts_when_the_old_one_ends(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(login_rate_limit=1)
    register(client)
    assert login(client).status_code == 200
    _assert_rate_limited(login(client))
    db.execute("UPDATE rate_limit_counters SET expires_at = now() - interval '1 second'")
    assert login(client).status_code == 200
    _assert_rate_limited(login(client))
    assert len(audit_rows(db, "auth.rate_limited")) == 2  # once per window


def test_finished_windows_are_deleted_when_a_new_one_opens(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(login_rate_limit=5)
    db.execute(
        "INSERT INTO rate_limit_counters (key, hits, expires_at)"
        " VALUES ('login:old', 3, now() - interval '1 minute'),"
        " ('login:live', 3, now() + interval '1 minute')"
    )
    assert login(client).status_code == 401
    keys = {row["key"] for row in db.execute("SELECT key FROM rate_limit_counters").fetchall()}
    assert "login:old" not in keys and "login:live" in keys and len(keys) == 2


def test_zero_disables_the_login_rate_limit(app_client: AppClient, db: psycopg.Connection[Any]) -> None:
    client = app_client(login_rate_limit=0)
    register(client)
    for _ in range(12):
        assert login(client, password="wrong").status_code == 401
    assert login(client).status_code == 200
    assert db.execute("SELECT count(*) AS n FROM rate_limit_counters").fetchone()["n"] == 0
