"""Who made a fleet commit, what it did and which stores it touched, from the commit alone."""

from __future__ import annotations

from storefleet.api.fleet.log_entries import ActorKind, TouchedStore, log_entry, revert_refusal
from storefleet.renderer.model import CommitInfo


def _commit(trailers: dict[str, str], paths: tuple[str, ...] = (), sha: str = "a" * 40) -> CommitInfo:
    return CommitInfo(
        sha=sha,
        parents=(),
        author="Pat Engineer",
        time="2026-01-01T00:00:00+00:00",
        message="summary line\n\nbody",
        trailers=trailers,
        paths=paths,
    )


def test_a_platform_commit_is_named_by_who_asked_and_its_store() -> None:
    entry = log_entry(
        _commit(
            {"Store-Id": "st-1", "Change-Id": "4", "Action": "update", "Requested-By": "alice"},
            ("tenants/u-1/st-1/store.yaml", "tenants/u-1/st-1/values.yaml"),
        ),
        {},
    )
    assert (entry.actor_kind, entry.actor, entry.action) == (ActorKind.PLATFORM, "alice", "update")
    assert entry.stores == (TouchedStore("st-1", "u-1"),) and entry.summary == "summary line"


def test_a_wave_is_a_rollout_of_many_stores_across_roots() -> None:
    entry = log_entry(
        _commit(
            {"Rollout-Id": "ro-1", "Rollout-Wave": "2", "Action": "rollout", "Change-Id": "9"},
            ("tenants/u-1/st-1/store.yaml", "clusters/eu/tenants/u-2/st-2/values.yaml"),
        ),
        {},
    )
    assert (entry.actor_kind, entry.actor, entry.rollout_wave) == (ActorKind.ROLLOUT, "ro-1", 2)
    assert [s.store_id for s in entry.stores] == ["st-1", "st-2"]


def test_a_merged_pull_request_and_a_persons_push() -> None:
    merged = log_entry(_commit({"Action": "update"}, sha="b" * 40), {"b" * 40: 17})
    assert (merged.actor_kind, merged.actor) == (ActorKind.PULL_REQUEST, "#17")
    # trailers copied by a person (no Change-Id) do not make it the platform's, nor name its action
    pushed = log_entry(_commit({"Action": "create"}, ("tenants/u-1/st-1/store.yaml",)), {})
    assert (pushed.actor_kind, pushed.actor, pushed.action) == (ActorKind.PUSH, "Pat Engineer", "external")
    # the platform's own commits without trailers (the repo's first, from the template)
    seeded = log_entry(_commit({}), {}, platform_author="Pat Engineer")
    assert (seeded.actor_kind, seeded.action) == (ActorKind.PLATFORM, "external")


def test_only_a_live_single_store_commit_outside_a_rollout_is_revertable_here() -> None:
    assert revert_refusal(ActorKind.PLATFORM, 1, True) is None
    assert revert_refusal(ActorKind.PUSH, 1, True) is None
    assert "rollout" in (revert_refusal(ActorKind.ROLLOUT, 1, True) or "")
    assert "several" in (revert_refusal(ActorKind.PUSH, 3, True) or "")
    assert "no store" in (revert_refusal(ActorKind.PUSH, 0, True) or "")
    assert "deleted" in (revert_refusal(ActorKind.PLATFORM, 1, False) or "")
