"""`storefleet fleet validate` (validate_tree) and a store under two clusters' roots: accepted only
while it moves, its copy on the target naming the source's root in `moved_from`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.spec import RestoreRequest, RestoreStage
from storefleet.renderer.validate import validate_tree
from tests.renderer.test_template import _fleet

BACKUP = "storefleet-st-abcdefgh23-20261207050000"


def _copy(make_spec: Any, moved_from: dict[str, Any] | None, restoring: bool = False) -> Any:
    restore = RestoreRequest(
        name="st-abcdefgh23-r1", backup=BACKUP, source_namespace="st-abcdefgh23", stage=RestoreStage.RESTORING
    )
    return make_spec(cluster="beta", moved_from=moved_from, restore=restore if restoring else None)


@pytest.mark.parametrize("restoring", [True, False])
def test_a_moving_store_may_be_under_its_source_and_target_roots(
    tmp_path: Path, crd_dir: Path, make_spec: Any, restoring: bool
) -> None:
    copy = _copy(make_spec, {"cluster": None, "backup": BACKUP}, restoring)
    root = _fleet(tmp_path, GitOpsEngine.FLUX, [make_spec(), copy])
    assert validate_tree(root, crd_dir) == []


@pytest.mark.parametrize(
    "moved_from", [None, {"cluster": "gamma", "backup": BACKUP}], ids=["no moved_from", "another root"]
)
def test_a_store_under_two_roots_without_a_move_is_an_error(
    tmp_path: Path, crd_dir: Path, make_spec: Any, moved_from: Any
) -> None:
    root = _fleet(tmp_path, GitOpsEngine.FLUX, [make_spec(), _copy(make_spec, moved_from)])
    (error,) = validate_tree(root, crd_dir)
    assert error.startswith(
        "clusters/beta/tenants/u-abcdefgh23/st-abcdefgh23, tenants/u-abcdefgh23/st-abcdefgh23: store"
        " st-abcdefgh23 is under several clusters' roots"
    )


def test_a_moved_store_alone_under_its_new_root_keeps_moved_from_and_validates(
    tmp_path: Path, crd_dir: Path, make_spec: Any
) -> None:
    root = _fleet(tmp_path, GitOpsEngine.FLUX, [_copy(make_spec, {"cluster": None, "backup": BACKUP})])
    assert validate_tree(root, crd_dir) == []
