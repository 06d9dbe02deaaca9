"""Health checks as /health reports them."""

from __future__ import annotations

import asyncio

from storefleet.api.health.checks import CheckResult, simulated


def test_a_simulated_clusters_check_says_so_and_keeps_its_status() -> None:
    async def degraded() -> CheckResult:
        return CheckResult("degraded", {"clusters": {"local": {"role": "leader"}}})

    result = asyncio.run(simulated(degraded)())
    assert result == CheckResult("degraded", {"clusters": {"local": {"role": "leader"}}, "simulated": True})
