"""Store rows for the watcher's unit tests: as `stores_repository.converging_stores` returns them, and
written straight into the test database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from storefleet.api.domain.store_rows import ConvergingStore, converging_store

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
OWNER = "u-watchtest1"


def store_row(
    store_id: str, *, engine: str = "woocommerce", theme: str | None = None, **columns: Any
) -> ConvergingStore:
    """One row of `converging_stores` (a provisioning store, committed, setup never run)."""
    spec = {"name": store_id, "engine": engine, "theme": theme, "plan": "small"}
    row = {
        "id": store_id, "owner_id": OWNER, "engine": engine, "status": "provisioning", "status_message": None,
        "spec": spec, "spec_hash": f"hash-{store_id}", "last_commit_sha": None,
        "status_changed_at": NOW - timedelta(minutes=1), "committed_at": None, "setup_done_key": None,
        "setup_generation": 0, "setup_started_key": None, "retry_token": None, "retry_requested_at": None,
        "updated_at": NOW, "last_request_id": None, "change_pending": False,
    }  # fmt: skip
    return converging_store(**{**row, **columns})


def insert_store(db: psycopg.Connection[Any], row: ConvergingStore) -> None:
    """The row (and its owner) in the database, for the parts of the watcher that read or write it."""
    db.execute(
        "INSERT INTO users (id, email, username, password_hash, role) VALUES (%s, %s, %s, 'x', 'tenant')"
        " ON CONFLICT DO NOTHING",
        (OWNER, f"{OWNER}@example.com", OWNER),
    )
    spec = row.spec
    db.execute(
        "INSERT INTO stores (id, owner_id, name, engine, theme, plan, status, status_message, spec,"
        " spec_hash, setup_done_key, setup_generation, setup_started_key)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (row.id, OWNER, spec["name"], row.engine, spec["theme"], spec["plan"], row.status,
         row.status_message, Jsonb(spec), row.spec_hash, row.setup_done_key,
         row.setup_generation, row.setup_started_key),
    )  # fmt: skip
