"""The dashboard's API client is generated from frontend/openapi.json: it must be the live document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).parents[2] / "frontend" / "openapi.json"


def test_the_committed_openapi_snapshot_matches_the_api() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "storefleet.api.cli", "openapi"], check=True, capture_output=True, text=True
    ).stdout
    live = json.loads(printed)
    assert json.loads(SNAPSHOT.read_text()) == live, (
        "frontend/openapi.json is stale: run `storefleet openapi > frontend/openapi.json` and regenerate "
        "the dashboard's client (npm run generate:api in frontend/)"
    )
    operation_ids = [op["operationId"] for ops in live["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids)) and all(operation_ids)
