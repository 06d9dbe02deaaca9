"""PATCH /auth/password is limited per account like sign-ins: a stolen token must not let anyone
guess the current password without end."""

from __future__ import annotations

from typing import Any

import psycopg

from tests.api.auth.conftest import AppClient
from tests.api.auth.support import audit_rows, register


def _change(client: Any, token: str, current: str, new: str = "a-new-password") -> Any:
    body = {"current_password": current, "new_password": new}
    return client.patch("/api/v1/auth/password", json=body, headers={"Authorization": f"Bearer {token}"})


def test_guessing_the_current_password_is_limited_per_account(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(login_rate_limit=3)
    token = register(client).json()["token"]
    for guess in ("guess-one", "guess-two", "guess-three"):
        assert _change(client, token, guess).status_code == 400
    refused = _change(client, token, "password1")  # even the right one, once over the limit
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "RATE_LIMITED"
    assert "password change" in refused.json()["error"]["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 900
    (row,) = audit_rows(db, "auth.rate_limited")
    assert row["detail"]["scope"] == "password"
    other = register(client, "bob").json()["token"]
    assert _change(client, other, "password1").status_code == 200  # another account is not affected


def test_without_a_limit_password_changes_are_not_counted(app_client: AppClient) -> None:
    client = app_client(login_rate_limit=0)
    token = register(client).json()["token"]
    for _ in range(12):
        assert _change(client, token, "wrong-guess").status_code == 400
    assert _change(client, token, "password1").status_code == 200
