"""Versioned schema migrations (yoyo), safe to run from several processes at once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict
from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.connections import parse_uri

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant naming the "schema migration" advisory lock in this database.
_MIGRATION_LOCK_KEY = 0x5F0F1EE7


class _ConninfoBackend(PostgresqlPsycopgBackend):  # type: ignore[misc]
    """yoyo's psycopg 3 backend, connecting with a libpq conninfo instead of yoyo's URI parser,
    so every DATABASE_URL form libpq accepts (unix sockets, several hosts) works for migrations too.
    The conninfo rides in the yoyo URI's query so yoyo's own copies of the backend keep it."""

    def connect(self, dburi: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(dburi.args["conninfo"], autocommit=True)


def _backend(conninfo: str) -> _ConninfoBackend:
    dbname = conninfo_to_dict(conninfo).get("dbname") or "postgres"
    uri = parse_uri(f"postgresql+psycopg:///{dbname}?{urlencode({'conninfo': conninfo})}")
    return _ConninfoBackend(uri, "_yoyo_migration")


@contextmanager
def _locked_backend(conninfo: str) -> Iterator[_ConninfoBackend]:
    backend = _backend(conninfo)
    try:
        # The advisory lock dies with the connection, so a migrator killed half-way never blocks the
        # next start-up; holding it also proves any yoyo lock row left behind is stale.
        backend.execute(f"SELECT pg_advisory_lock({_MIGRATION_LOCK_KEY})")
        backend.init_database()
        backend.break_lock()
        with backend.lock():
            yield backend
    finally:
        backend.connection.close()


def pending_migrations(conninfo: str) -> list[str]:
    with _locked_backend(conninfo) as backend:
        return [m.id for m in backend.to_apply(read_migrations(str(MIGRATIONS_DIR)))]


def apply_migrations(conninfo: str) -> list[str]:
    """Apply every pending migration; returns the ids applied (empty when up to date)."""
    with _locked_backend(conninfo) as backend:
        todo = backend.to_apply(read_migrations(str(MIGRATIONS_DIR)))
        backend.apply_migrations(todo)
    applied = [m.id for m in todo]
    for migration_id in applied:
        log.info("applied migration %s", migration_id)
    return applied
