"""The Schedule's pre-backup hooks reach the store chart's real database pods: the label selector
matches the pod template's labels, the container exists, and the credentials file the dump reads is
mounted there from the store's Secret."""

from __future__ import annotations

from typing import Any

import pytest

from storefleet.renderer import velero
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec
from tests.helm.conftest import STORE_ID, Render, store_values


@pytest.mark.parametrize("engine", ["woocommerce", "medusa"])
def test_the_dump_hook_selects_the_database_pod_and_its_credentials(
    render_store: Render, engine: str
) -> None:
    spec = StoreSpec(store_id=STORE_ID, tenant="u-abcdefgh23", name="acme-shop", engine=engine)
    template = velero.backup_template(spec, RenderProfile(backups_enabled=True), {})
    (hook,) = template["hooks"]["resources"]
    selector = hook["labelSelector"]["matchLabels"]
    exec_hook = hook["pre"][0]["exec"]
    objects = render_store(store_values(engine))
    matching = [
        obj["spec"]["template"]
        for obj in objects
        if obj["kind"] in ("StatefulSet", "Deployment")
        and selector.items() <= (obj["spec"]["template"]["metadata"].get("labels") or {}).items()
    ]
    assert len(matching) == 1, "exactly one workload's pods are the database"
    pod: dict[str, Any] = matching[0]["spec"]
    container = next(c for c in pod["containers"] if c["name"] == exec_hook["container"])
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    script = exec_hook["command"][-1]
    for path, volume in mounts.items():
        if path == "/etc/storefleet/credentials":
            secret = next(v for v in pod["volumes"] if v["name"] == volume)["secret"]["secretName"]
            assert secret == f"{STORE_ID}-credentials"
    assert "/etc/storefleet/credentials" in mounts
    data_mount = "/var/lib/mysql" if engine == "woocommerce" else "/var/lib/postgresql/data"
    assert mounts[data_mount] == "data"  # the dump lands on the volume the backup copies
    assert f"out={data_mount}/" in script
