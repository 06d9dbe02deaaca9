"""REGISTRATION_RATE_LIMIT: registrations per client IP per hour."""

from __future__ import annotations

from typing import Any

import psycopg

from tests.api.auth.conftest import AppClient
from tests.api.auth.support import audit_rows, register, security_events


def test_the_limit_allows_n_registrations_and_refuses_the_next(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(registration_rate_limit=2)
    tripped_before = security_events("rate_limited")
    assert register(client, "ann").status_code == 201
    assert register(client, "ann").status_code == 409  # a refused attempt is an attempt
    response = register(client, "bob")
    assert response.status_code == 429 and response.json()["error"]["code"] == "RATE_LIMITED"
    retry_after = int(response.headers["retry-after"])
    assert 15 * 60 < retry_after <= 3600
    assert response.json()["error"]["details"]["retry_after_s"] == retry_after
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 1
    rows = audit_rows(db, "auth.rate_limited")
    assert len(rows) == 1 and rows[0]["detail"] == {"scope": "registration", "limit": 2, "window_s": 3600}
    assert rows[0]["ip"] == "198.51.100.1"
    assert security_events("rate_limited") == tripped_before + 1
    assert register(app_client(ip="203.0.113.9", registration_rate_limit=2), "bob").status_code == 201


def test_the_registration_window_ends(app_client: AppClient, db: psycopg.Connection[Any]) -> None:
    client = app_client(registration_rate_limit=1)
    assert register(client, "ann").status_code == 201
    assert register(client, "bob").status_code == 429
    db.execute("UPDATE rate_limit_counters SET expires_at = now() - interval '1 second'")
    assert register(client, "bob").status_code == 201


def test_zero_disables_the_registration_limit(app_client: AppClient) -> None:
    client = app_client(registration_rate_limit=0)
    for n in range(8):
        assert register(client, f"user{n}").status_code == 201


def test_registrations_and_role_changes_are_security_events(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(registration_rate_limit=5)
    registered_before, changed_before = security_events("registered"), security_events("account_changed")
    admin = register(client, "root").json()
    tenant = register(client, "ann").json()
    response = client.patch(
        f"/api/v1/users/{tenant['user']['id']}",
        json={"role": "admin"},
        headers={"Authorization": f"Bearer {admin['token']}"},
    )
    assert response.status_code == 200
    assert len(audit_rows(db, "auth.registered")) == 2
    changed = audit_rows(db, "auth.account_changed")
    assert len(changed) == 1 and changed[0]["actor"] == "root"
    assert security_events("registered") == registered_before + 2
    assert security_events("account_changed") == changed_before + 1
    assert "password1" not in str(db.execute("SELECT before, after, detail FROM audit_events").fetchall())
