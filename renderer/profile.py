"""RenderProfile: the platform-wide settings a render depends on (never per store) (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from storefleet.renderer.names import is_dns_label, is_dns_subdomain


class GitOpsEngine(StrEnum):
    FLUX = "flux"
    ARGOCD = "argocd"


class ValuesProfile(StrEnum):
    """Where the stores run: a laptop cluster (kind, k3d) or a single VPS running k3s."""

    LOCAL = "local"
    VPS = "vps"


# One row per profile: ingress class, TLS, storage class (None = the cluster's default class,
# the only choice portable across kind, k3d and minikube, whose provisioners are named differently).
_PROFILE_DEFAULTS: dict[ValuesProfile, tuple[str, bool, str | None]] = {
    ValuesProfile.LOCAL: ("nginx", False, None),
    ValuesProfile.VPS: ("traefik", True, "local-path"),  # k3s ships Traefik and local-path
}

_BRANCH = re.compile(r"^(?!/|-|.*//|.*\.\.|.*@\{|.*\.lock$|.*/$)[A-Za-z0-9._/-]+$")
_REPO_URL = re.compile(r"^(https?|ssh)://[^\s\"'\\]+$")
_SCP_URL = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s\"'\\]+$")
_CHART_PATH = re.compile(r"^(?!/)(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9._/-]+(?<!/)$")


def versioned_chart_path(chart_path: str, version: str) -> str:
    """`charts/ecommerce-store-<version>`: each chart version in its own directory beside the default
    chart (Helm's own `<name>-<version>` naming), never inside it, where Helm would package it as
    files of the default chart (and a release stores its chart: 1 MiB at most)."""
    return f"{chart_path.rstrip('/')}-{version}"


class ProfileError(ValueError):
    """A RenderProfile setting that would render an invalid manifest."""


def is_branch_name(value: str) -> bool:
    """A conservative subset of `git check-ref-format --branch`."""
    return bool(_BRANCH.match(value))


def is_repo_url(value: str, engine: GitOpsEngine = GitOpsEngine.FLUX) -> bool:
    """A git URL the engine accepts and a YAML plain scalar can carry: Flux's GitRepository takes
    http, https and ssh URLs; Argo CD also takes the scp-like `git@host:org/repo.git`."""
    if _REPO_URL.match(value):
        return True
    return engine is GitOpsEngine.ARGOCD and bool(_SCP_URL.match(value))


@dataclass(frozen=True)
class RenderProfile:
    """Platform-wide render settings; the defaults are the local profile applied by Flux."""

    gitops_engine: GitOpsEngine = GitOpsEngine.FLUX
    values_profile: ValuesProfile = ValuesProfile.LOCAL
    domain: str = "localhost"
    ingress_class: str | None = None
    tls: bool | None = None
    storage_class: str | None = None
    fleet_repo_url: str = "http://127.0.0.1:8000/git/fleet.git"
    fleet_branch: str = "main"
    chart_path: str = "charts/ecommerce-store"  # the default chart: stores without a chart_version
    chart_version: str = "0.4.0"  # the version of the default chart
    flux_source_name: str = "fleet"
    argocd_namespace: str = "argocd"
    # Velero (BACKUPS_ENABLED): each store directory declares a Schedule in `velero_namespace`,
    # writing to the BackupStorageLocation `velero_storage_location`.
    backups_enabled: bool = False
    velero_namespace: str = "velero"
    velero_storage_location: str = "default"
    # Secrets in every store namespace that the store's pods pull images with (chart imagePullSecrets)
    image_pull_secrets: tuple[str, ...] = ()
    # Flux controller sharding: each HelmRelease labelled `sharding.fluxcd.io/key: shard<k>` (0: none)
    flux_shards: int = 0

    def __post_init__(self) -> None:
        # Coerce plain strings so RenderProfile(gitops_engine="argocd") behaves like the enum.
        object.__setattr__(self, "gitops_engine", GitOpsEngine(self.gitops_engine))
        object.__setattr__(self, "values_profile", ValuesProfile(self.values_profile))
        object.__setattr__(self, "image_pull_secrets", tuple(self.image_pull_secrets))
        for problem in self._problems():
            raise ProfileError(problem)

    def store_chart_path(self, chart_version: str | None) -> str:
        """Where a store's chart is in the fleet repo: its pinned version's directory, or the default."""
        return versioned_chart_path(self.chart_path, chart_version) if chart_version else self.chart_path

    def _problems(self) -> list[str]:
        checks = [
            (is_dns_subdomain(self.domain), f"domain {self.domain!r} is not a DNS name"),
            (
                is_repo_url(self.fleet_repo_url, self.gitops_engine),
                f"fleet_repo_url {self.fleet_repo_url!r} is not a git URL",
            ),
            (is_branch_name(self.fleet_branch), f"fleet_branch {self.fleet_branch!r} is not a branch name"),
            (bool(_CHART_PATH.match(self.chart_path)), f"chart_path {self.chart_path!r} is not relative"),
            (is_dns_subdomain(self.flux_source_name), "flux_source_name must be a DNS-1123 subdomain"),
            (is_dns_label(self.argocd_namespace), "argocd_namespace must be a DNS-1123 label"),
            (is_dns_label(self.velero_namespace), "velero_namespace must be a DNS-1123 label"),
            (is_dns_subdomain(self.velero_storage_location), "velero_storage_location must be a DNS name"),
            (self.ingress_class is None or is_dns_subdomain(self.ingress_class), "bad ingress_class"),
            (self.storage_class is None or is_dns_subdomain(self.storage_class), "bad storage_class"),
            (bool(self.chart_version.strip()), "chart_version is empty"),
            (0 <= self.flux_shards <= 64, "flux_shards must be between 0 and 64"),
            *(
                (is_dns_subdomain(name), f"image pull secret {name!r} is not a Secret name")
                for name in self.image_pull_secrets
            ),
        ]
        return [message for ok, message in checks if not ok]

    @property
    def resolved_ingress_class(self) -> str:
        return self.ingress_class or _PROFILE_DEFAULTS[self.values_profile][0]

    @property
    def resolved_tls(self) -> bool:
        return _PROFILE_DEFAULTS[self.values_profile][1] if self.tls is None else self.tls

    @property
    def resolved_storage_class(self) -> str | None:
        return self.storage_class or _PROFILE_DEFAULTS[self.values_profile][2]
