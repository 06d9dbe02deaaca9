"""Test fixtures on real parts: one embedded PostgreSQL per test session, emptied before each test."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.settings import Settings

TEST_JWT_SECRET = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz"
PASSWORD = "correct-horse-battery"
_TABLES = (
    "audit_events, outbox, stores, users, rate_limit_counters, api_rate_limit_counters, rollouts, clusters"
)


_OWN_BASETEMP = "_storefleet_basetemp"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """A base temp directory of this run's own, not under pytest's shared /tmp/pytest-of-<user>.

    The embedded PostgreSQL runs as an unprivileged user when the tests run as root, so the data
    directory's ancestors get o+x; a second pytest run starting meanwhile resets the shared directory
    to 0700, and every server of the first run loses its data directory. Given explicitly (here, or
    with --basetemp), the base directory is this run's alone; xdist's workers take subdirectories."""
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        config.option.basetemp = tempfile.mkdtemp(prefix="storefleet-pytest-")
        setattr(config, _OWN_BASETEMP, config.option.basetemp)


def pytest_unconfigure(config: pytest.Config) -> None:
    own = getattr(config, _OWN_BASETEMP, None)
    if own is not None:
        shutil.rmtree(own, ignore_errors=True)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (`pytest.mark.anyio`) run on asyncio, the event loop the platform runs on."""
    return "asyncio"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(
        tmp_path_factory.mktemp("pg") / "data", database="storefleet_test", durable=False
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(pg_server: EmbeddedPostgres) -> str:
    conninfo = pg_server.conninfo(pg_server.database)
    apply_migrations(conninfo)
    return conninfo


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A direct connection for assertions; every table starts empty in each test."""
    with psycopg.connect(database_url, autocommit=True, row_factory=psycopg.rows.dict_row) as conn:
        conn.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
        yield conn


@pytest.fixture
async def async_conn(database_url: str) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    """An async connection (autocommit, dict rows) for calling the platform's async repositories and
    services directly; ask for `db` too when the tables must start empty."""
    connection = await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=psycopg.rows.dict_row
    )
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def jwt_secret() -> str:
    return TEST_JWT_SECRET


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        STOREFLEET_ENV="test",
        STOREFLEET_STATE_DIR=str(tmp_path / "state"),
        JWT_SECRET=TEST_JWT_SECRET,
        PASSWORD_HASH_PROFILE="cheapest",
        DB_POOL_MIN_SIZE=1,
        DB_POOL_MAX_SIZE=4,
        # Store-creation guardrails off: tests create many stores quickly; tests/api/stores/
        # test_guardrails.py turns them on.
        MAX_STORES_PER_USER=0,
        MAX_STORES_TOTAL=0,
        STORE_CREATION_COOLDOWN_S=0,
        # Sign-in guardrails off likewise (every test client shares one address); tests/api/auth/
        # turns each on in the tests about it.
        LOGIN_RATE_LIMIT=0,
        LOGIN_LOCKOUT_THRESHOLD=0,
        REGISTRATION_RATE_LIMIT=0,
        # API request limits off likewise; tests/api/ratelimit/ turns them on.
        API_RATE_LIMIT_READS=0,
        API_RATE_LIMIT_WRITES=0,
        API_RATE_LIMIT_STORE_CREATIONS=0,
        # No dashboard build, whatever frontend/dist holds: tests/api/core/test_spa.py serves one.
        FRONTEND_DIST=str(tmp_path / "no-dashboard"),
    )


@pytest.fixture
def client(settings: Settings, db: psycopg.Connection[Any]) -> Iterator[TestClient]:
    # Server errors come back as the 500 a client would get (their traceback is in the captured log).
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


_counter = itertools.count()


class Account:
    """A registered user and the headers that act as them."""

    def __init__(self, body: dict[str, Any], password: str) -> None:
        self.password = password
        self.user = body["user"]
        self.token = body["token"]
        self.id: str = self.user["id"]
        self.headers = {"Authorization": f"Bearer {self.token}"}


Register = Callable[..., Account]
NewStore = Callable[..., dict[str, Any]]


@pytest.fixture
def register(client: TestClient) -> Register:
    def _register(username: str | None = None, password: str = PASSWORD) -> Account:
        name = username or f"user{next(_counter)}"
        response = client.post(
            "/api/v1/auth/register",
            json={"email": f"{name}@example.com", "username": name, "password": password},
        )
        assert response.status_code == 201, response.text
        return Account(response.json(), password)

    return _register


@pytest.fixture
def admin(register: Register) -> Account:
    account = register("root")
    assert account.user["role"] == "admin"
    return account


@pytest.fixture
def tenant(register: Register, admin: Account) -> Account:
    return register("alice")


@pytest.fixture
def other_tenant(register: Register, admin: Account) -> Account:
    return register("mallory")


@pytest.fixture
def new_store(client: TestClient) -> NewStore:
    def _new_store(account: Account, name: str = "acme-shop", **fields: Any) -> dict[str, Any]:
        body = {"name": name, "engine": "woocommerce", **fields}
        response = client.post("/api/v1/stores", json=body, headers=account.headers)
        assert response.status_code == 202, response.text
        created: dict[str, Any] = response.json()
        return created

    return _new_store


@pytest.fixture
def set_status(db: psycopg.Connection[Any]) -> Callable[[str, str], None]:
    """Put a store in a status directly, as the fleet writer or the watcher will (tests only)."""

    def _set(store_id: str, status: str) -> None:
        db.execute("UPDATE stores SET status = %s WHERE id = %s", (status, store_id))

    return _set
