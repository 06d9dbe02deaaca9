"""0019 adds the clusters table over a database that already holds stores; its constraints hold the
access fields to the access kind, whoever writes the row."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql
from yoyo import read_migrations

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import MIGRATIONS_DIR, _locked_backend, apply_migrations

_INSERT = (
    "INSERT INTO clusters (id, name, applier, access_kind, kubeconfig_secret_namespace,"
    " kubeconfig_secret_name,"
    " kubeconfig_secret_key, kubeconfig_path, kubeconfig_context, created_by)"
    " VALUES (%(id)s, %(name)s, 'flux', %(kind)s, %(ns)s, %(secret)s, %(key)s, %(path)s, %(context)s, 'test')"
)


def _row(name: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": f"cl-{name}", "name": name, "kind": kind, "ns": None, "secret": None, "key": None,
            "path": None, "context": None, **fields}  # fmt: skip


def test_the_clusters_table_comes_over_existing_stores(pg_server: EmbeddedPostgres) -> None:
    with psycopg.connect(pg_server.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier("migrate_clusters")))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("migrate_clusters")))
    conninfo = pg_server.conninfo("migrate_clusters")
    with _locked_backend(conninfo) as backend:
        earlier = read_migrations(str(MIGRATIONS_DIR)).filter(lambda m: m.id < "0019")
        backend.apply_migrations(backend.to_apply(earlier))
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "INSERT INTO users (id, email, username, password_hash, role)"
            " VALUES ('u-1', 'a@b.c', 'a', 'x', 'admin')"
        )
        conn.execute(
            "INSERT INTO stores (id, owner_id, name, engine, theme, plan, status, spec, spec_hash)"
            " VALUES ('st-1', 'u-1', 'shop', 'medusa', NULL, 'small', 'ready', '{}', 'h')"
        )
    assert apply_migrations(conninfo)[0] == "0019.clusters"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM stores").fetchone() == (1,)
        good = [
            _row("a", "in_cluster"),
            _row("b", "kubeconfig_secret", ns="storefleet", secret="b-kubeconfig", key="value"),
            _row("c", "kubeconfig_file", path="/etc/c.yaml", context="c"),
            _row("d", "none"),
        ]
        for row in good:
            conn.execute(_INSERT, row)
        bad = [
            _row("e", "in_cluster", path="/etc/e.yaml"),
            _row("f", "kubeconfig_secret", ns="storefleet", secret="f"),  # no key
            _row("g", "kubeconfig_file"),  # no path
            _row("h", "kubeconfig_file", path="etc/h.yaml"),  # not absolute
            _row("i", "kubeconfig_file", path="/etc/i.yaml", secret="i"),
            _row("j", "token"),
            _row("Bad_Name", "in_cluster"),
        ]
        for row in bad:
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(_INSERT, row)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(_INSERT, _row("a", "in_cluster") | {"id": "cl-other"})
        conn.execute("UPDATE clusters SET origin = 'settings' WHERE name = 'a'")
        with pytest.raises(psycopg.errors.UniqueViolation):  # one settings cluster at most
            conn.execute("UPDATE clusters SET origin = 'settings' WHERE name = 'b'")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE clusters SET state = 'retired' WHERE name = 'b'")
