"""The setup ConfigMap (`<release>-setup`): its scripts render, parse (`bash -n`, `node --check`), and
read every secret from the mounted credentials files: run against recording stand-ins for `wp` and
`medusa`, no password ever appears in an argument."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "s3cret-from-the-mounted-secret-0123456789"

FAKE_WP = r"""#!/usr/bin/env bash
# Records each call; answers like a fresh WordPress (nothing installed, nothing found).
printf '%s\n' "$*" >>"$FAKE_LOG"
case "$*" in
  *--prompt=admin_password*) cat >"$FAKE_STDIN" ;;
esac
case "$*" in
  *"is-installed"*) [[ -e "$FAKE_LOG.second" ]] ;;
  *"is-active"*) [[ -e "$FAKE_LOG.second" ]] || grep -q " activate" "$FAKE_LOG" ;;
  *"--porcelain"*) echo 42 ;;
  *"--format=count"*) echo 3 ;;
  *) exit 0 ;;
esac
"""

BACKEND_SEED = Path(__file__).parents[2] / "storefront-medusa" / "backend" / "scripts" / "seed.sh"
FAKE_MEDUSA = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_LOG"
if [[ $1 == exec ]]; then
  [[ $(cat "$MEDUSA_ADMIN_PASSWORD_FILE") == "$EXPECTED" ]] || exit 9
  [[ -n $STORE_NAME && -n $ADMIN_EMAIL && -n $CURRENCY ]] || exit 8
  [[ $CATALOGUE_FILE == /*/catalogue.json && -s $CATALOGUE_FILE ]] || exit 7
  echo "creating region"; echo "publishable-key=pk_0123abcd"
fi
"""


def _setup(render_store: Any, kit: Any, engine: str) -> dict[str, str]:
    objects = render_store(kit.profile_values("values-vps.yaml", engine))
    (config,) = [
        o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == f"{kit.STORE_ID}-setup"
    ]
    return config["data"]


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, str]:
    secrets = tmp_path / "credentials"
    secrets.mkdir()
    for key in ("wordpress-admin-password", "medusa-admin-password"):
        (secrets / key).write_text(PASSWORD + "\n")
    (tmp_path / "bin").mkdir()
    return {
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "SECRETS_DIR": str(secrets),
        "SETUP_DIR": str(tmp_path / "setup"),
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "FAKE_STDIN": str(tmp_path / "stdin"),
        "EXPECTED": PASSWORD,
        "HOME": str(tmp_path),
        "root": str(tmp_path),
    }


def _write(data: dict[str, str], directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    for name, text in data.items():
        (directory / name).write_text(text)


@pytest.mark.parametrize("engine", ["woocommerce", "medusa"])
def test_scripts_parse(engine: str, render_store: Any, kit: Any, tmp_path: Path) -> None:
    data = _setup(render_store, kit, engine)
    _write(data, tmp_path)
    scripts = sorted(name for name in data if name.endswith(".sh"))
    assert (
        scripts
        == {
            "woocommerce": [
                "woocommerce-catalogue.sh",
                "woocommerce-rotate-admin.sh",
                "woocommerce-setup.sh",
            ],
            "medusa": ["medusa-rotate-admin.sh", "medusa-setup.sh"],
        }[engine]
    )
    for name in scripts:
        subprocess.run(["bash", "-n", str(tmp_path / name)], check=True)
        text = data[name]
        if name.endswith("-setup.sh"):  # the catalogue is sourced, not run
            assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(tmp_path / "store.env")], check=True)


def test_store_env_has_the_store_and_no_secret(render_store: Any, kit: Any) -> None:
    env = _setup(render_store, kit, "woocommerce")["store.env"]
    assert "STORE_URL='https://acme-shop-abcdefgh23.localhost'" in env
    assert "STORE_NAME='acme-shop'" in env and "STORE_THEME='storefront'" in env
    assert "password" not in env.lower()


def test_woocommerce_setup_reads_the_password_from_the_mounted_file(
    render_store: Any, kit: Any, sandbox: dict[str, str]
) -> None:
    root = Path(sandbox["root"])
    _write(_setup(render_store, kit, "woocommerce"), Path(sandbox["SETUP_DIR"]))
    (root / "bin" / "wp").write_text(FAKE_WP)
    (root / "bin" / "wp").chmod(0o755)
    env = {k: v for k, v in sandbox.items() if k != "root"}
    script = Path(sandbox["SETUP_DIR"]) / "woocommerce-setup.sh"
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = Path(sandbox["FAKE_LOG"]).read_text()
    assert PASSWORD not in calls  # never an argument
    assert Path(sandbox["FAKE_STDIN"]).read_text().strip() == PASSWORD  # but given on stdin
    order = [
        "core install",
        "plugin install woocommerce --version=9.5.2",
        "theme install storefront",
        "option update woocommerce_cart_page_id 42",
        "option update woocommerce_currency USD",
        "rewrite structure /%postname%/",
        "option update woocommerce_cod_settings",
        "wc product_cat create --name=Clothing --slug=clothing",
        "wc product create --type=variable",
        "wc product_variation create 42 --sku=TEE-BLACK-S --regular_price=24.00",
        "wc product create --type=simple --sku=WALLET --regular_price=45.00",
        "wc tool run regenerate_product_lookup_tables",
    ]
    positions = [calls.find(step) for step in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions, strict=True))
    assert "--admin_email=admin@acme-shop-abcdefgh23.localhost" in calls
    # Re-run on an installed site: nothing is installed twice.
    Path(sandbox["FAKE_LOG"]).write_text("")
    Path(sandbox["FAKE_LOG"] + ".second").touch()
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    again = Path(sandbox["FAKE_LOG"]).read_text()
    assert "core install" not in again and "plugin install" not in again and "theme install" not in again


def test_medusa_setup_reads_the_password_from_the_mounted_file(
    render_store: Any, kit: Any, sandbox: dict[str, str]
) -> None:
    root = Path(sandbox["root"])
    _write(_setup(render_store, kit, "medusa"), Path(sandbox["SETUP_DIR"]))
    app = root / "app"
    (app / "node_modules" / ".bin").mkdir(parents=True)
    medusa = app / "node_modules" / ".bin" / "medusa"
    medusa.write_text(FAKE_MEDUSA)
    medusa.chmod(0o755)
    # The backend image's own seed entry point, as the image holds it at /app/scripts/seed.sh.
    (app / "scripts").mkdir()
    shutil.copy(BACKEND_SEED, app / "scripts" / "seed.sh")
    env = {k: v for k, v in sandbox.items() if k != "root"} | {"MEDUSA_APP_DIR": str(app)}
    script = Path(sandbox["SETUP_DIR"]) / "medusa-setup.sh"
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "publishable-key=pk_0123abcd"
    calls = Path(sandbox["FAKE_LOG"]).read_text().splitlines()
    assert calls == ["db:migrate", "exec ./src/scripts/seed.ts"]
    assert PASSWORD not in "\n".join(calls)


def test_the_medusa_seed_needs_a_catalogue_file(sandbox: dict[str, str], tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "node_modules" / ".bin").mkdir(parents=True)
    (app / "node_modules" / ".bin" / "medusa").write_text(FAKE_MEDUSA)
    (app / "node_modules" / ".bin" / "medusa").chmod(0o755)
    (app / "scripts").mkdir()
    shutil.copy(BACKEND_SEED, app / "scripts" / "seed.sh")
    env = {k: v for k, v in sandbox.items() if k != "root"} | {"STORE_NAME": "x"}
    for catalogue, message in (
        (None, "CATALOGUE_FILE must be set"),
        (str(tmp_path), "is not a readable file"),
    ):
        run_env = env if catalogue is None else env | {"CATALOGUE_FILE": catalogue}
        result = subprocess.run(
            ["bash", str(app / "scripts" / "seed.sh")],
            env=run_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1 and message in result.stderr and "CATALOGUE_FILE" in result.stderr
        assert not Path(sandbox["FAKE_LOG"]).exists()  # failed before any migration
