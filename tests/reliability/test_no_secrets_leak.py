"""After the whole loop (register, log in, create, update, read credentials, delete) nothing secret is
in the fleet repo's history or in any log line: no password, token, generated store password or
private key."""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import FluxDouble
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import git, installed, wait_status

PASSWORD = "correct horse battery staple 42"
# Shapes of secrets, whoever they belong to.
PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "bearer token": re.compile(r"Bearer\s+[A-Za-z0-9._-]{20,}"),
}


def fleet_history(remote: Path) -> str:
    """Every version of every file the fleet repo ever held, and every commit message."""
    return git("log", "--all", "-p", "--format=%H%n%an <%ae>%n%B", cwd=remote)


def scan(text: str, secrets: dict[str, str]) -> list[str]:
    found = [f"{name}" for name, value in secrets.items() if value and value in text]
    return found + [name for name, pattern in PATTERNS.items() if pattern.search(text)]


def test_no_secret_reaches_git_or_the_logs(
    client: TestClient, settings: Settings, kube_api: KubeCluster, fleet_remote: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    body = {"email": "ann@example.com", "username": "ann", "password": PASSWORD}
    registered = client.post("/api/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    login = client.post("/api/v1/auth/login", json={"email": "ann@example.com", "password": PASSWORD})
    token = login.json()["token"]
    account: Any = type("Account", (), {"headers": {"Authorization": f"Bearer {token}"}})()

    watchers = WatcherRunner(client, settings)
    watchers.start()
    applier = FluxDouble(kube_api, fleet_remote)
    try:
        with applier.run_in_background():
            store = installed(client, account, applier, "secret-shop")
            sid = store["id"]
            credentials = client.get(f"/api/v1/stores/{sid}/credentials", headers=account.headers)
            assert credentials.status_code == 200, credentials.text
            assert client.patch(
                f"/api/v1/stores/{sid}", json={"theme": "astra"}, headers=account.headers
            ).is_success
            assert client.delete(f"/api/v1/stores/{sid}", headers=account.headers).status_code == 202
            wait_status(client, account, sid, "deleted")
    finally:
        watchers.stop()

    generated = kube_api.objects("v1", "Secret", sid)  # the chart's Secret is kept (resource-policy)
    store_passwords = {
        f"store {key}": base64.b64decode(value).decode()
        for secret in generated
        for key, value in (secret.get("data") or {}).items()
    }
    secrets = {
        "user password": PASSWORD,
        "session token": token,
        "store admin password": credentials.json()["password"],
        "JWT secret": settings.jwt_secret.get_secret_value() if settings.jwt_secret else "",
        **store_passwords,
    }
    assert len(secrets["store admin password"]) >= 32
    assert scan(f"x {PASSWORD} x", secrets) == ["user password"]  # the scanner does find one
    assert scan(fleet_history(fleet_remote), secrets) == []
    logs = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert sid in logs and "deleted" in logs  # the flow did log: the scan below could fail
    assert scan(logs, secrets) == []
