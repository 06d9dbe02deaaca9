"""An outbox row as what goes into git: its commit record and its store directory's new content.
Shared by the push writer and the pull-request writer, so both commit exactly the same thing."""

from __future__ import annotations

from pydantic import ValidationError

from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.renderer.commit_message import ChangeRecord, commit_message
from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec


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


def directory_change(change: PendingChange, profile: RenderProfile) -> DirectoryChange:
    directory = f"tenants/{change.tenant}/{change.store_id}"
    files = None
    if change.action != "delete":
        spec = StoreSpec.model_validate(change.spec)
        directory = store_dir(spec)
        files = render_store(spec, profile)
    record = change_record(change)
    return DirectoryChange(directory, files, commit_message(record), action=record.action)


def try_render(change: PendingChange, profile: RenderProfile) -> DirectoryChange | str:
    """The change's directory, or why its spec cannot be rendered."""
    try:
        return directory_change(change, profile)
    except (ValidationError, ValueError) as exc:
        return str(exc)
