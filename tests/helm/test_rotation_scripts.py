"""The admin-password rotation scripts in the setup ConfigMap: they render for their engine only,
parse (`bash -n`, `node --check`), and take the new password from `NEW_ADMIN_PASSWORD` to the shop
without it ever being an argument (run against recording stand-ins for `wp` and `medusa`), failing
before any change when it is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helm.test_setup_scripts import _setup, _write

NEW = "Rz8qLw3Xv9TnK2pYc7HbM4dFs6JgA1eU5oVr0iXyQ2wE7tKu"
# Records each call and what came on standard input; answers like an installed WordPress.
FAKE_WP = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_LOG"
case "$*" in
  *--prompt=user_pass*) cat >"$FAKE_STDIN" ;;
  *"user get missing"*) echo "Error: Invalid user ID, email or login: 'missing'" >&2; exit 1 ;;
  *"user get"*) echo 1 ;;
esac
exit 0
"""
# `medusa exec <file>`: records the call and what the script will read from its environment.
FAKE_MEDUSA = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_LOG"
printf '%s %s %s\n' "$PWD" "$ADMIN_EMAIL" "$NEW_ADMIN_PASSWORD" >"$FAKE_STDIN"
"""


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bin").mkdir()
    return {
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "SETUP_DIR": str(tmp_path / "setup"),
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "FAKE_STDIN": str(tmp_path / "stdin"),
        "HOME": str(tmp_path),
        "NEW_ADMIN_PASSWORD": NEW,
    }


def _run(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("engine", "files"),
    [
        ("woocommerce", ["woocommerce-rotate-admin.sh"]),
        ("medusa", ["medusa-rotate-admin.js", "medusa-rotate-admin.sh"]),
    ],
)
def test_each_engine_gets_its_rotation_script(
    engine: str, files: list[str], render_store: Any, kit: Any, tmp_path: Path
) -> None:
    data = _setup(render_store, kit, engine)
    assert sorted(name for name in data if "rotate" in name) == files
    _write(data, tmp_path)
    for name in files:
        if name.endswith(".sh"):
            subprocess.run(["bash", "-n", str(tmp_path / name)], check=True)
            assert data[name].startswith("#!/usr/bin/env bash") and "set -euo pipefail" in data[name]
            assert "set -x" not in data[name]  # a trace would print the password
        elif shutil.which("node") is not None:
            subprocess.run(["node", "--check", str(tmp_path / name)], check=True)


def test_woocommerce_rotation_gives_the_password_on_stdin_only(
    render_store: Any, kit: Any, sandbox: dict[str, str]
) -> None:
    _write(_setup(render_store, kit, "woocommerce"), Path(sandbox["SETUP_DIR"]))
    wp = Path(sandbox["HOME"]) / "bin" / "wp"
    wp.write_text(FAKE_WP)
    wp.chmod(0o755)
    script = Path(sandbox["SETUP_DIR"]) / "woocommerce-rotate-admin.sh"
    result = _run(script, sandbox)
    assert result.returncode == 0, result.stderr
    # (--allow-root when the tests run as root, as inside the WordPress container)
    calls = Path(sandbox["FAKE_LOG"]).read_text().replace(" --allow-root", "").splitlines()
    assert calls[-1] == "--path=/var/www/html user update admin --skip-email --prompt=user_pass"
    assert calls[0] == "--path=/var/www/html core is-installed"
    assert NEW not in "\n".join(calls) and NEW not in result.stdout + result.stderr
    assert Path(sandbox["FAKE_STDIN"]).read_text() == NEW + "\n"


def test_woocommerce_rotation_changes_nothing_without_a_password_or_an_admin(
    render_store: Any, kit: Any, sandbox: dict[str, str]
) -> None:
    data = _setup(render_store, kit, "woocommerce")
    _write(data, Path(sandbox["SETUP_DIR"]))
    wp = Path(sandbox["HOME"]) / "bin" / "wp"
    wp.write_text(FAKE_WP)
    wp.chmod(0o755)
    script = Path(sandbox["SETUP_DIR"]) / "woocommerce-rotate-admin.sh"
    empty = _run(script, sandbox | {"NEW_ADMIN_PASSWORD": ""})
    assert empty.returncode == 1 and "no staged password" in empty.stderr
    assert not Path(sandbox["FAKE_LOG"]).exists()  # not a single wp call
    env_file = Path(sandbox["SETUP_DIR"]) / "store.env"
    env_file.write_text(data["store.env"].replace("ADMIN_USER='admin'", "ADMIN_USER='missing'"))
    missing = _run(script, sandbox)
    assert missing.returncode == 1 and "Invalid user ID" in missing.stderr
    assert "user update" not in Path(sandbox["FAKE_LOG"]).read_text()


def test_medusa_rotation_runs_its_script_in_the_application(
    render_store: Any, kit: Any, sandbox: dict[str, str]
) -> None:
    _write(_setup(render_store, kit, "medusa"), Path(sandbox["SETUP_DIR"]))
    app = Path(sandbox["HOME"]) / "app"
    (app / "node_modules" / ".bin").mkdir(parents=True)
    medusa = app / "node_modules" / ".bin" / "medusa"
    medusa.write_text(FAKE_MEDUSA)
    medusa.chmod(0o755)
    script = Path(sandbox["SETUP_DIR"]) / "medusa-rotate-admin.sh"
    result = _run(script, sandbox | {"MEDUSA_APP_DIR": str(app)})
    assert result.returncode == 0, result.stderr
    calls = Path(sandbox["FAKE_LOG"]).read_text().splitlines()
    assert calls == [f"exec {sandbox['SETUP_DIR']}/medusa-rotate-admin.js"]  # the password: no argument
    seen = Path(sandbox["FAKE_STDIN"]).read_text().split()
    assert seen == [str(app), "admin@acme-shop-abcdefgh23.localhost", NEW]  # in the environment
    empty = _run(script, sandbox | {"MEDUSA_APP_DIR": str(app), "NEW_ADMIN_PASSWORD": ""})
    assert empty.returncode == 1 and "no staged password" in empty.stderr
    assert len(Path(sandbox["FAKE_LOG"]).read_text().splitlines()) == 1  # no second exec


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
def test_the_medusa_rotation_updates_the_emailpass_identity_and_fails_before_any_change(
    render_store: Any, kit: Any, tmp_path: Path
) -> None:
    """The script against a recording container: the emailpass provider's update, for the admin's
    e-mail, only once the admin and its identity are found; a refused update fails the run."""
    _write(_setup(render_store, kit, "medusa"), tmp_path)
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    for case, expected in (
        ("ok", "updateProvider emailpass admin@shop.example"),
        ("no-user", "Error: no admin user admin@shop.example"),
        ("no-identity", "Error: admin@shop.example has no emailpass identity"),
        ("refused", "Error: the new password was not set: hash failed"),
    ):
        result = subprocess.run(
            ["node", str(harness), str(tmp_path / "medusa-rotate-admin.js"), case],
            env={"ADMIN_EMAIL": "admin@shop.example", "NEW_ADMIN_PASSWORD": NEW, "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[-1] == expected, (case, lines)
        calls = "\n".join(lines)
        assert ("updateProvider" in calls) == (case in ("ok", "refused"))
        assert NEW not in calls.replace(f"password={NEW}", "")  # only handed to the provider


# A stand-in for `medusa exec`: the script's default export called with a container whose modules
# record what they are asked.
HARNESS = r"""
const [script, scenario] = process.argv.slice(2);
const email = process.env.ADMIN_EMAIL;
const modules = {
  logger: { info: (m) => console.log(`log ${m}`) },
  user: { listUsers: async (f) => (scenario === "no-user" ? [] : [{ email: f.email }]) },
  auth: {
    listProviderIdentities: async (f) => (scenario === "no-identity" ? [] : [{ entity_id: f.entity_id }]),
    updateProvider: async (provider, data) => {
      console.log(`call updateProvider ${provider} ${data.entity_id} password=${data.password}`);
      return scenario === "refused" ? { success: false, error: "hash failed" } : { success: true };
    },
  },
};
const run = require(script).default;
run({ container: { resolve: (name) => modules[name] } })
  .then(() => console.log(`updateProvider emailpass ${email}`))
  .catch((error) => console.log(`Error: ${error.message}`));
"""
