"""Building pull-request mode's writer from the settings (WRITE_MODE=pull-request)."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.core.circuit import RemoteCircuit
from storefleet.api.fleet.context import FleetContext
from storefleet.api.fleet.pulls.auto_merge import AutoMergeRules
from storefleet.api.fleet.pulls.github import GITHUB, GitHubGateway, not_a_github_failure
from storefleet.api.fleet.pulls.writer import PullRequestConfig, PullRequestWriter
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.settings import ConfigurationError, Settings


def build_pull_request_writer(
    settings: Settings,
    context: FleetContext,
    pool: AsyncConnectionPool[Any],
    conninfo: str,
    reader: FleetReader,
) -> PullRequestWriter:
    circuit = RemoteCircuit(
        settings.github_circuit_failures, settings.github_circuit_reset_s, GITHUB, not_a_github_failure
    )
    config = PullRequestConfig(
        repo_key=context.repo_key,
        batch_size=min(settings.fleet_batch_size, 50),  # each change is several API calls
        poll_interval_s=settings.fleet_poll_interval_s,
        follow_interval_s=settings.pr_poll_interval_s,
        follow_batch=settings.pr_poll_batch,
        auto_merge=_auto_merge_rules(settings.pr_auto_merge),
        merge_method=settings.pr_merge_method,
    )
    gateway = GitHubGateway(settings, circuit)
    return PullRequestWriter(pool, conninfo, gateway, reader, context.profile, config)


def _auto_merge_rules(text: str) -> AutoMergeRules:
    try:
        return AutoMergeRules.parse(text)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
