from __future__ import annotations

import hashlib
import hmac
import re
import subprocess
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from storefleet.api.app import create_app


@pytest.fixture
def hooked(settings: Any, db: Any) -> Any:
    secret = SecretStr("hook-secret-123")
    configured = settings.model_copy(update={"fleet_webhook_secret": secret, "run_git_sync": True})
    with TestClient(create_app(configured, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


def test_webhook_needs_a_valid_signature(hooked: TestClient) -> None:
    body = b'{"ref": "refs/heads/main"}'
    good = "sha256=" + hmac.new(b"hook-secret-123", body, hashlib.sha256).hexdigest()
    ok = hooked.post("/api/v1/webhooks/git", content=body, headers={"X-Hub-Signature-256": good})
    assert ok.status_code == 202 and ok.json() == {"status": "sync scheduled"}
    token = hooked.post(
        "/api/v1/webhooks/git", content=body, headers={"X-Storefleet-Token": "hook-secret-123"}
    )
    assert token.status_code == 202
    for headers in ({}, {"X-Hub-Signature-256": "sha256=" + "0" * 64}, {"X-Storefleet-Token": "wrong"}):
        refused = hooked.post("/api/v1/webhooks/git", content=body, headers=headers)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "UNAUTHORIZED"


def test_webhook_without_a_secret_is_not_configured(client: TestClient) -> None:
    response = client.post("/api/v1/webhooks/git", content=b"{}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "WEBHOOK_NOT_CONFIGURED"


SECRET_PATTERNS = [
    re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(rb"(?i)\b(password|passwd|secret|token|api[_-]?key)\b\s*[:=]\s*['\"]?[^\s'\"{}]{4,}"),
    re.compile(rb"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."),  # a JWT
]


def test_no_secret_ever_enters_the_fleet_history(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any, human: Any, jwt_secret: str
) -> None:
    woo = new_store(tenant, "woo-shop", theme="astra")
    medusa = new_store(tenant, "medusa-shop", engine="medusa", plan="large")
    drain()
    set_status(woo["id"], "ready")
    client.patch(f"/api/v1/stores/{woo['id']}", json={"plan": "medium"}, headers=tenant.headers)
    client.delete(f"/api/v1/stores/{medusa['id']}", headers=tenant.headers)
    drain()
    human.pull()
    revs = human.git("rev-list", "--all").split()
    blobs = set()
    for rev in revs:
        for line in human.git("ls-tree", "-r", rev).splitlines():
            blobs.add(line.split()[2])
    known = [tenant.password.encode(), tenant.token.encode(), jwt_secret.encode()]
    for blob in blobs:
        data = subprocess.run(
            ["git", "cat-file", "blob", blob], cwd=human.path, capture_output=True, check=True
        ).stdout
        assert not any(secret in data for secret in known)
        for pattern in SECRET_PATTERNS:
            assert not pattern.search(data), (blob, pattern.pattern, data[:300])
    messages = human.git("log", "--all", "--format=%B").encode()
    assert not any(secret in messages for secret in known)
