"""The setup Job the watcher creates: `job.yaml` in the setup ConfigMap (`<release>-setup`). Once named and
placed as the watcher does, it is a valid batch/v1 Job that runs the engine's script in the configured
image with everything the script reads mounted, and it carries no secret."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import yaml

ENGINES = ("woocommerce", "medusa")
PLATFORM_SECRET = "platform-made-credentials"  # not the chart's default name, so a mix-up shows
SETUP_DIR = "/etc/storefleet/setup"
SECRETS_DIR = "/etc/storefleet/credentials"
WP_PATH = "/var/www/html"
IMAGES = {
    "setup": {
        "cliImage": {"repository": "registry.example/wp-cli", "tag": "cli-9.9.9", "pullPolicy": "Always"}
    },
    "medusa": {"image": {"repository": "registry.example/medusa", "tag": "9.9.9", "pullPolicy": "Always"}},
}
CASES = [(engine, secret) for engine in ENGINES for secret in ("", PLATFORM_SECRET)]
Obj = dict[str, Any]


def _render(render_store: Any, kit: Any, engine: str, secret: str = "", **extra: Any) -> list[Obj]:
    values = kit.profile_values("values-vps.yaml", engine)  # TLS on: WORDPRESS_CONFIG_EXTRA is set
    values = kit.deep_merge(values, {"credentials": {"existingSecret": secret}, **IMAGES})
    objects: list[Obj] = render_store(kit.deep_merge(values, extra))
    return objects


def _setup(job: Obj) -> Obj:
    container: Obj
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["name"] == "setup"
    return container


def _mounts(container: Obj, pod: Obj) -> dict[str, Obj]:
    """mountPath -> the volume mounted there."""
    volumes = {v["name"]: v for v in pod["volumes"]}
    return {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}


def _env(container: Obj) -> dict[str, Obj]:
    return {e["name"]: e for e in container["env"]}


@pytest.fixture(params=CASES, ids=[f"{e}-{'existing-secret' if s else 'generated'}" for e, s in CASES])
def case(request: pytest.FixtureRequest, kit: Any, render_store: Any) -> dict[str, Any]:
    engine, secret = request.param
    objects = _render(render_store, kit, engine, secret)
    return {"engine": engine, "secret": secret, "objects": objects, "job": kit.setup_job(objects)}


def test_job_yaml_is_an_unnamed_valid_job(case: dict[str, Any], kit: Any) -> None:
    text = kit.setup_config(case["objects"])["data"]["job.yaml"]
    raw = yaml.safe_load(text)
    assert (raw["apiVersion"], raw["kind"]) == ("batch/v1", "Job")
    assert set(raw["metadata"]) == {"labels"}  # the watcher sets name, namespace and its own metadata
    assert kit.k8s_errors(case["job"]) == []


def test_job_labels_are_the_setup_components(case: dict[str, Any], kit: Any) -> None:
    job = case["job"]
    expected = {
        "app.kubernetes.io/component": "setup",
        "app.kubernetes.io/instance": kit.STORE_ID,
        "app.kubernetes.io/part-of": "storefleet",
        "storefleet.io/store": kit.STORE_ID,
        "storefleet.io/tenant": "u-abcdefgh23",
        "storefleet.io/engine": case["engine"],
    }
    assert expected.items() <= job["metadata"]["labels"].items()
    pod_labels = job["spec"]["template"]["metadata"]["labels"]
    assert expected.items() <= pod_labels.items()
    # No Service may send traffic to the setup pod.
    for service in (o for o in case["objects"] if o["kind"] == "Service"):
        assert not service["spec"]["selector"].items() <= pod_labels.items(), service["metadata"]["name"]


def test_job_runs_the_configured_image_and_command(case: dict[str, Any], kit: Any) -> None:
    config = kit.setup_config(case["objects"])
    container = _setup(case["job"])
    image = IMAGES["setup"]["cliImage"] if case["engine"] == "woocommerce" else IMAGES["medusa"]["image"]
    assert container["image"] == f"{image['repository']}:{image['tag']}"
    assert container["imagePullPolicy"] == image["pullPolicy"]
    assert container["command"] == ["bash", f"{SETUP_DIR}/{case['engine']}-setup.sh"]
    annotations = config["metadata"]["annotations"]
    assert annotations["storefleet.io/setup-image"] == container["image"]
    assert annotations["storefleet.io/setup-command"].split() == container["command"]
    assert container["command"][1].removeprefix(f"{SETUP_DIR}/") in config["data"]


def test_job_mounts_the_setup_config_map_and_the_credentials(case: dict[str, Any], kit: Any) -> None:
    pod = case["job"]["spec"]["template"]["spec"]
    container = _setup(case["job"])
    mounts = _mounts(container, pod)
    assert mounts[SETUP_DIR]["configMap"]["name"] == f"{kit.STORE_ID}-setup"
    secret = case["secret"] or f"{kit.STORE_ID}-credentials"
    assert mounts[SECRETS_DIR]["secret"]["secretName"] == secret
    assert {m["mountPath"]: m.get("readOnly", False) for m in container["volumeMounts"]}[SECRETS_DIR]
    env = _env(container)
    # The scripts' directories, as the scripts read them (they source store.env from SETUP_DIR).
    assert env["SETUP_DIR"]["value"] == SETUP_DIR and env["SECRETS_DIR"]["value"] == SECRETS_DIR
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
    assert refs <= {secret}


def test_job_limits_come_from_values(kit: Any, render_store: Any) -> None:
    for engine in ENGINES:
        spec = kit.setup_job(_render(render_store, kit, engine))["spec"]
        assert (spec["backoffLimit"], spec["activeDeadlineSeconds"], spec["ttlSecondsAfterFinished"]) == (
            2,
            900,
            86400,
        )
        limits = {"backoffLimit": 0, "activeDeadlineSeconds": 1800, "ttlSecondsAfterFinished": 3600}
        spec = kit.setup_job(_render(render_store, kit, engine, setup=limits))["spec"]
        assert {key: spec[key] for key in limits} == limits
        assert spec["template"]["spec"]["restartPolicy"] == "Never"


def test_job_pod_is_locked_down_like_the_workloads(case: dict[str, Any], kit: Any) -> None:
    pod = case["job"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == kit.STORE_ID and pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["securityContext"]["runAsUser"] > 0
    for container in pod.get("initContainers", []) + pod["containers"]:
        context = container["securityContext"]
        assert context["runAsNonRoot"] is True and context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"] and not context.get("privileged")
        assert (
            set(container["resources"]["requests"])
            == set(container["resources"]["limits"])
            == {
                "cpu",
                "memory",
            }
        )


def _deployment_container(objects: list[Obj], name: str) -> Obj:
    (deployment,) = [o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"].endswith(name)]
    container: Obj = deployment["spec"]["template"]["spec"]["containers"][0]
    return container


def test_woocommerce_job_has_wordpress_as_the_deployment_sees_it(kit: Any, render_store: Any) -> None:
    objects = _render(render_store, kit, "woocommerce", PLATFORM_SECRET)
    job = kit.setup_job(objects)
    pod, container = job["spec"]["template"]["spec"], _setup(job)
    wordpress = _deployment_container(objects, "-wordpress")
    # Same database settings, salts and config extras as the site: every Deployment variable, verbatim.
    assert wordpress["env"] and all(e in container["env"] for e in wordpress["env"])
    assert "WORDPRESS_CONFIG_EXTRA" in _env(container) and _env(container)["WP_PATH"]["value"] == WP_PATH
    # Core in an emptyDir at WP_PATH, filled from the WordPress image; wp-content is the site's volume.
    mounts = _mounts(container, pod)
    assert "emptyDir" in mounts[WP_PATH]
    content = mounts[f"{WP_PATH}/wp-content"]["persistentVolumeClaim"]
    assert content["claimName"] == f"{kit.STORE_ID}-wordpress"
    site = {m["mountPath"]: m["name"] for m in wordpress["volumeMounts"]}
    assert site[f"{WP_PATH}/wp-content"] == "wp-content"
    (init,) = pod["initContainers"]
    assert init["image"] == wordpress["image"] == "wordpress:6.7.1-php8.2-apache"
    assert {m["mountPath"]: m["name"] for m in init["volumeMounts"]} == {WP_PATH: "wordpress"}
    script = " ".join(init["command"])
    assert "/usr/src/wordpress/. /var/www/html/" in script
    assert "wp-config-docker.php /var/www/html/wp-config.php" in script
    # ReadWriteOnce wp-content: the pod must land on WordPress's node.
    (term,) = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["topologyKey"] == "kubernetes.io/hostname"
    assert term["labelSelector"]["matchLabels"]["app.kubernetes.io/component"] == "wordpress"


def test_medusa_job_has_the_backends_environment(kit: Any, render_store: Any) -> None:
    objects = _render(render_store, kit, "medusa", PLATFORM_SECRET)
    container = _setup(kit.setup_job(objects))
    medusa = _deployment_container(objects, "-medusa")
    assert medusa["env"] and all(e in container["env"] for e in medusa["env"])
    assert _env(container)["DATABASE_URL"]["value"].startswith("postgres://medusa:$(POSTGRES_PASSWORD)@")


def test_no_secret_in_the_setup_config_map(case: dict[str, Any], kit: Any) -> None:
    config = kit.setup_config(case["objects"])
    job = yaml.safe_load(config["data"]["job.yaml"])
    for container in job["spec"]["template"]["spec"]["containers"]:
        for entry in container["env"]:  # a secret is a Secret reference or a path into the mount
            if any(word in entry["name"] for word in ("PASSWORD", "SECRET", "KEY", "SALT")):
                assert "valueFrom" in entry or entry["value"].startswith(SECRETS_DIR), entry
    secrets = [o for o in case["objects"] if o["kind"] == "Secret"]
    assert len(secrets) == (0 if case["secret"] else 1)
    text = yaml.safe_dump({k: v for k, v in config.items() if k != "_template"})
    for secret in secrets:
        for value in secret["data"].values():
            assert base64.b64decode(value).decode() not in text


def test_job_yaml_is_stable_across_renders(kit: Any, render_store: Any) -> None:
    """The watcher names the Job after a hash of its spec: an unchanged store must give the same Job."""
    for engine in ENGINES:
        first, second = (
            kit.setup_config(_render(render_store, kit, engine))["data"]["job.yaml"] for _ in range(2)
        )
        assert first == second


def test_the_watcher_builds_a_valid_job_from_the_rendered_config_map(case: dict[str, Any], kit: Any) -> None:
    from storefleet.reconciler_watch.setup_job import build_job, job_name

    config = kit.setup_config(case["objects"])
    job = build_job(config, store_id=kit.STORE_ID, tenant="u-abcdefgh23", key="0123abcdef", generation=2)
    assert job["metadata"]["name"] == job_name(kit.STORE_ID, "0123abcdef", 2)
    assert job["metadata"]["namespace"] == kit.STORE_ID
    for labels in (job["metadata"]["labels"], job["spec"]["template"]["metadata"]["labels"]):
        assert labels["storefleet.io/setup"] == "true"
        assert labels["app.kubernetes.io/managed-by"] == "storefleet"
        # Argo CD's label tracking would prune an object with the Application's instance label
        assert "app.kubernetes.io/instance" not in labels and "helm.sh/chart" not in labels
    assert kit.k8s_errors(job) == []
