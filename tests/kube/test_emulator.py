"""The test Kubernetes API through the official client over HTTP: writes, errors, generation,
patches, finalizers, namespaces, logs and discovery."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import kubernetes
import pytest
from kubernetes.client import ApiException

from storefleet_demo.kube.cluster import KubeCluster, running_kube_api

HR = ("helm.toolkit.fluxcd.io", "v2", "helmreleases")
APP = ("argoproj.io", "v1alpha1", "applications")


# Typed as Any: the client's generated signatures want model objects; these tests send plain dicts.
def core(cluster: KubeCluster) -> Any:
    return kubernetes.client.CoreV1Api(cluster.api_client())


def batch_api(client: Any) -> Any:
    return kubernetes.client.BatchV1Api(client)


def custom(cluster: KubeCluster) -> Any:
    return kubernetes.client.CustomObjectsApi(cluster.api_client())


def status_of(error: ApiException) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(error.body or "{}")
    return body


def helmrelease(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": name},
        "spec": spec,
    }


def test_create_answers_201_with_the_stored_object(kube_api: KubeCluster) -> None:
    ns = core(kube_api).create_namespace({"metadata": {"name": "st-a"}})
    assert ns.metadata.uid and ns.metadata.creation_timestamp and ns.status.phase == "Active"
    assert ns.metadata.labels == {"kubernetes.io/metadata.name": "st-a"}
    hr = custom(kube_api).create_namespaced_custom_object(
        *HR[:2], "st-a", HR[2], helmrelease("st-a", interval="10m")
    )
    assert hr["metadata"]["namespace"] == "st-a"  # from the path: the body had none
    assert hr["metadata"]["generation"] == 1
    assert int(hr["metadata"]["resourceVersion"]) > int(ns.metadata.resource_version)
    generated = core(kube_api).create_namespaced_config_map("st-a", {"metadata": {"generateName": "setup-"}})
    assert generated.metadata.name.startswith("setup-") and len(generated.metadata.name) == len("setup-") + 5


def test_errors_are_status_bodies(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    api.create_namespace({"metadata": {"name": "st-a"}})
    with pytest.raises(ApiException) as duplicate:
        api.create_namespace({"metadata": {"name": "st-a"}})
    assert duplicate.value.status == 409
    assert status_of(duplicate.value)["reason"] == "AlreadyExists"
    assert status_of(duplicate.value)["details"] == {"name": "st-a", "group": "", "kind": "namespaces"}
    with pytest.raises(ApiException) as missing:
        api.read_namespaced_secret("nope", "st-a")
    assert (missing.value.status, status_of(missing.value)["reason"]) == (404, "NotFound")
    assert status_of(missing.value)["message"] == 'secrets "nope" not found'
    with pytest.raises(ApiException) as nameless:
        api.create_namespaced_secret("st-a", {"metadata": {}})
    assert (nameless.value.status, status_of(nameless.value)["reason"]) == (422, "Invalid")
    with pytest.raises(ApiException) as no_namespace:
        api.create_namespaced_secret("st-missing", {"metadata": {"name": "s"}})
    assert status_of(no_namespace.value)["message"] == 'namespaces "st-missing" not found'


def test_replace_and_patches_and_generation(kube_api: KubeCluster) -> None:
    api = custom(kube_api)
    core(kube_api).create_namespace({"metadata": {"name": "st-a"}})
    hr = api.create_namespaced_custom_object(*HR[:2], "st-a", HR[2], helmrelease("st-a", interval="10m"))
    # metadata only: same generation
    hr = api.patch_namespaced_custom_object(
        *HR[:2], "st-a", HR[2], "st-a", {"metadata": {"labels": {"a": "b"}}}
    )
    assert hr["metadata"]["generation"] == 1
    # status subresource: same generation, and the main endpoint cannot write status
    hr = api.patch_namespaced_custom_object_status(*HR[:2], "st-a", HR[2], "st-a", {"status": {"x": 1}})
    assert (hr["metadata"]["generation"], hr["status"]) == (1, {"x": 1})
    hr = api.patch_namespaced_custom_object(*HR[:2], "st-a", HR[2], "st-a", {"status": {"x": 2}})
    assert (hr["metadata"]["generation"], hr["status"]) == (1, {"x": 1})
    # spec by PUT: next generation; the stored status stays
    hr["spec"]["interval"] = "5m"
    hr = api.replace_namespaced_custom_object(*HR[:2], "st-a", HR[2], "st-a", hr)
    assert (hr["metadata"]["generation"], hr["status"]) == (2, {"x": 1})
    # an unchanged write: no new resourceVersion
    again = api.replace_namespaced_custom_object(*HR[:2], "st-a", HR[2], "st-a", hr)
    assert again["metadata"]["resourceVersion"] == hr["metadata"]["resourceVersion"]
    # JSON patch (RFC 6902), sent as such only when asked for
    ops = [
        {"op": "test", "path": "/spec/interval", "value": "5m"},
        {"op": "add", "path": "/spec/suspend", "value": True},
    ]
    hr = api.patch_namespaced_custom_object(
        *HR[:2], "st-a", HR[2], "st-a", ops, _content_type="application/json-patch+json"
    )
    assert (hr["spec"]["suspend"], hr["metadata"]["generation"]) == (True, 3)
    with pytest.raises(ApiException) as failed_test:
        api.patch_namespaced_custom_object(
            *HR[:2],
            "st-a",
            HR[2],
            "st-a",
            ops[:1] * 0 + [{"op": "test", "path": "/spec/interval", "value": "1m"}],
            _content_type="application/json-patch+json",
        )
    assert failed_test.value.status == 422


def test_application_status_bumps_generation_as_upstream(kube_api: KubeCluster) -> None:
    api = custom(kube_api)
    core(kube_api).create_namespace({"metadata": {"name": "argocd"}})
    app = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "a"}, "spec": {}}
    created = api.create_namespaced_custom_object(*APP[:2], "argocd", APP[2], {**app, "status": {"s": 1}})
    assert created["status"] == {"s": 1}  # no status subresource: the status is stored as sent
    patched = api.patch_namespaced_custom_object(*APP[:2], "argocd", APP[2], "a", {"status": {"s": 2}})
    assert patched["metadata"]["generation"] == 2
    with pytest.raises(ApiException) as no_subresource:
        api.get_namespaced_custom_object_status(*APP[:2], "argocd", APP[2], "a")
    assert no_subresource.value.status == 404


def test_stale_resource_version_is_a_conflict(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    api.create_namespace({"metadata": {"name": "st-a"}})
    first = api.create_namespaced_config_map("st-a", {"metadata": {"name": "c"}, "data": {"k": "1"}})
    api.patch_namespaced_config_map("c", "st-a", {"data": {"k": "2"}})
    first.data = {"k": "3"}
    with pytest.raises(ApiException) as stale:
        api.replace_namespaced_config_map("c", "st-a", first)
    assert (stale.value.status, status_of(stale.value)["reason"]) == (409, "Conflict")
    stale_patch = {"metadata": {"resourceVersion": first.metadata.resource_version}, "data": {"k": "4"}}
    with pytest.raises(ApiException):
        api.patch_namespaced_config_map("c", "st-a", stale_patch)
    assert api.read_namespaced_config_map("c", "st-a").data == {"k": "2"}


def test_finalizers_hold_a_delete_until_they_are_removed(kube_api: KubeCluster) -> None:
    api = custom(kube_api)
    core(kube_api).create_namespace({"metadata": {"name": "st-a"}})
    body = helmrelease("st-a")
    body["metadata"]["finalizers"] = ["finalizers.fluxcd.io"]
    api.create_namespaced_custom_object(*HR[:2], "st-a", HR[2], body)
    deleting = api.delete_namespaced_custom_object(
        *HR[:2], "st-a", HR[2], "st-a", propagation_policy="Foreground"
    )
    assert deleting["metadata"]["deletionTimestamp"]
    held = api.get_namespaced_custom_object(*HR[:2], "st-a", HR[2], "st-a")
    assert held["metadata"]["deletionTimestamp"] and held["metadata"]["generation"] == 2
    api.patch_namespaced_custom_object(*HR[:2], "st-a", HR[2], "st-a", {"metadata": {"finalizers": None}})
    with pytest.raises(ApiException) as gone:
        api.get_namespaced_custom_object(*HR[:2], "st-a", HR[2], "st-a")
    assert gone.value.status == 404


def test_namespace_delete_cascades_and_can_be_held(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    for name in ("st-a", "st-b"):
        api.create_namespace({"metadata": {"name": name}})
        api.create_namespaced_secret(name, {"metadata": {"name": "s"}})
    api.delete_namespace("st-a")
    with pytest.raises(ApiException):
        api.read_namespace("st-a")
    assert kube_api.objects("v1", "Secret", "st-a") == []
    kube_api.hold_namespace("st-b")
    terminating = api.delete_namespace("st-b")  # the Namespace, which the client leaves a dict
    assert terminating["status"]["phase"] == "Terminating"
    assert api.read_namespace("st-b").status.phase == "Terminating"
    assert kube_api.objects("v1", "Secret", "st-b") == []
    with pytest.raises(ApiException) as refused:
        api.create_namespaced_secret("st-b", {"metadata": {"name": "late"}})
    assert refused.value.status == 403
    kube_api.release_namespace("st-b")
    assert [ns.metadata.name for ns in api.list_namespace().items if ns.metadata.name.startswith("st-")] == []


def test_namespace_waits_for_finalizers_of_its_content(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    api.create_namespace({"metadata": {"name": "st-a"}})
    api.create_namespaced_config_map("st-a", {"metadata": {"name": "c", "finalizers": ["example.com/f"]}})
    api.delete_namespace("st-a")
    assert api.read_namespace("st-a").status.phase == "Terminating"
    api.patch_namespaced_config_map("c", "st-a", {"metadata": {"finalizers": None}})
    with pytest.raises(ApiException):
        api.read_namespace("st-a")


def test_owner_references_are_collected(kube_api: KubeCluster) -> None:
    api, batch = core(kube_api), batch_api(kube_api.api_client())
    api.create_namespace({"metadata": {"name": "st-a"}})
    for job_name in ("orphaning", "collecting"):
        job = batch.create_namespaced_job("st-a", {"metadata": {"name": job_name}, "spec": {"template": {}}})
        ref = {"apiVersion": "batch/v1", "kind": "Job", "name": job_name, "uid": job.metadata.uid}
        api.create_namespaced_pod("st-a", {"metadata": {"name": f"{job_name}-pod", "ownerReferences": [ref]}})
    batch.delete_namespaced_job("orphaning", "st-a")  # batch/v1's default: orphan
    batch.delete_namespaced_job("collecting", "st-a", propagation_policy="Background")
    pods = api.list_namespaced_pod("st-a").items
    assert [(p.metadata.name, p.metadata.owner_references) for p in pods] == [("orphaning-pod", [])]
    api.delete_collection_namespaced_pod("st-a", label_selector="!app")
    assert api.list_namespaced_pod("st-a").items == []


def test_pod_log_tail(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    api.create_namespace({"metadata": {"name": "st-a"}})
    api.create_namespaced_pod("st-a", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}})
    with pytest.raises(ApiException) as waiting:
        api.read_namespaced_pod_log("p", "st-a")
    assert "waiting to start" in status_of(waiting.value)["message"]
    api.patch_namespaced_pod_status("p", "st-a", {"status": {"phase": "Succeeded"}})
    kube_api.set_pod_log("st-a", "p", "one\ntwo\nthree\n")
    assert api.read_namespaced_pod_log("p", "st-a") == "one\ntwo\nthree\n"
    assert api.read_namespaced_pod_log("p", "st-a", tail_lines=2) == "two\nthree\n"


def test_cluster_wide_lists(kube_api: KubeCluster) -> None:
    api, batch = core(kube_api), batch_api(kube_api.api_client())
    for name in ("st-a", "st-b"):
        api.create_namespace({"metadata": {"name": name}})
        batch.create_namespaced_job(name, {"metadata": {"name": "setup"}, "spec": {"template": {}}})
        custom(kube_api).create_namespaced_custom_object(*HR[:2], name, HR[2], helmrelease(name))
    jobs = batch.list_job_for_all_namespaces()
    assert [(j.metadata.namespace, j.metadata.name) for j in jobs.items] == [
        ("st-a", "setup"),
        ("st-b", "setup"),
    ]
    releases = custom(kube_api).list_cluster_custom_object(*HR)
    assert [r["metadata"]["name"] for r in releases["items"]] == ["st-a", "st-b"]
    assert releases["kind"] == "HelmReleaseList" and releases["metadata"]["resourceVersion"]
    page = api.list_namespace(limit=2)
    rest = api.list_namespace(_continue=page.metadata._continue)
    assert len(page.items) == 2 and len(page.items) + len(rest.items) == len(api.list_namespace().items)


@pytest.mark.parametrize("path", ["/version", "/version/", "/api", "/api/", "/apis", "/apis/", "/api/v1"])
def test_discovery(kube_api: KubeCluster, path: str) -> None:
    client: Any = kube_api.api_client()
    response = client.call_api(*client.param_serialize("GET", path))
    assert response.status == 200
    response.read()
    assert json.loads(response.data)


def test_discovery_names_the_flux_and_argo_groups(kube_api: KubeCluster) -> None:
    apis: Any = kubernetes.client.ApisApi(kube_api.api_client())
    names = {group.name for group in apis.get_api_versions().groups}
    assert {"helm.toolkit.fluxcd.io", "argoproj.io", "batch", "apps"} <= names
    resources = core(kube_api).get_api_resources().resources
    assert {"namespaces", "pods/log", "secrets"} <= {r.name for r in resources}


def test_kubeconfig_file_points_at_the_server(kube_api: KubeCluster, tmp_path: Path) -> None:
    path = kube_api.write_kubeconfig(tmp_path / "kubeconfig")
    configuration = kubernetes.client.Configuration()
    loaders: Any = kubernetes.config  # untyped
    loaders.load_kube_config(config_file=str(path), client_configuration=configuration)
    api: Any = kubernetes.client.CoreV1Api(kubernetes.client.ApiClient(configuration))
    assert "default" in [ns.metadata.name for ns in api.list_namespace().items]


def test_request_log_stays_bounded(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    for _ in range(250):
        api.read_namespace("default")
    assert len(kube_api.emulator._requests) <= kube_api.emulator.request_log_limit


def test_kmock_reactions_still_come_first(kube_api: KubeCluster) -> None:
    kube_api.emulator["get /api/v1/namespaces/default"] << 503
    with pytest.raises(ApiException) as unavailable:
        core(kube_api).read_namespace("default")
    assert unavailable.value.status == 503
    assert core(kube_api).read_namespace("kube-system").metadata.name == "kube-system"


def test_shutdown_does_not_wait_for_open_watches() -> None:
    with running_kube_api() as cluster:
        response = core(cluster).list_namespace(watch=True, _preload_content=False)
        started = time.monotonic()
    assert time.monotonic() - started < 2
    response.release_conn()


def test_secret_string_data_is_folded_into_data(kube_api: KubeCluster) -> None:
    core: Any = kubernetes.client.CoreV1Api(kube_api.api_client())  # Any: a plain JSON body
    body = {"metadata": {"name": "s"}, "data": {"a": "eA==", "b": "eA=="}, "stringData": {"b": "two"}}
    created = core.create_namespaced_secret("default", body)
    assert created.data == {"a": "eA==", "b": "dHdv"} and created.string_data is None
    stored = kube_api.objects("v1", "Secret", "default")[0]
    assert "stringData" not in stored


def test_a_paged_list_reuses_its_selection_until_a_write(kube_api: KubeCluster) -> None:
    api = core(kube_api)
    for n in range(5):
        api.create_namespace({"metadata": {"name": f"st-page{n}"}})
    whole = [ns.metadata.name for ns in api.list_namespace().items]
    pages, token = [], None
    while True:
        page = api.list_namespace(limit=2, _continue=token) if token else api.list_namespace(limit=2)
        pages += [ns.metadata.name for ns in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert pages == whole
    first = api.list_namespace(limit=2)
    api.create_namespace({"metadata": {"name": "a-first"}})  # sorts before every other namespace
    after = api.list_namespace(limit=2, _continue=first.metadata._continue)
    # cut from the state after the write: the first page's last namespace comes again
    assert after.items[0].metadata.name == first.items[1].metadata.name
