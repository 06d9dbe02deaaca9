"""The auth repository hands out frozen, typed rows, built by psycopg's row factories from its SQL."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import anyio
import psycopg
import pytest
from psycopg.rows import dict_row

from storefleet.api.auth import repository
from storefleet.api.auth.repository import AccountLock, AttemptCount, Conflicts, LoginCandidate, UserRow

Rows = dict[str, Any]


async def _read_rows(database_url: str) -> Rows:
    # Connected as the pool connects (dict rows by default): the repository picks each row's type.
    async with await psycopg.AsyncConnection.connect(
        database_url, row_factory=dict_row, autocommit=True
    ) as conn:
        user = await repository.insert_user(
            conn,
            user_id="u-rows",
            email="Rows@example.com",
            username="rows",
            password_hash="h",
            role="tenant",
        )
        return {
            "user": user,
            "read": await repository.get_user(conn, user.id),
            "candidate": await repository.find_user_for_login(conn, "ROWS@example.com"),
            "username_taken": await repository.find_conflicts(conn, "other@example.com", "Rows"),
            "nothing_taken": await repository.find_conflicts(conn, "new@example.com", "new"),
            "failed": await repository.count_failed_login(
                conn, user.id, threshold=1, lockout=timedelta(minutes=5)
            ),
            "lock": await repository.read_lock(conn, user.id),
            "attempts": [await repository.count_attempt(conn, "k", timedelta(minutes=1)) for _ in range(2)],
            "page": await repository.list_users(conn, role="tenant", is_active=True, limit=10, offset=0),
        }


@pytest.fixture
def rows(db: psycopg.Connection[Any], database_url: str) -> Rows:
    return anyio.run(_read_rows, database_url)


def test_a_user_reads_back_as_the_frozen_row_it_was_created_as(rows: Rows) -> None:
    user = rows["user"]
    assert type(user) is UserRow and rows["read"] == user
    assert (user.email, user.username, user.role, user.is_active, user.token_version) == (
        "Rows@example.com", "rows", "tenant", True, 0,
    )  # fmt: skip
    with pytest.raises(dataclasses.FrozenInstanceError):
        user.role = "admin"  # type: ignore[misc]
    assert rows["page"] == ([user], 1)


def test_sign_in_reads_the_account_with_its_lock(rows: Rows) -> None:
    candidate = rows["candidate"]
    assert isinstance(candidate, LoginCandidate) and candidate.id == rows["user"].id
    assert candidate.lock == AccountLock(locked_until=None, lock_remaining_s=0)


def test_conflicts_are_typed_and_no_match_conflicts_with_nothing(rows: Rows) -> None:
    assert rows["username_taken"] == Conflicts(email=False, username=True)
    assert rows["nothing_taken"] == Conflicts(email=False, username=False)


def test_the_failure_that_reaches_the_threshold_locks_until_a_time(rows: Rows) -> None:
    failed, lock = rows["failed"], rows["lock"]
    assert failed.just_locked and failed.locked_until is not None and failed.lock_remaining_s > 0
    assert lock == AccountLock(locked_until=failed.locked_until, lock_remaining_s=lock.lock_remaining_s)
    assert 0 < lock.lock_remaining_s <= 300


def test_attempts_count_up_within_their_window(rows: Rows) -> None:
    first, second = rows["attempts"]
    assert isinstance(first, AttemptCount) and (first.hits, second.hits) == (1, 2)
    assert 0 < second.retry_after_s <= 60
