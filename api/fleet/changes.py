"""An outbox row as what goes into git: its commit record and its store directory's new content.
Shared by the push writer and the pull-request writer, so both commit exactly the same thing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.renderer.commit_message import (
    CHART_VERSION,
    ChangeRecord,
    GroupRecord,
    chart_commit_message,
    commit_message,
    group_commit_message,
)
from storefleet.renderer.manifests import fleet_root, render_store, store_dir
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import RenderProfile, versioned_chart_path
from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.template import vendored_chart


def change_record(change: PendingChange) -> ChangeRecord:
    action = change.action
    if action == "retry":  # a retry commits only if the rendering changed since the store's last commit
        action = "update" if change.store_last_commit else "create"
    return ChangeRecord(
        action=action,
        change_id=change.id,
        store_id=change.store_id,
        store_name=change.store_name,
        tenant=change.tenant,
        engine=change.engine,
        spec_hash=change.spec_hash,
        request_id=change.request_id,
        actor=change.params.get("actor"),
        details=change.params,
    )


def change_directory(change: PendingChange) -> str:
    """The store's directory as its outbox row names it (its spec's, `store_dir`, without rendering)."""
    cluster = (change.spec or {}).get("cluster") if change.spec is not None else change.store_cluster
    return f"{fleet_root(cluster)}/{change.tenant}/{change.store_id}"


def directory_change(change: PendingChange, profile: RenderProfile) -> DirectoryChange:
    directory = change_directory(change)
    files = None
    if change.action != "delete":
        spec = StoreSpec.model_validate(change.spec)
        directory = store_dir(spec)
        files = render_store(spec, profile)
    if change.commit_group:  # one of a group's directories: the group's commit has its own message
        return DirectoryChange(directory, files, "")
    record = change_record(change)
    return DirectoryChange(directory, files, commit_message(record), action=record.action)


def try_render(change: PendingChange, profile: RenderProfile) -> DirectoryChange | str:
    """The change's directory, or why its spec cannot be rendered."""
    try:
        return directory_change(change, profile)
    except (ValidationError, ValueError) as exc:
        return str(exc)


@dataclass(frozen=True)
class CommitUnit:
    """One commit to build: the outbox rows it completes (none for a chart version's own commit)."""

    changes: tuple[PendingChange, ...]
    commit: DirectoryChange


def plan_commits(
    changes: Sequence[PendingChange],
    profile: RenderProfile,
    rendered_hook: Callable[[DirectoryChange], None] | None = None,
) -> tuple[list[CommitUnit], list[tuple[PendingChange, str]]]:
    """The commits for a batch in outbox order, and the changes that cannot be rendered (with why).

    A change is its own commit, except the rows of one commit group (a rollout wave or its revert):
    they become one commit, at the place of the group's last row, so any change of those stores that
    was queued before the group is committed before it. A group that asks for a chart version the
    repo lacks gets that version's own commit first (a no-op when the files are already there).
    `rendered_hook` gets each change as soon as it is rendered (git can write its files meanwhile)."""
    rejected: list[tuple[PendingChange, str]] = []
    rendered: list[tuple[PendingChange, DirectoryChange]] = []
    for change in changes:
        result = try_render(change, profile)
        if isinstance(result, str):
            rejected.append((change, result))
            continue
        if rendered_hook:
            rendered_hook(result)
        rendered.append((change, result))
    last_of_group = {change.commit_group: i for i, (change, _) in enumerate(rendered) if change.commit_group}
    members: dict[str, list[tuple[PendingChange, DirectoryChange]]] = {}
    units: list[CommitUnit] = []
    for i, (change, directory) in enumerate(rendered):
        if not change.commit_group:
            units.append(CommitUnit((change,), directory))
            continue
        members.setdefault(change.commit_group, []).append((change, directory))
        if last_of_group[change.commit_group] == i:
            units.extend(_group_units(members.pop(change.commit_group), profile))
    return units, rejected


def _group_units(
    members: list[tuple[PendingChange, DirectoryChange]], profile: RenderProfile
) -> list[CommitUnit]:
    first = members[0][0]
    params = first.params
    units = []
    add_chart = params.get("add_chart")
    if add_chart:
        files = vendored_chart("")
        chart = DirectoryChange(
            versioned_chart_path(profile.chart_path, add_chart),
            {name.lstrip("/"): data for name, data in files.items()},
            chart_commit_message(
                versioned_chart_path(profile.chart_path, add_chart), add_chart, params["rollout_id"]
            ),
            action="chart",
        )
        units.append(CommitUnit((), chart))
    record = GroupRecord(
        action=params["rollout_action"],
        group=str(first.commit_group),
        rollout_id=params["rollout_id"],
        wave=int(params["wave"]),
        store_count=len(members),
        change=_group_change(params),
        first_change_id=first.id,
        actor=params.get("actor"),
        reason=params.get("reason"),
        change_trailer=_group_trailer(params),
    )
    edits = tuple((d.directory, d.files) for _, d in members)
    commit = DirectoryChange(edits[0][0], edits[0][1], group_commit_message(record), record.action, edits[1:])
    units.append(CommitUnit(tuple(change for change, _ in members), commit))
    return units


def _group_change(params: dict[str, Any]) -> str:
    if "change" in params:
        return str(params["change"])
    # queued before rollouts had kinds: a chart version
    version = params.get("chart_version")
    return f"chart {version}" if version else "the default chart"


def _group_trailer(params: dict[str, Any]) -> tuple[str, str] | None:
    trailer = params.get("change_trailer")
    if trailer:
        return str(trailer[0]), str(trailer[1])
    if "change" not in params:  # queued before rollouts had kinds
        return CHART_VERSION, str(params.get("chart_version") or "default")
    return None
