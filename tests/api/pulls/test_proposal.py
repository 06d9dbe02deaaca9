"""What a pull request says and contains, for each kind of change (pure)."""

from __future__ import annotations

from storefleet.api.fleet.pulls.proposal import TreeEntry, branch_name, propose, tree_entries
from storefleet.renderer.commit_message import ChangeRecord, commit_message
from storefleet.renderer.model import DirectoryChange

DIRECTORY = "tenants/u-abcdefgh23/st-abcdefgh23"


def _record(action: str, **details: object) -> ChangeRecord:
    return ChangeRecord(
        action=action,
        change_id=42,
        store_id="st-abcdefgh23",
        store_name="acme-shop",
        tenant="u-abcdefgh23",
        engine="woocommerce",
        spec_hash="0123456789abcdef0123",
        request_id="req-7",
        actor="alice (u-abcdefgh23)",
        details=dict(details),
    )


def _change(record: ChangeRecord, files: dict[str, bytes] | None) -> DirectoryChange:
    return DirectoryChange(DIRECTORY, files, commit_message(record), action=record.action)


def test_branch_names_follow_the_store_and_its_spec() -> None:
    assert branch_name(_record("create")) == "storefleet/st-abcdefgh23/0123456789ab"
    assert branch_name(_record("delete")) == "storefleet/st-abcdefgh23/delete"


def test_the_tree_replaces_the_directory_inline_and_deletes_what_the_rendering_dropped() -> None:
    change = _change(_record("update"), {"store.yaml": b"a: 1\n", "release.yaml": b"b: 2\n"})
    assert tree_entries(change, ["store.yaml", "old.yaml"]) == (
        TreeEntry(f"{DIRECTORY}/release.yaml", "b: 2\n"),
        TreeEntry(f"{DIRECTORY}/store.yaml", "a: 1\n"),
        TreeEntry(f"{DIRECTORY}/old.yaml", None),
    )
    gone = _change(_record("delete"), None)
    assert tree_entries(gone, ["store.yaml", "release.yaml"]) == (
        TreeEntry(f"{DIRECTORY}/release.yaml", None),
        TreeEntry(f"{DIRECTORY}/store.yaml", None),
    )


def test_the_pull_request_explains_the_change_to_a_reviewer() -> None:
    record = _record("update", changes={"plan": ["small", "medium"], "theme": ["storefront", "astra"]})
    proposal = propose(record, _change(record, {"store.yaml": b"x"}), [])
    assert proposal.title == "store: update acme-shop (plan small -> medium, theme storefront -> astra)"
    assert proposal.message == commit_message(record)  # the same message and trailers as push mode
    names = ("`acme-shop`", "`st-abcdefgh23`", "`u-abcdefgh23`", "`woocommerce`", "alice (u-abcdefgh23)")
    for expected in (*names, "`req-7`", "| `plan` | `small` | `medium` |", "git revert"):
        assert expected in proposal.body, expected


def test_creation_deletion_and_rollback_bodies() -> None:
    create = propose(_record("create"), _change(_record("create"), {"store.yaml": b"x"}), [])
    assert "A new **woocommerce** store" in create.body
    delete = propose(_record("delete"), _change(_record("delete"), None), ["store.yaml"])
    assert "cannot be rolled back" in delete.body
    restore = _record("rollback", restores="abcdef0123456789", changes={"theme": ["astra", "storefront"]})
    assert "Restores the settings of commit `abcdef012345`" in propose(restore, _change(restore, {}), []).body
