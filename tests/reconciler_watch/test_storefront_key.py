"""Reading the publishable key from the Medusa setup's log, and the Secret that keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest

from storefleet.reconciler_watch.storefront_key import (
    DATA_KEY,
    publishable_key,
    storefront_key_secret,
    storefront_key_secret_name,
)

BACKEND_SEED = Path(__file__).parents[2] / "storefront-medusa" / "backend" / "scripts" / "seed.sh"
SETUP_SCRIPT = Path(__file__).parents[2] / "helm" / "ecommerce-store" / "files" / "medusa-setup.sh"


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        ("created region\npublishable-key=pk_01ABCdef_9\n", "pk_01ABCdef_9"),
        ("publishable-key=pk_old\nmore output\npublishable-key=pk_new", "pk_new"),
        ("  publishable-key=pk_spaced  \n", "pk_spaced"),
        ("STOREFLEET_PUBLISHABLE_KEY=pk_x\n", None),  # the script's inner line is not the report
        ("publishable-key=sk_secret\n", None),  # only publishable keys, never a secret key
        ("publishable-key=pk_a; rm -rf /\n", None),
        ("", None),
    ],
)
def test_publishable_key_from_the_log(log: str, expected: str | None) -> None:
    assert publishable_key(log) == expected


def test_the_setup_script_reports_the_line_the_watcher_reads() -> None:
    """The chart's setup hands over to the backend image's seed, which prints the line last."""
    assert SETUP_SCRIPT.read_text().rstrip().endswith('exec bash "$MEDUSA_APP_DIR/scripts/seed.sh"')
    assert "printf 'publishable-key=%s\\n' \"$key\"" in BACKEND_SEED.read_text()
    assert publishable_key("migrating\npublishable-key=pk_01ab\n") == "pk_01ab"


def test_the_secret_is_labelled_and_named_as_the_chart_mounts_it() -> None:
    secret = storefront_key_secret("st-abcdefgh23", "u-abcdefgh23", "pk_1")
    assert (
        secret["metadata"]["name"]
        == storefront_key_secret_name("st-abcdefgh23")
        == "st-abcdefgh23-storefront-key"
    )
    assert secret["metadata"]["namespace"] == "st-abcdefgh23"
    assert secret["metadata"]["labels"]["storefleet.io/store"] == "st-abcdefgh23"
    assert secret["stringData"] == {DATA_KEY: "pk_1"}
    chart = (SETUP_SCRIPT.parents[1] / "templates" / "storefront-deployment.yaml").read_text()
    assert f"key: {DATA_KEY}" in chart and '"component" "storefront-key"' in chart
