"""docs/install.md stays true: its YAML, its manifests, its platform values and its `storefleet` commands.

Conventions of the page, which this test relies on:

- A fenced block's info string is the language, optionally followed by `title="NAME"`: the file the
  reader writes (e.g. ```yaml title="values-prod.yaml"```).
- A ```yaml block whose title's file name starts with `values` is a values file of `helm/storefleet`;
  every other ```yaml block holds Kubernetes manifests (documents with `apiVersion` and `kind`).
- The platform's values also appear inside a Flux HelmRelease (`spec.values`, chart from an
  OCIRepository whose URL ends in `/storefleet`) and an Argo CD Application
  (`spec.source.helm.valuesObject`, `repoURL` ending in `/storefleet`): those are rendered too.
- ```bash blocks hold shell commands; a `storefleet` word in command position starts a storefleet
  command line, checked against the click command tree of `storefleet.api.cli.main`.

Manifests are validated the way the fleet repo is (`storefleet.renderer.validate`): Flux and Argo CD
kinds against the upstream CRDs vendored in tests/fixtures/crds (closed objects, metadata rules), and
built-in kinds with kubernetes-validate's newest minor in strict mode. The CloudNativePG `Cluster` and
the cert-manager `ClusterIssuer`/`Certificate` CRDs are not vendored: those objects are validated
against the minimal hand-written CRDs in tests/docs/minimal-crds/, which list only the fields the page
uses, with the upstream field names, so a typo or an unknown field still fails. A kind that neither
source knows (a wrong apiVersion, say) fails.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from storefleet.api.cli import main as storefleet_cli
from storefleet.renderer.validate import KindSchema, load_crds, validate_object

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "install.md"
UPSTREAM_CRDS = ROOT / "tests" / "fixtures" / "crds"
MINIMAL_CRDS = Path(__file__).resolve().parent / "minimal-crds"
# What the page must keep covering: both engines, the database, TLS, the repo credentials.
EXPECTED_KINDS = {
    ("cert-manager.io/v1", "ClusterIssuer"),
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("source.toolkit.fluxcd.io/v1", "GitRepository"),
    ("source.toolkit.fluxcd.io/v1", "OCIRepository"),
    ("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
    ("argoproj.io/v1alpha1", "Application"),
    ("v1", "Secret"),
}
_FENCE = re.compile(r"^```([A-Za-z0-9_-]*)([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_TITLE = re.compile(r'title="([^"]+)"')
_SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")"}

Obj = dict[str, Any]


@dataclass(frozen=True)
class Block:
    lang: str
    title: str | None
    line: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.title or self.lang}@{self.line}"

    @property
    def is_values(self) -> bool:
        return self.title is not None and Path(self.title).name.startswith("values")


def fenced_blocks(markdown: str) -> list[Block]:
    blocks = []
    for match in _FENCE.finditer(markdown):
        title = _TITLE.search(match.group(2))
        line = markdown.count("\n", 0, match.start()) + 1
        blocks.append(Block(match.group(1), title.group(1) if title else None, line, match.group(3)))
    return blocks


@cache
def doc_blocks() -> tuple[Block, ...]:
    return tuple(fenced_blocks(DOC.read_text()))


def yaml_blocks() -> list[Block]:
    return [b for b in doc_blocks() if b.lang == "yaml"]


def manifests() -> list[tuple[str, Obj]]:
    found = []
    for block in yaml_blocks():
        if block.is_values:
            continue
        for index, doc in enumerate(yaml.safe_load_all(block.text)):
            if doc is not None:
                found.append((f"{block.label}#{index}", doc))
    return found


# --- manifests --------------------------------------------------------------------------------------


@cache
def crd_schemas() -> Mapping[tuple[str, str], KindSchema]:
    return {**load_crds(UPSTREAM_CRDS), **load_crds(MINIMAL_CRDS)}


def manifest_errors(obj: Any, kit: Any) -> list[str]:
    """Problems of one manifest: CRD kinds as the fleet repo is checked, the rest with kubernetes-validate."""
    if not isinstance(obj, dict) or not {"apiVersion", "kind"} <= obj.keys():
        return ["not a Kubernetes object (apiVersion and kind)"]
    key = (str(obj["apiVersion"]), str(obj["kind"]))
    if key in crd_schemas():
        return validate_object(obj, crd_schemas())
    group = key[0].rpartition("/")[0]
    if "." in group and not group.endswith("k8s.io"):
        return [f"no schema for apiVersion={key[0]!r} kind={key[1]!r}"]
    try:
        return list(kit.k8s_errors({**obj, "_template": "doc"}))
    except FileNotFoundError:
        return [f"no schema for apiVersion={key[0]!r} kind={key[1]!r}"]


# --- platform values --------------------------------------------------------------------------------


def _platform_chart_values(obj: Obj) -> Obj | None:
    spec = obj.get("spec", {})
    if obj.get("kind") == "HelmRelease":
        ref = spec.get("chartRef", {})
        sources = {o["metadata"]["name"]: o for _, o in manifests() if o.get("kind") == "OCIRepository"}
        source = sources.get(ref.get("name", ""))
        if source is not None and source["spec"]["url"].endswith("/storefleet"):
            return dict(spec.get("values", {}))
    if obj.get("kind") == "Application" and spec.get("source", {}).get("repoURL", "").endswith("/storefleet"):
        return dict(spec["source"].get("helm", {}).get("valuesObject", {}))
    return None


def platform_value_sets() -> list[tuple[str, Obj]]:
    sets = [(b.label, yaml.safe_load(b.text)) for b in yaml_blocks() if b.is_values]
    for label, obj in manifests():
        values = _platform_chart_values(obj)
        if values is not None:
            sets.append((label, values))
    return sets


# --- storefleet command lines -----------------------------------------------------------------------


def shell_commands(script: str) -> Iterator[list[str]]:
    """Each logical line of a bash block as words, split at `&&`, `;`, pipes and the like."""
    joined = re.sub(r"\\\n", " ", script)
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in lexer:
            if token in _SEPARATORS:
                if words:
                    yield words
                words = []
            else:
                words.append(token)
        if words:
            yield words


def storefleet_invocations(script: str) -> Iterator[list[str]]:
    """The arguments after `storefleet` (or `<path>/storefleet`) in command position."""
    for words in shell_commands(script):
        start = 0
        while start < len(words) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[start]):
            start += 1
        if start < len(words) and words[start].rsplit("/", 1)[-1] == "storefleet":
            yield words[start + 1 :]


def _option(command: click.Command, word: str) -> click.Parameter | None:
    name = word.split("=", 1)[0]
    if name == "--help":
        return click.Option(["--help"], is_flag=True)
    return next((p for p in command.params if name in (*p.opts, *p.secondary_opts)), None)


def _option_problems(command: click.Command, words: list[str]) -> tuple[list[str], int]:
    """Problems with the option at words[0], and how many words it used."""
    param = _option(command, words[0])
    if param is None:
        return [f"{command.name}: no option {words[0].split('=', 1)[0]}"], 1
    takes_value = isinstance(param, click.Option) and not param.is_flag and not param.count
    if not takes_value:
        return [], 1
    if "=" in words[0]:
        value, used = words[0].split("=", 1)[1], 1
    elif len(words) > 1:
        value, used = words[1], 2
    else:
        return [f"{command.name}: {words[0]} needs a value"], 1
    if isinstance(param.type, click.Choice) and value not in param.type.choices:
        return [f"{command.name}: {words[0]} {value!r} is not one of {list(param.type.choices)}"], used
    return [], used


def command_problems(args: list[str], root: click.Command = storefleet_cli) -> tuple[list[str], list[str]]:
    """(the subcommand path, problems) of one `storefleet` invocation, checked against click's tree."""
    command, index = root, 0
    path: list[str] = []
    problems: list[str] = []
    context = click.Context(root)
    while index < len(args):
        word = args[index]
        if word.startswith("-") and word != "-":
            found, used = _option_problems(command, args[index:])
            problems += found
            index += used
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(context, word)
            if sub is None:
                return path, [*problems, f"storefleet {' '.join(path)}: no command {word!r}"]
            command = sub
            path.append(word)
        index += 1
    if isinstance(command, click.Group):
        problems.append(f"storefleet {' '.join(path)}: a group, not a command")
    return path, problems


def doc_invocations() -> list[tuple[str, list[str]]]:
    return [
        (block.label, args)
        for block in doc_blocks()
        if block.lang == "bash"
        for args in storefleet_invocations(block.text)
    ]


# --- the tests --------------------------------------------------------------------------------------


def test_every_yaml_block_parses() -> None:
    blocks = yaml_blocks()
    assert len(blocks) >= 7
    for block in blocks:
        docs = [d for d in yaml.safe_load_all(block.text) if d is not None]
        assert docs and all(isinstance(d, dict) for d in docs), block.label


@pytest.mark.parametrize(("label", "obj"), manifests(), ids=[label for label, _ in manifests()])
def test_manifest_validates(label: str, obj: Obj, kit: Any) -> None:
    assert manifest_errors(obj, kit) == [], label


def test_the_page_covers_both_engines_the_database_and_tls() -> None:
    kinds = {(str(o.get("apiVersion")), str(o.get("kind"))) for _, o in manifests()}
    assert kinds >= EXPECTED_KINDS, EXPECTED_KINDS - kinds


@pytest.mark.parametrize(
    ("label", "values"), platform_value_sets(), ids=[s for s, _ in platform_value_sets()]
)
def test_platform_values_render_valid_kubernetes(
    label: str, values: Obj, render_platform: Any, kit: Any
) -> None:
    objects = render_platform(values)
    assert [error for obj in objects for error in kit.k8s_errors(obj)] == [], label
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    assert set(deployments) == {"storefleet-api", "storefleet-writer", "storefleet-watcher"}
    for deployment in deployments.values():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["VALUES_PROFILE"] == "vps" and env["KUBE_IN_CLUSTER"] == "true"
        assert env["PUBLIC_URL"].startswith("https://") and env["FLEET_REPO_URL"].startswith("https://")
        assert env["GITOPS_ENGINE"] in {"flux", "argocd"}
        assert container["envFrom"] == [{"secretRef": {"name": values["secret"]["existingSecret"]}}]
    (ingress,) = [o for o in objects if o["kind"] == "Ingress"]
    assert ingress["spec"]["tls"][0]["hosts"] == [values["ingress"]["host"]]
    assert not [o for o in objects if o["kind"] == "Secret"]


def test_the_page_renders_both_engines_values() -> None:
    labels = [label for label, _ in platform_value_sets()]
    engines = {values["config"]["gitopsEngine"] for _, values in platform_value_sets()}
    assert len(labels) >= 3 and engines == {"flux", "argocd"}, labels


@pytest.mark.parametrize(("label", "args"), doc_invocations(), ids=[s for s, _ in doc_invocations()])
def test_storefleet_command_lines_exist(label: str, args: list[str]) -> None:
    _, problems = command_problems(args)
    assert problems == [], label


def test_the_page_uses_fleet_init_for_both_engines() -> None:
    inits = [args for _, args in doc_invocations() if command_problems(args)[0] == ["fleet", "init"]]
    engines = {args[args.index("--engine") + 1] for args in inits if "--engine" in args}
    assert engines == {"flux", "argocd"}


# --- the checks themselves catch drift ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("storefleet fleet init --engines flux x", "no option --engines"),
        ("storefleet fleet init --engine gitlab x", "'gitlab' is not one of"),
        ("storefleet fleet start x", "no command 'start'"),
        ("storefleet fleet", "a group, not a command"),
        ("FOO=1 .venv/bin/storefleet api --hots 0.0.0.0", "no option --hots"),
    ],
)
def test_command_check_reports_drift(line: str, problem: str) -> None:
    (args,) = storefleet_invocations(line)
    assert any(problem in p for p in command_problems(args)[1])


def test_command_position_only() -> None:
    script = "kubectl create namespace storefleet\nhelm install storefleet x && storefleet up --port 1"
    assert list(storefleet_invocations(script)) == [["up", "--port", "1"]]


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        (
            {"apiVersion": "cert-manager.io/v1alpha2", "kind": "ClusterIssuer", "metadata": {"name": "x"}},
            "no schema",
        ),
        (
            {
                "apiVersion": "postgresql.cnpg.io/v1",
                "kind": "Cluster",
                "metadata": {"name": "d", "namespace": "n"},
                "spec": {"instances": 1, "storag": {"size": "1Gi"}},
            },
            "storag",
        ),
        (
            {
                "apiVersion": "source.toolkit.fluxcd.io/v1beta1",
                "kind": "GitRepository",
                "metadata": {"name": "x"},
            },
            "no schema",
        ),
        ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "stringdata": {}}, "stringdata"),
    ],
)
def test_manifest_check_reports_drift(obj: Obj, problem: str, kit: Any) -> None:
    assert any(problem in error for error in manifest_errors(obj, kit))


def test_blocks_and_titles_are_read() -> None:
    text = 'x\n```yaml title="values-a.yaml"\na: 1\n```\n```bash\nls\n```\n'
    assert fenced_blocks(text) == [
        Block("yaml", "values-a.yaml", 2, "a: 1\n"),
        Block("bash", None, 5, "ls\n"),
    ]
    assert fenced_blocks(text)[0].is_values and not fenced_blocks(text)[1].is_values
