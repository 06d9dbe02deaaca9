"""`storefleet fleet`: create a fleet repo from the template (`init`), add one more cluster's bootstrap
(`add-cluster`) and check one offline (`validate`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

_DEFAULT_REPO_URL = "http://127.0.0.1:8000/git/fleet.git"
_COMMIT_IDENTITY = ("-c", "user.name=storefleet", "-c", "user.email=storefleet@localhost")


@click.group()
def fleet() -> None:
    """Fleet repo tools: create one from the template, validate one offline."""


def _git(dest: Path, *args: str) -> None:
    # The commit identity is set per command so `--git` works where no git identity is configured.
    result = subprocess.run(  # noqa: S603 - fixed git argv, no shell
        ["git", "-C", str(dest), *_COMMIT_IDENTITY, *args],  # noqa: S607 - git from PATH, as a user runs it
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        raise click.ClickException(f"git {' '.join(args)} failed: {result.stderr.strip()}")


def _write_files(dest: Path, files: dict[str, bytes]) -> None:
    existing = sorted(rel for rel in files if (dest / rel).exists())
    if existing:
        raise click.ClickException(f"{dest} already has {', '.join(existing)}; refusing to overwrite")
    for rel, data in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@fleet.command()
@click.option("--engine", type=click.Choice(["flux", "argocd"]), default="flux", show_default=True)
@click.option("--cluster", default="local", show_default=True, help="Cluster name: clusters/<NAME>/.")
@click.option("--repo-url", default=_DEFAULT_REPO_URL, show_default=True, help="URL the cluster pulls from.")
@click.option("--branch", default="main", show_default=True, help="Branch the cluster follows.")
@click.option(
    "--chart/--no-chart",
    "with_chart",
    default=True,
    show_default=True,
    help="Vendor the ecommerce-store chart under charts/ (leave it out to serve it from a Helm repo).",
)
@click.option("--git", "make_commit", is_flag=True, help="git init DEST (if needed) and commit the files.")
@click.option(
    "--push", "push_to", metavar="REMOTE", help="Also push the commit to an empty remote (implies --git)."
)
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def init(
    engine: str,
    cluster: str,
    repo_url: str,
    branch: str,
    with_chart: bool,
    make_commit: bool,
    push_to: str | None,
    dest: Path,
) -> None:
    """Write a new fleet repo skeleton into DEST (existing files are never overwritten); with --push,
    publish it as the first commit of an empty remote (a non-empty branch there is left untouched)."""
    from storefleet.renderer.profile import GitOpsEngine
    from storefleet.renderer.template import TemplateError, instantiate_template, vendored_chart

    try:
        files = instantiate_template(GitOpsEngine(engine), cluster, repo_url, branch)
    except TemplateError as exc:
        raise click.BadParameter(str(exc)) from exc
    if with_chart:
        files.update(vendored_chart())
    dest.mkdir(parents=True, exist_ok=True)
    _write_files(dest, files)
    if make_commit or push_to:
        if not (dest / ".git").exists():
            _git(dest, "init", "-q", "-b", branch)
        _git(dest, "add", "--", *files)
        _git(dest, "commit", "-q", "-m", f"fleet: initialise for cluster {cluster} ({engine})")
    if push_to:
        # A plain push: it fails rather than overwrite a branch that already has history.
        _git(dest, "push", "-q", push_to, f"HEAD:refs/heads/{branch}")
        click.echo(f"pushed the skeleton to {push_to} ({branch})")
    click.echo(f"wrote {len(files)} files to {dest} ({engine}, cluster {cluster})")


@fleet.command("add-cluster")
@click.option("--engine", type=click.Choice(["flux", "argocd"]), required=True, help="The cluster's applier.")
@click.option("--cluster", required=True, help="The cluster's name, as registered (POST /api/v1/clusters).")
@click.option("--repo-url", default=_DEFAULT_REPO_URL, show_default=True, help="URL the cluster pulls from.")
@click.option("--branch", default="main", show_default=True, help="Branch the cluster follows.")
@click.option("--argocd-namespace", default="argocd", show_default=True, help="Argo CD's namespace there.")
@click.option(
    "--git", "make_commit", is_flag=True, help="Commit the files in DEST (a clone of the fleet repo)."
)
@click.argument("dest", type=click.Path(exists=True, file_okay=False, path_type=Path))
def add_cluster(
    engine: str,
    cluster: str,
    repo_url: str,
    branch: str,
    argocd_namespace: str,
    make_commit: bool,
    dest: Path,
) -> None:
    """Write the bootstrap of one more cluster into the fleet checkout DEST: `clusters/<NAME>/`, whose
    applier syncs the cluster's own root `clusters/<NAME>/tenants/` (the stores placed there). An
    existing fleet repo needs nothing else: its stores stay under `tenants/`, the home cluster's root."""
    from storefleet.renderer.profile import GitOpsEngine
    from storefleet.renderer.template import TemplateError, instantiate_template

    try:
        files = instantiate_template(
            GitOpsEngine(engine), cluster, repo_url, branch, argocd_namespace=argocd_namespace, home=False
        )
    except TemplateError as exc:
        raise click.BadParameter(str(exc)) from exc
    _write_files(dest, files)
    if make_commit:
        _git(dest, "add", "--", *files)
        _git(dest, "commit", "-q", "-m", f"fleet: add cluster {cluster} ({engine})")
    click.echo(
        f"wrote {len(files)} files to {dest}/clusters/{cluster} ({engine}); apply them in that cluster"
    )


@fleet.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--crds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="STOREFLEET_CRDS_DIR",
    required=True,
    help="Folder of upstream CRD YAML files [env: STOREFLEET_CRDS_DIR].",
)
def validate(directory: Path, crds: Path) -> None:
    """Validate every manifest of the fleet checkout DIRECTORY against the CRDs in --crds."""
    from storefleet.renderer.validate import validate_tree

    errors = validate_tree(directory, crds)
    for error in errors:
        click.echo(error, err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} problem(s) in {directory}")
    click.echo(f"{directory}: valid")
