"""The summaries of a move's commits (renderer/commit_message.py)."""

from __future__ import annotations

import pytest

from storefleet.renderer.commit_message import ChangeRecord, commit_message


@pytest.mark.parametrize(
    ("action", "stage", "summary"),
    [
        ("create", "restoring", "store: move acme-shop to cluster beta (create there, restore from backup)"),
        ("update", "starting", "store: move acme-shop to cluster beta (restored: start the release)"),
        ("delete", "done", "store: move acme-shop to cluster beta (remove it from alpha)"),
        ("delete", "failed", "store: move acme-shop to cluster beta failed (remove it there)"),
    ],
)
def test_each_commit_of_a_move_says_what_it_does(action: str, stage: str, summary: str) -> None:
    record = ChangeRecord(
        action=action, change_id=3, store_id="st-abcdefgh23", store_name="acme-shop", tenant="u-1",
        engine="woocommerce", spec_hash="abc", request_id=None, actor="system:watcher",
        details={"move": {"id": 7, "to": "beta", "from": "alpha", "stage": stage}},
    )  # fmt: skip
    head, _, trailers = commit_message(record).partition("\n\n")
    assert head == summary
    assert f"Action: {action}" in trailers
