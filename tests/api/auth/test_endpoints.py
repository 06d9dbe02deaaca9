from __future__ import annotations

import time
from typing import Any

import jwt
import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.auth.credentials import TOKEN_ISSUER

Json = dict[str, Any]


def _register(client: TestClient, **body: Any) -> Any:
    payload = {"email": "ann@example.com", "username": "ann", "password": "password1", **body}
    return client.post("/api/v1/auth/register", json=payload)


def _login(client: TestClient, **body: Any) -> Any:
    return client.post("/api/v1/auth/login", json=body)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_first_user_is_admin_and_later_users_are_tenants(client: TestClient) -> None:
    first = _register(client)
    assert first.status_code == 201
    body = first.json()
    assert body["user"]["role"] == "admin"
    assert body["token"] and body["token_type"] == "bearer" and body["expires_at"]
    assert "password" not in str(body["user"]) and "hash" not in str(body["user"])
    second = _register(client, email="bob@example.com", username="bob")
    assert second.status_code == 201 and second.json()["user"]["role"] == "tenant"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"username": "ab"}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"password": "short7!"}, "password"),
        ({"password": "x" * 257}, "password"),
    ],
)
def test_register_validation(client: TestClient, db: Any, change: Json, field: str) -> None:
    response = _register(client, **change)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == field
    assert response.json()["request_id"]
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


def test_register_requires_every_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/register", json={"email": "a@example.com"})
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"username", "password"}


@pytest.mark.parametrize(
    ("second", "code"),
    [
        ({"username": "other"}, "EMAIL_TAKEN"),
        ({"email": "ANN@example.com", "username": "other"}, "EMAIL_TAKEN"),
        ({"email": "other@example.com"}, "USERNAME_TAKEN"),
        ({"email": "other@example.com", "username": "ANN"}, "USERNAME_TAKEN"),
    ],
)
def test_duplicate_email_or_username_is_409(client: TestClient, second: Json, code: str) -> None:
    assert _register(client).status_code == 201
    response = _register(client, **second)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == code


def test_login_by_email_or_username(client: TestClient) -> None:
    _register(client)
    for identifier in ({"email": "ann@example.com"}, {"email": "Ann@Example.com"}, {"username": "ann"}):
        response = _login(client, password="password1", **identifier)
        assert response.status_code == 200, identifier
        assert response.json()["user"]["username"] == "ann"
        me = client.get("/api/v1/auth/me", headers=_auth(response.json()["token"]))
        assert me.status_code == 200 and me.json()["email"] == "ann@example.com"


def test_wrong_password_and_unknown_account_look_the_same(client: TestClient) -> None:
    _register(client)
    wrong = _login(client, email="ann@example.com", password="password2")
    unknown = _login(client, email="nobody@example.com", password="password1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]
    assert wrong.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_login_needs_an_identifier(client: TestClient) -> None:
    response = _login(client, password="password1")
    assert response.status_code == 422


def test_me_without_or_with_a_bad_token_is_401(client: TestClient, jwt_secret: str) -> None:
    user = _register(client).json()["user"]
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me").headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/auth/me", headers=_auth("not-a-jwt")).status_code == 401
    forged = jwt.encode(
        {
            "sub": user["id"],
            "ver": 0,
            "iss": TOKEN_ISSUER,
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        "another-secret-of-enough-length-000000",
        "HS256",
    )
    assert client.get("/api/v1/auth/me", headers=_auth(forged)).json()["error"]["code"] == "INVALID_TOKEN"
    expired = jwt.encode(
        {
            "sub": user["id"],
            "ver": 0,
            "iss": TOKEN_ISSUER,
            "iat": int(time.time()) - 120,
            "exp": int(time.time()) - 60,
        },
        jwt_secret,
        "HS256",
    )
    response = client.get("/api/v1/auth/me", headers=_auth(expired))
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]
    unsigned = jwt.encode({"sub": user["id"], "ver": 0, "iss": TOKEN_ISSUER}, None, "none")
    assert client.get("/api/v1/auth/me", headers=_auth(unsigned)).status_code == 401


def test_token_of_a_deactivated_or_deleted_user_is_refused(
    client: TestClient, db: psycopg.Connection[Any]
) -> None:
    first = _register(client).json()
    second = _register(client, email="bob@example.com", username="bob").json()
    db.execute("UPDATE users SET is_active = false WHERE id = %s", (first["user"]["id"],))
    assert client.get("/api/v1/auth/me", headers=_auth(first["token"])).status_code == 401
    assert _login(client, email="ann@example.com", password="password1").status_code == 401
    db.execute("DELETE FROM audit_events WHERE actor_id = %s", (second["user"]["id"],))
    db.execute("DELETE FROM users WHERE id = %s", (second["user"]["id"],))
    assert client.get("/api/v1/auth/me", headers=_auth(second["token"])).status_code == 401


def test_change_password_revokes_old_tokens(client: TestClient) -> None:
    old_token = _register(client).json()["token"]
    wrong = client.patch(
        "/api/v1/auth/password",
        headers=_auth(old_token),
        json={"current_password": "nope-nope", "new_password": "password2"},
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "INVALID_CURRENT_PASSWORD"
    too_short = client.patch(
        "/api/v1/auth/password",
        headers=_auth(old_token),
        json={"current_password": "password1", "new_password": "short"},
    )
    assert too_short.status_code == 422
    changed = client.patch(
        "/api/v1/auth/password",
        headers=_auth(old_token),
        json={"current_password": "password1", "new_password": "password2"},
    )
    assert changed.status_code == 200
    assert client.get("/api/v1/auth/me", headers=_auth(old_token)).status_code == 401
    assert client.get("/api/v1/auth/me", headers=_auth(changed.json()["token"])).status_code == 200
    assert _login(client, email="ann@example.com", password="password1").status_code == 401
    assert _login(client, email="ann@example.com", password="password2").status_code == 200


def test_security_events_are_audited(client: TestClient, db: psycopg.Connection[Any]) -> None:
    _register(client)
    _login(client, email="ann@example.com", password="password1")
    _login(client, email="ann@example.com", password="wrong-one")
    _login(client, email="ghost@example.com", password="wrong-one")
    columns = "event, actor, request_id, ip, detail"
    rows = db.execute(f"SELECT {columns} FROM audit_events WHERE event LIKE 'auth.%' ORDER BY id").fetchall()
    assert [r["event"] for r in rows] == [
        "auth.registered",
        "auth.login_succeeded",
        "auth.login_failed",
        "auth.login_failed",
    ]
    assert all(r["request_id"] and r["ip"] for r in rows)
    assert rows[3]["actor"] == "anonymous" and rows[3]["detail"]["identifier"] == "ghost@example.com"
    assert "wrong-one" not in str(rows)


def test_password_is_stored_as_an_argon2_hash(client: TestClient, db: psycopg.Connection[Any]) -> None:
    _register(client)
    stored = db.execute("SELECT password_hash FROM users").fetchone()["password_hash"]
    assert stored.startswith("$argon2id$") and "password1" not in stored
