"""argon2 hashes run at most PASSWORD_HASH_CONCURRENCY at once per process, whatever the burst."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from storefleet.api.app import create_app
from storefleet.api.auth.credentials import DEFAULT_HASH_CONCURRENCY, Passwords
from storefleet.api.core.services import app_services
from storefleet.api.settings import PasswordHashProfile, Settings


class CountingHasher:
    """Stands in for argon2's hasher: records how many calls overlap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.calls = 0

    def _run(self) -> None:
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._run()
        return f"hashed:{password}"

    def verify(self, stored: str, password: str) -> bool:
        self._run()
        return stored == f"hashed:{password}"


def passwords_counting(concurrency: int) -> tuple[Passwords, CountingHasher]:
    passwords = Passwords(PasswordHashProfile.CHEAPEST, concurrency)
    counter = CountingHasher()
    passwords._hasher = counter  # type: ignore[assignment]
    return passwords, counter


@pytest.mark.parametrize("concurrency", [1, 2, 3])
def test_a_burst_never_runs_more_hashes_than_the_bound(concurrency: int) -> None:
    passwords, counter = passwords_counting(concurrency)

    async def burst() -> None:
        async with anyio.create_task_group() as tasks:
            for i in range(6):
                tasks.start_soon(passwords.hash, f"pw-{i}")
                tasks.start_soon(passwords.verify, "hashed:pw-0", f"pw-{i}")
                tasks.start_soon(passwords.verify, None, f"pw-{i}")  # the decoy path

    anyio.run(burst)
    assert counter.calls == 18 + 1  # the decoy is hashed once, on first use
    assert counter.most == concurrency


def test_verify_still_answers() -> None:
    passwords = Passwords(PasswordHashProfile.CHEAPEST)

    async def check() -> tuple[bool, bool, bool]:
        stored = await passwords.hash("a-long-password")
        return (
            await passwords.verify(stored, "a-long-password"),
            await passwords.verify(stored, "wrong-password"),
            await passwords.verify(None, "a-long-password"),
        )

    assert anyio.run(check) == (True, False, False)


def test_the_setting_reaches_the_app() -> None:
    base = Settings(DATABASE_URL="postgresql://x@localhost/none", JWT_SECRET="x" * 48)
    assert app_services(create_app(base)).passwords.concurrency == DEFAULT_HASH_CONCURRENCY == 1
    tuned = Settings(DATABASE_URL="postgresql://x@localhost/none", JWT_SECRET="x" * 48,
                     PASSWORD_HASH_CONCURRENCY=4)  # fmt: skip
    assert app_services(create_app(tuned)).passwords.concurrency == 4
