from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from psycopg import sql
from yoyo import read_migrations

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import MIGRATIONS_DIR, _locked_backend, apply_migrations, pending_migrations


def _fresh_database(pg_server: EmbeddedPostgres, name: str) -> str:
    with psycopg.connect(pg_server.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return pg_server.conninfo(name)


def test_migrations_apply_once_and_are_idempotent(pg_server: EmbeddedPostgres) -> None:
    conninfo = _fresh_database(pg_server, "migrate_once")
    every = sorted(path.name.removesuffix(".sql") for path in MIGRATIONS_DIR.glob("*.sql"))
    assert every[0] == "0001.initial-schema"
    assert pending_migrations(conninfo) == every
    assert apply_migrations(conninfo) == every
    assert apply_migrations(conninfo) == []
    assert pending_migrations(conninfo) == []
    with psycopg.connect(conninfo) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"users", "stores", "outbox", "audit_events"} <= tables


def test_concurrent_migrators_apply_each_migration_once(pg_server: EmbeddedPostgres) -> None:
    conninfo = _fresh_database(pg_server, "migrate_race")
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(apply_migrations(conninfo))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(bool(r) for r in results) == [False, False, True]


def test_a_stale_yoyo_lock_row_does_not_block(pg_server: EmbeddedPostgres) -> None:
    conninfo = _fresh_database(pg_server, "migrate_stale_lock")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE yoyo_lock (locked INT DEFAULT 1, ctime TIMESTAMP, pid INT NOT NULL,"
            " PRIMARY KEY (locked))"
        )
        conn.execute("INSERT INTO yoyo_lock VALUES (1, now(), 999999)")
    assert apply_migrations(conninfo)[0] == "0001.initial-schema"


def test_rollouts_recorded_before_change_kinds_keep_their_versions(pg_server: EmbeddedPostgres) -> None:
    """0015 turns a chart rollout's `from_version` into `from_value` and records its `to_value`."""
    conninfo = _fresh_database(pg_server, "migrate_change_kinds")
    with _locked_backend(conninfo) as backend:
        earlier = read_migrations(str(MIGRATIONS_DIR)).filter(lambda m: m.id < "0015")
        backend.apply_migrations(backend.to_apply(earlier))
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "INSERT INTO users (id, email, username, password_hash, role)"
            " VALUES ('u-1', 'a@b.c', 'a', 'x', 'admin')"
        )
        for store in ("st-1", "st-2", "st-3"):
            conn.execute(
                "INSERT INTO stores (id, owner_id, name, engine, theme, plan, status, spec, spec_hash)"
                " VALUES (%s, 'u-1', %s, 'medusa', NULL, 'small', 'ready', '{}', 'h')",
                (store, store),
            )
        conn.execute(
            "INSERT INTO rollouts (id, state, chart_version, selector, steps, gate, created_by)"
            " VALUES ('ro-1', 'running', '0.3.0', '{}', '[]', '{}', 'a')"
        )
        conn.execute(
            "INSERT INTO rollout_stores (rollout_id, store_id, wave, from_version, state) VALUES"
            " ('ro-1', 'st-1', 1, '0.2.0', 'committed'), ('ro-1', 'st-2', 1, NULL, 'committed'),"
            " ('ro-1', 'st-3', 2, NULL, 'pending')"
        )
    assert apply_migrations(conninfo)[0] == "0015.rollout-change-kinds"
    with psycopg.connect(conninfo) as conn:
        rollout = conn.execute("SELECT kind, target, chart_version FROM rollouts").fetchone()
        assert rollout == ("chart_version", "0.3.0", "0.3.0")
        rows = conn.execute(
            "SELECT store_id, from_value, to_value FROM rollout_stores ORDER BY store_id"
        ).fetchall()
    assert rows == [("st-1", "0.2.0", "0.3.0"), ("st-2", None, "0.3.0"), ("st-3", None, None)]


def test_existing_stores_keep_their_status_and_may_become_restoring(pg_server: EmbeddedPostgres) -> None:
    """0018 widens the status constraint: rows written before it stay, `restoring` is accepted, and a
    status outside the lifecycle is still refused."""
    conninfo = _fresh_database(pg_server, "migrate_restoring")
    with _locked_backend(conninfo) as backend:
        earlier = read_migrations(str(MIGRATIONS_DIR)).filter(lambda m: m.id < "0018")
        backend.apply_migrations(backend.to_apply(earlier))
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "INSERT INTO users (id, email, username, password_hash, role)"
            " VALUES ('u-1', 'a@b.c', 'a', 'x', 'admin')"
        )
        for store, status in (("st-1", "ready"), ("st-2", "degraded"), ("st-3", "failed")):
            conn.execute(
                "INSERT INTO stores (id, owner_id, name, engine, theme, plan, status, spec, spec_hash)"
                " VALUES (%s, 'u-1', %s, 'medusa', NULL, 'small', %s, '{}', 'h')",
                (store, store, status),
            )
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute("UPDATE stores SET status = 'restoring' WHERE id = 'st-1'")
    assert apply_migrations(conninfo)[0] == "0018.store-restoring"
    with psycopg.connect(conninfo) as conn:
        conn.execute("UPDATE stores SET status = 'restoring' WHERE id IN ('st-1', 'st-3')")
        rows = conn.execute("SELECT id, status FROM stores ORDER BY id").fetchall()
        assert rows == [("st-1", "restoring"), ("st-2", "degraded"), ("st-3", "restoring")]
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute("UPDATE stores SET status = 'restored' WHERE id = 'st-2'")
