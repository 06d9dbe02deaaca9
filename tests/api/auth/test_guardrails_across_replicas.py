"""Two API replicas (two apps on one database) share every sign-in counter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg

from tests.api.auth.conftest import AppClient
from tests.api.auth.support import audit_rows, login, register


def test_replicas_share_the_login_rate_limit(app_client: AppClient) -> None:
    first, second = app_client(login_rate_limit=4), app_client(login_rate_limit=4)
    register(first)
    for replica in (first, second, first, second):
        assert login(replica).status_code == 200
    assert login(first).status_code == 429
    assert login(second).status_code == 429


def test_replicas_share_the_lockout(app_client: AppClient, db: psycopg.Connection[Any]) -> None:
    first, second = app_client(login_lockout_threshold=3), app_client(login_lockout_threshold=3)
    register(first)
    assert login(first, password="wrong").status_code == 401
    assert login(second, password="wrong").status_code == 401
    assert login(first, password="wrong").status_code == 423
    assert login(second).status_code == 423
    assert len(audit_rows(db, "auth.account_locked")) == 1


def test_replicas_share_the_registration_limit(app_client: AppClient) -> None:
    first, second = app_client(registration_rate_limit=2), app_client(registration_rate_limit=2)
    assert register(first, "ann").status_code == 201
    assert register(second, "bob").status_code == 201
    assert register(first, "carol").status_code == 429
    assert register(second, "dave").status_code == 429


def test_concurrent_failures_on_two_replicas_lock_exactly_once(
    app_client: AppClient, db: psycopg.Connection[Any]
) -> None:
    replicas = [app_client(login_lockout_threshold=5), app_client(login_lockout_threshold=5)]
    register(replicas[0])
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: login(replicas[n % 2], password="wrong").status_code, range(16)))
    assert sorted(set(statuses)) == [401, 423]
    assert statuses.count(401) == 4, "the 5th failure locks; later ones meet the lock"
    assert len(audit_rows(db, "auth.account_locked")) == 1
    assert login(replicas[1]).status_code == 423
