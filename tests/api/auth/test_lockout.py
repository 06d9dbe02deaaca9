"""LOGIN_LOCKOUT_THRESHOLD consecutive failures lock an account for LOGIN_LOCKOUT_S."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
import pytest

from storefleet.api.auth.credentials import Passwords
from tests.api.auth.conftest import AppClient
from tests.api.auth.support import audit_rows, login, register, security_events


def _assert_locked(response: Any, lockout_s: int = 600) -> None:
    assert response.status_code == 423, response.text
    error = response.json()["error"]
    assert error["code"] == "ACCOUNT_LOCKED" and "locked" in error["message"]
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= lockout_s
    assert error["details"]["retry_after_s"] == retry_after
    assert datetime.fromisoformat(error["details"]["locked_until"])


def _failed_logins(db: psycopg.Connection[Any]) -> int:
    return int(
        db.execute("SELECT failed_logins FROM users WHERE username = 'ann'").fetchone()["failed_logins"]
    )


def test_the_threshold_th_failure_locks_and_the_right_password_is_refused(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(login_lockout_threshold=3, login_lockout_s=600)
    register(client)
    locks_before = security_events("account_locked")
    assert login(client, password="wrong").status_code == 401
    assert login(client, password="wrong").status_code == 401
    _assert_locked(login(client, password="wrong"))
    _assert_locked(login(client))  # the right password, during the lock
    _assert_locked(login(client, email="ANN@example.com"))
    locked = audit_rows(db, "auth.account_locked")
    assert len(locked) == 1 and locked[0]["actor"] == "ann"
    assert locked[0]["detail"]["failed_logins"] == 3 and locked[0]["detail"]["lockout_s"] == 600
    assert security_events("account_locked") == locks_before + 1
    reasons = [row["detail"]["reason"] for row in audit_rows(db, "auth.login_failed")]
    assert reasons == ["bad_credentials"] * 3 + ["locked"] * 2
    assert "password1" not in str(db.execute("SELECT detail FROM audit_events").fetchall())


def test_a_successful_sign_in_resets_the_count(app_client: AppClient, db: psycopg.Connection[Any]) -> None:
    client = app_client(login_lockout_threshold=3)
    register(client)
    for _ in range(2):
        assert login(client, password="wrong").status_code == 401
    assert login(client).status_code == 200
    assert _failed_logins(db) == 0
    for _ in range(2):
        assert login(client, password="wrong").status_code == 401
    assert _failed_logins(db) == 2
    assert login(client).status_code == 200


def test_the_lock_expires(app_client: AppClient, db: psycopg.Connection[Any]) -> None:
    client = app_client(login_lockout_threshold=2, login_lockout_s=600)
    register(client)
    assert login(client, password="wrong").status_code == 401
    _assert_locked(login(client, password="wrong"))
    db.execute("UPDATE users SET locked_until = now() - interval '1 second'")
    assert login(client).status_code == 200
    row = db.execute("SELECT failed_logins, locked_until FROM users WHERE username = 'ann'").fetchone()
    assert row == {"failed_logins": 0, "locked_until": None}


def test_after_a_lock_the_account_gets_a_full_threshold_again(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    client = app_client(login_lockout_threshold=2, login_lockout_s=1)
    register(client)
    assert login(client, password="wrong").status_code == 401
    _assert_locked(login(client, password="wrong"), lockout_s=1)
    db.execute("UPDATE users SET locked_until = now() - interval '1 second'")
    assert login(client, password="wrong").status_code == 401  # one failure after the lock: not locked
    _assert_locked(login(client, password="wrong"), lockout_s=1)


def test_zero_disables_the_lockout(app_client: AppClient, db: psycopg.Connection[Any]) -> None:
    client = app_client(login_lockout_threshold=0)
    register(client)
    for _ in range(8):
        assert login(client, password="wrong").status_code == 401
    assert login(client).status_code == 200
    assert audit_rows(db, "auth.account_locked") == []


def test_unknown_accounts_fail_like_wrong_passwords_and_are_never_locked(app_client: AppClient) -> None:
    client = app_client(login_lockout_threshold=2)
    register(client)
    wrong = [login(client, password="wrong") for _ in range(1)]
    unknown = [login(client, email="ghost@example.com") for _ in range(4)]
    assert {r.status_code for r in wrong + unknown} == {401}
    assert all(r.json()["error"] == wrong[0].json()["error"] for r in unknown)


def test_an_unknown_account_costs_a_password_hash_too(
    app_client: AppClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app_client(login_lockout_threshold=3)
    register(client)
    checked: list[str | None] = []
    real_verify = Passwords.verify

    def counting_verify(self: Passwords, stored_hash: str | None, password: str) -> bool:
        checked.append(stored_hash)
        return real_verify(self, stored_hash, password)

    monkeypatch.setattr(Passwords, "verify", counting_verify)
    assert login(client, email="ghost@example.com").status_code == 401
    assert login(client, password="wrong").status_code == 401
    assert checked[0] is None and checked[1] is not None  # None: verified against the decoy hash


def test_a_locked_account_is_refused_before_any_password_hash(
    app_client: AppClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app_client(login_lockout_threshold=1, login_lockout_s=600)
    register(client)
    _assert_locked(login(client, password="wrong"))
    hashed: list[str | None] = []
    monkeypatch.setattr(Passwords, "verify", lambda _self, stored, _pw: hashed.append(stored) or True)
    _assert_locked(login(client))
    assert hashed == []
