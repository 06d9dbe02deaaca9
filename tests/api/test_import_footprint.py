"""A platform in its default set-up (no cluster, push mode) never loads the libraries only other
set-ups use: the kubernetes client, PyGithub and `cryptography` cost ~14, ~20 and ~12 MB of memory
in every API process (benchmark B5). Checked in a fresh interpreter, whose modules nothing else
has loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("kubernetes", "github", "cryptography", "jwt", "jsonschema", "yaml", "helm_python")
PROBE = """
import json, secrets, sys
from storefleet.api.app import create_app
from storefleet.api.settings import Settings
secret = secrets.token_hex(32)
app = create_app(Settings(DATABASE_URL="postgresql://x@localhost/none", JWT_SECRET=secret{extra}))
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def _top_level_modules(extra: str = "") -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(extra=extra)], capture_output=True, text=True, timeout=60
    )
    if done.returncode:
        raise subprocess.CalledProcessError(done.returncode, "probe", done.stdout, done.stderr)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_default_set_up_loads_no_cluster_github_or_crypto_library() -> None:
    loaded = _top_level_modules()
    assert "fastapi" in loaded, "the probe did build the app"
    assert not loaded.intersection(HEAVY), sorted(loaded.intersection(HEAVY))


def test_a_configured_cluster_loads_its_client(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:9'}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
    )
    assert "kubernetes" in _top_level_modules(f', KUBECONFIG="{kubeconfig}"')
