"""A store's history while the fleet repo's remote is away: what the platform's mirror of a remote
repository already holds is still served; a commit it never fetched (or a local remote that is gone)
is a 503 `FLEET_UNAVAILABLE` with `Retry-After`, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from tests.reconciler_watch.support import wait_for


@pytest.fixture(params=["file-url", "local-path"])
def remote_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(settings: Settings, fleet_remote: Path, remote_kind: str) -> Settings:
    # a file:// URL is a remote like any other (the platform keeps a mirror clone of it); a bare
    # repository's path is read in place (`storefleet up`'s own fleet.git)
    url = f"file://{fleet_remote}" if remote_kind == "file-url" else str(fleet_remote)
    return settings.model_copy(update={"fleet_repo_url": url})


def _pending(db: Any) -> int:
    return int(db.execute("SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL").fetchone()["n"])


@contextmanager
def remote_away(remote: Path) -> Iterator[None]:
    away = remote.with_name("fleet-remote-away.git")
    remote.rename(away)
    try:
        yield
    finally:
        away.rename(remote)


def history(client: TestClient, account: Any, store: dict[str, Any]) -> Any:
    return client.get(f"/api/v1/stores/{store['id']}/history", headers=account.headers)


def test_a_stores_history_during_an_outage_is_the_mirrors_or_a_503_to_retry(
    client: TestClient, tenant: Any, new_store: Any, db: Any, fleet_remote: Path, remote_kind: str
) -> None:
    seen = new_store(tenant, "seen-shop")
    wait_for(lambda: _pending(db) == 0, what="the store committed")
    assert len(history(client, tenant, seen).json()["commits"]) == 1  # the mirror has fetched it
    unseen = new_store(tenant, "unseen-shop")
    wait_for(lambda: _pending(db) == 0, what="the second store committed")
    with remote_away(fleet_remote):
        kept = history(client, tenant, seen)
        if remote_kind == "file-url":
            assert kept.status_code == 200 and kept.json()["commits"][0]["action"] == "create", kept.text
        else:  # read in place: nothing to read while it is gone
            assert kept.status_code == 503, kept.text
        missing = history(client, tenant, unseen)  # a commit the mirror never fetched
        assert missing.status_code == 503, missing.text
        assert missing.json()["error"]["code"] == "FLEET_UNAVAILABLE"
        assert missing.headers["retry-after"] == "30"
    back = history(client, tenant, unseen)
    assert back.status_code == 200 and len(back.json()["commits"]) == 1
