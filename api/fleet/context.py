"""Everything the fleet components derive from settings: where the clones live, how git
authenticates, how stores render. Built once at start-up."""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.repo import FleetRepository, Identity
from storefleet.api.fleet.writer import WriterConfig
from storefleet.api.settings import Settings
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile

_ASKPASS = """#!/bin/sh
# Answers git's credential prompts from the environment, so a token never appears in a URL or a log.
case "$1" in
  Username*) echo "${STOREFLEET_GIT_USERNAME:-x-access-token}" ;;
  *) echo "$STOREFLEET_GIT_TOKEN" ;;
esac
"""


def local_fleet_repo_path(settings: Settings) -> Path:
    return settings.state_dir / "fleet.git"


def fleet_configured(settings: Settings) -> bool:
    """A remote is set, or `storefleet up` created the local fleet repo."""
    return settings.fleet_repo_url is not None or (local_fleet_repo_path(settings) / "HEAD").exists()


def serves_local_repo(settings: Settings) -> bool:
    return settings.fleet_repo_url is None and (local_fleet_repo_path(settings) / "HEAD").exists()


@dataclass(frozen=True)
class FleetContext:
    remote_url: str
    branch: str
    state_dir: Path
    identity: Identity
    git_env: dict[str, str]
    profile: RenderProfile
    writer: WriterConfig
    sync_interval_s: float

    @property
    def repo_key(self) -> str:
        return f"{self.remote_url}#{self.branch}"

    def work_repo(self) -> FleetRepository:
        """The writer's clone."""
        return FleetRepo(
            self.state_dir / "fleet-work.git", self.remote_url, self.branch, self.identity, self.git_env
        )

    def mirror_repo(self) -> FleetRepository:
        """The clone the API and the git-side sync read."""
        return FleetRepo(
            self.state_dir / "fleet-mirror.git", self.remote_url, self.branch, self.identity, self.git_env
        )


def settings_profile(settings: Settings, fleet_repo_url: str | None = None) -> RenderProfile:
    """How the platform's settings render a store: the one mapping the fleet writer and the API's
    store pages share (`fleet_repo_url`: what the cluster pulls, which only the writer needs)."""
    profile = RenderProfile(
        gitops_engine=GitOpsEngine(settings.gitops_engine),
        values_profile=ValuesProfile(settings.values_profile),
        domain=settings.store_domain,
        ingress_class=settings.store_ingress_class,
        storage_class=settings.store_storage_class,
        fleet_branch=settings.fleet_branch,
        argocd_namespace=settings.argocd_namespace,
        backups_enabled=settings.backups_enabled,
        velero_namespace=settings.velero_namespace,
        velero_storage_location=settings.velero_storage_location,
        image_pull_secrets=settings.store_image_pull_secrets,
        flux_shards=settings.flux_shards,
    )
    return replace(profile, fleet_repo_url=fleet_repo_url) if fleet_repo_url is not None else profile


def fleet_context(settings: Settings, public_url: str) -> FleetContext:
    remote = settings.fleet_repo_url or str(local_fleet_repo_path(settings))
    repo_key = f"{remote}#{settings.fleet_branch}"
    served_url = f"{public_url.rstrip('/')}/git/fleet.git"
    profile = settings_profile(settings, fleet_repo_url=_cluster_url(settings.fleet_repo_url, served_url))
    return FleetContext(
        remote_url=remote,
        branch=settings.fleet_branch,
        state_dir=settings.state_dir,
        identity=Identity(settings.fleet_author_name, settings.fleet_author_email),
        git_env=_git_env(settings),
        profile=profile,
        writer=WriterConfig(
            repo_key=repo_key,
            batch_size=settings.fleet_batch_size,
            poll_interval_s=settings.fleet_poll_interval_s,
            push_retries=settings.fleet_push_retries,
            circuit_failures=settings.git_circuit_failures,
            circuit_reset_s=settings.git_circuit_reset_s,
        ),
        sync_interval_s=settings.fleet_sync_interval_s,
    )


def _cluster_url(remote: str | None, served_url: str) -> str:
    """The URL Flux/Argo CD pull from: the remote when it is a network URL; for the local repo (or a
    remote given as a filesystem path) the copy this platform serves over HTTP."""
    if remote and ("://" in remote or "@" in remote) and not remote.startswith("file://"):
        return remote
    return served_url


def _git_env(settings: Settings) -> dict[str, str]:
    env: dict[str, str] = {}
    if settings.fleet_repo_token is not None:
        askpass = settings.state_dir / "git-askpass.sh"
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        askpass.write_text(_ASKPASS)
        askpass.chmod(stat.S_IRWXU)
        env |= {
            "GIT_ASKPASS": str(askpass),
            "STOREFLEET_GIT_TOKEN": settings.fleet_repo_token.get_secret_value(),
        }
    if settings.fleet_ssh_key_path is not None:
        key = shlex.quote(os.fspath(settings.fleet_ssh_key_path))
        env["GIT_SSH_COMMAND"] = f"ssh -i {key} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
    return env
