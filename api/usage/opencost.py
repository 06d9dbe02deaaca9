"""OpenCost's allocation of the last 30 days by namespace, when `OPENCOST_URL` names an OpenCost API.

`GET <url>/allocation?window=30d&aggregate=namespace&accumulate=true` answers `{"code": 200, "data":
[{<namespace>: {"cpuCost", "ramCost", "pvCost", "totalCost", ...}}]}`: a store's namespace is its id,
so each store's measured cost of the last month replaces the plan's estimate. Any failure (the API
away, a malformed answer) leaves the estimate in place: the usage answers never depend on OpenCost.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from anyio import to_thread

log = logging.getLogger(__name__)

WINDOW = "30d"
TIMEOUT_S = 5.0


@dataclass(frozen=True)
class MeasuredCost:
    cpu: float
    memory: float
    storage: float
    total: float


async def namespace_costs(base_url: str) -> dict[str, MeasuredCost] | None:
    """Namespace -> its cost over the window; None when OpenCost cannot say."""
    query = urllib.parse.urlencode({"window": WINDOW, "aggregate": "namespace", "accumulate": "true"})
    url = f"{base_url.rstrip('/')}/allocation?{query}"
    try:
        body = await to_thread.run_sync(_get_json, url)
        return parse_allocation(body)
    except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors; bad JSON a ValueError
        log.warning("OpenCost allocation not read: %s", type(exc).__name__)
        return None


def _get_json(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - http(s) only
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - settings check the scheme
        return json.loads(response.read())


def parse_allocation(body: Any) -> dict[str, MeasuredCost]:
    """The accumulated set of an allocation answer (raises ValueError when it is not one)."""
    sets = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(sets, list) or not sets or not isinstance(sets[0], Mapping):
        raise ValueError("no allocation set")
    costs: dict[str, MeasuredCost] = {}
    for namespace, item in sets[0].items():
        if isinstance(item, Mapping):
            costs[str(namespace)] = MeasuredCost(
                cpu=round(float(item.get("cpuCost") or 0), 2),
                memory=round(float(item.get("ramCost") or 0), 2),
                storage=round(float(item.get("pvCost") or 0), 2),
                total=round(float(item.get("totalCost") or 0), 2),
            )
    return costs
