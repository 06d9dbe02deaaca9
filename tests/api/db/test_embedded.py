"""The embedded PostgreSQL keeps data across restarts and recovers from what a killed run leaves."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psycopg
import pytest

from storefleet.api.db.embedded import EmbeddedPostgres


@pytest.fixture
def pgdata(tmp_path: Path) -> Path:
    return tmp_path / "state" / "postgres"


def _write_and_read(conninfo: str, value: str | None = None) -> list[str]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS kept (v text)")
        if value:
            conn.execute("INSERT INTO kept VALUES (%s)", (value,))
        return [row[0] for row in conn.execute("SELECT v FROM kept ORDER BY v")]


def _postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def test_data_survives_a_restart(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata, durable=False)
    _write_and_read(server.start(), "first")
    server.stop()
    assert not (pgdata / "postmaster.pid").exists()
    again = EmbeddedPostgres(pgdata, durable=False)
    try:
        assert _write_and_read(again.start(), "second") == ["first", "second"]
    finally:
        again.stop()


def test_an_orphaned_running_server_is_adopted(pgdata: Path) -> None:
    first = EmbeddedPostgres(pgdata, durable=False)
    _write_and_read(first.start(), "kept")
    pid = _postmaster_pid(pgdata)
    # the supervising process died without stopping its server: the next start reuses it
    second = EmbeddedPostgres(pgdata, durable=False)
    try:
        assert _write_and_read(second.start()) == ["kept"]
        assert _postmaster_pid(pgdata) == pid
    finally:
        second.stop()


def test_a_stale_pid_file_from_a_killed_server_is_recovered(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)  # durable: a committed row must survive the crash
    _write_and_read(server.start(), "before-crash")
    os.kill(_postmaster_pid(pgdata), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        p.name.isdigit() and "postgres" in _cmd(p) and str(pgdata) in _cmd(p) for p in Path("/proc").iterdir()
    ):
        time.sleep(0.1)
    # point the stale pid file at a live process that is not PostgreSQL (pid reuse)
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    lines[0] = str(os.getpid())
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")
    restarted = EmbeddedPostgres(pgdata)
    try:
        assert _write_and_read(restarted.start()) == ["before-crash"]
    finally:
        restarted.stop()


def _cmd(proc_dir: Path) -> str:
    try:
        return (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_an_interrupted_initdb_is_discarded(pgdata: Path) -> None:
    staging = pgdata.with_name("postgres.initdb")
    staging.mkdir(parents=True)
    (staging / "half-written").write_text("x")
    server = EmbeddedPostgres(pgdata, durable=False)
    try:
        _write_and_read(server.start(), "ok")
        assert not staging.exists()
    finally:
        server.stop()


def test_a_long_state_path_still_gets_a_socket(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["very-long-directory-name"] * 5) / "postgres"
    server = EmbeddedPostgres(deep, durable=False)
    try:
        assert _write_and_read(server.start(), "deep") == ["deep"]
    finally:
        server.stop()
