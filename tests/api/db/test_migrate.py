from __future__ import annotations

import threading
from typing import Any

import psycopg
from psycopg import sql

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import MIGRATIONS_DIR, apply_migrations, pending_migrations


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
