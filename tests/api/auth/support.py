"""Helpers of the sign-in guardrail tests."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY


def security_events(event: str) -> float:
    return REGISTRY.get_sample_value("security_events_total", {"event": event}) or 0.0


def register(client: TestClient, name: str = "ann", password: str = "password1") -> Any:
    body = {"email": f"{name}@example.com", "username": name, "password": password}
    return client.post("/api/v1/auth/register", json=body)


def login(client: TestClient, email: str = "ann@example.com", password: str = "password1") -> Any:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def audit_rows(db: psycopg.Connection[Any], event: str) -> list[dict[str, Any]]:
    return db.execute(
        "SELECT actor, ip, detail FROM audit_events WHERE event = %s ORDER BY id", (event,)
    ).fetchall()
