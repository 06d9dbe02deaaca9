"""What the ecommerce-store chart puts in a store namespace, as far as the watcher looks at it (the
setup ConfigMap, the credentials Secret, the app Deployment and its Pod, the Service and Ingress, the
PersistentVolumeClaims, the ResourceQuota and LimitRange), with the statuses the kubelet and
controllers would give them; and setup Jobs run to their end."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import yaml

from storefleet_demo.kube.rest import Kube

Obj = dict[str, Any]
CHART, CHART_VERSION = "ecommerce-store", "0.4.0"
_IMAGES = {
    "woocommerce": "wordpress:6.7.1-php8.2-apache",
    "medusa": "ghcr.io/storefleet/medusa-backend:0.2.0",
}
_SETUP_IMAGES = {
    "woocommerce": "wordpress:cli-2.11.0-php8.2",
    "medusa": "ghcr.io/storefleet/medusa-backend:0.2.0",
}
# store.credentialKeys in the chart's _helpers.tpl
CREDENTIAL_KEYS = {
    "woocommerce": [
        "mariadb-root-password",
        "mariadb-password",
        "wordpress-admin-password",
        *(
            f"wordpress-{part}-{kind}"
            for kind in ("key", "salt")
            for part in ("auth", "secure-auth", "logged-in", "nonce")
        ),
    ],
    "medusa": ["postgres-password", "medusa-jwt-secret", "medusa-cookie-secret", "medusa-admin-password"],
}


def image_id(image: str) -> str:
    return f"docker.io/library/{image}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Release:
    """One store's chart release, from the values the renderer wrote (HelmRelease spec.values or the
    Application's helm valuesObject)."""

    store_id: str
    tenant: str
    name: str
    engine: str
    host: str
    tls: bool
    ingress_class: str | None
    existing_secret: str | None
    quota: bool = True  # quota.enabled (the chart's default)
    limit_range: bool = True  # limitRange.enabled
    instance: str = ""  # store.instance: the instance a store created from a backup kept

    @classmethod
    def from_values(cls, values: Obj) -> Release:
        store, ingress = values["store"], values.get("ingress") or {}
        return cls(
            store_id=store["id"],
            tenant=store["tenant"],
            name=store["name"],
            engine=values.get("engine", "woocommerce"),
            host=ingress.get("host") or f"{store['id']}.localhost",
            tls=bool(ingress.get("tls")),
            ingress_class=ingress.get("className"),
            existing_secret=(values.get("credentials") or {}).get("existingSecret"),
            quota=bool((values.get("quota") or {}).get("enabled", True)),
            limit_range=bool((values.get("limitRange") or {}).get("enabled", True)),
            instance=store.get("instance") or "",
        )

    @property
    def fullname(self) -> str:
        """The chart's `store.fullname`: the release name (the store id), or `store.instance`."""
        return self.instance or self.store_id

    @property
    def secret_name(self) -> str:
        return self.existing_secret or f"{self.fullname}-credentials"

    @property
    def app(self) -> str:
        return "wordpress" if self.engine == "woocommerce" else "medusa"

    @property
    def web(self) -> str:
        return f"{self.fullname}-{'wordpress' if self.engine == 'woocommerce' else 'storefront'}"

    @property
    def deployment(self) -> str:
        return f"{self.fullname}-{self.app}"

    @property
    def pod_name(self) -> str:
        """A ReplicaSet-style name, stable for the store (upgrades keep the Pod: no rollout is modelled)."""
        digest = hashlib.sha256(self.fullname.encode()).hexdigest()
        return f"{self.deployment}-{digest[:10]}-{digest[10:15]}"

    def labels(self, component: str) -> dict[str, str]:
        return {
            "helm.sh/chart": f"{CHART}-{CHART_VERSION}",
            "app.kubernetes.io/name": CHART,
            "app.kubernetes.io/instance": self.fullname,
            "app.kubernetes.io/version": CHART_VERSION,
            "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/part-of": "storefleet",
            "app.kubernetes.io/component": component,
            "storefleet.io/tenant": self.tenant,
            "storefleet.io/store": self.store_id,
            "storefleet.io/engine": self.engine,
        }

    def meta(self, name: str, component: str, **extra: Any) -> Obj:
        return {"name": name, "namespace": self.store_id, "labels": self.labels(component), **extra}


def setup_config_map(release: Release) -> Obj:
    """ConfigMap <fullname>-setup, shaped as configmap-setup.yaml renders it (the scripts' text left
    out: nothing runs them here, but the watcher looks for the rotation script's key)."""
    command = ["bash", f"/etc/storefleet/setup/{release.engine}-setup.sh"]
    image = _SETUP_IMAGES[release.engine]
    scheme = "https" if release.tls else "http"
    env = f"STORE_NAME='{release.name}'\nSTORE_URL='{scheme}://{release.host}'\nADMIN_USER='admin'\n"
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"labels": release.labels("setup")},
        "spec": {
            "backoffLimit": 2,
            "activeDeadlineSeconds": 900,
            "ttlSecondsAfterFinished": 86400,
            "template": {
                "metadata": {"labels": release.labels("setup")},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": "setup",
                            "image": image,
                            "command": command,
                            "volumeMounts": [
                                {"name": "setup", "mountPath": "/etc/storefleet/setup", "readOnly": True},
                                {
                                    "name": "credentials",
                                    "mountPath": "/etc/storefleet/credentials",
                                    "readOnly": True,
                                },
                            ],
                        }
                    ],
                    "volumes": [
                        {"name": "setup", "configMap": {"name": f"{release.fullname}-setup"}},
                        {"name": "credentials", "secret": {"secretName": release.secret_name}},
                    ],
                },
            },
        },
    }
    annotations = {"storefleet.io/setup-image": image, "storefleet.io/setup-command": " ".join(command)}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": release.meta(f"{release.fullname}-setup", "setup", annotations=annotations),
        "data": {
            "store.env": env,
            "job.yaml": yaml.safe_dump(job, sort_keys=False),
            f"{release.engine}-rotate-admin.sh": "# helm/ecommerce-store/files\n",
        },
    }


def credentials_secret(release: Release) -> Obj:
    """What the chart generates under Flux: random values, kept on uninstall."""
    data = {
        key: base64.b64encode(secrets.token_urlsafe(36).encode()).decode()
        for key in CREDENTIAL_KEYS[release.engine]
    }
    keep = {"helm.sh/resource-policy": "keep"}
    meta = release.meta(release.secret_name, "credentials", annotations=keep)
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": "Opaque", "data": data}


def _deployment(release: Release) -> Obj:
    selector = {
        key: release.labels(release.app)[key]
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/instance")
    }
    container = {"name": release.app, "image": _IMAGES[release.engine]}
    template = {"metadata": {"labels": release.labels(release.app)}, "spec": {"containers": [container]}}
    spec = {
        "replicas": 1,
        "selector": {"matchLabels": selector},
        "strategy": {"type": "Recreate"},
        "template": template,
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": release.meta(release.deployment, release.app),
        "spec": spec,
    }


def _service_and_ingress(release: Release) -> list[Obj]:
    port = 80 if release.engine == "woocommerce" else 8080
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": release.meta(release.web, "web"),
        "spec": {"type": "ClusterIP", "ports": [{"name": "http", "port": port, "targetPort": port}]},
    }
    backend = {"service": {"name": release.web, "port": {"number": port}}}
    rule = {
        "host": release.host,
        "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]},
    }
    spec: Obj = {
        "rules": [rule],
        **({"ingressClassName": release.ingress_class} if release.ingress_class else {}),
    }
    if release.tls:
        spec["tls"] = [{"hosts": [release.host], "secretName": f"{release.store_id}-tls"}]
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": release.meta(release.fullname, "web"),
        "spec": spec,
    }
    return [service, ingress]


# --- what a state looks like -------------------------------------------------------------------


def _deployment_status(release: Release, state: str, generation: int) -> Obj:
    rs = f"{release.deployment}-{release.pod_name.split('-')[-2]}"
    counts: Obj = {"observedGeneration": generation, "replicas": 1, "updatedReplicas": 1}
    if state == "ready":
        available = ("True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        progressing = ("True", "NewReplicaSetAvailable", f'ReplicaSet "{rs}" has successfully progressed.')
        counts.update(readyReplicas=1, availableReplicas=1)
    else:
        available = ("False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
        progressing = (
            ("True", "ReplicaSetUpdated", f'ReplicaSet "{rs}" is progressing.')
            if state == "waiting"
            else ("False", "ProgressDeadlineExceeded", f'ReplicaSet "{rs}" has timed out progressing.')
        )
        counts.update(unavailableReplicas=1)
    conditions = [
        {
            "type": kind,
            "status": s,
            "reason": r,
            "message": m,
            "lastTransitionTime": _now(),
            "lastUpdateTime": _now(),
        }
        for kind, (s, r, m) in (("Available", available), ("Progressing", progressing))
    ]
    return {**counts, "conditions": conditions}


def _pod_status(release: Release, state: str) -> Obj:
    ready = state == "ready"
    image = _IMAGES[release.engine]
    # imageID is required by the client's V1ContainerStatus; empty until the image is pulled.
    container: Obj = {
        "name": release.app,
        "image": image,
        "imageID": image_id(image) if ready else "",
        "ready": ready,
        "started": ready,
    }
    if ready:
        container.update(restartCount=0, state={"running": {"startedAt": _now()}})
    elif state == "waiting":
        message = f'secret "{release.secret_name}" not found'
        container.update(
            restartCount=0, state={"waiting": {"reason": "CreateContainerConfigError", "message": message}}
        )
    else:  # crash-looping: backing off after its fifth restart, its last run ended just now
        message = f"back-off 5m0s restarting failed container={release.app} pod={release.pod_name}"
        ended = {"reason": "Error", "exitCode": 1, "startedAt": _now(), "finishedAt": _now()}
        container.update(
            restartCount=5,
            state={"waiting": {"reason": "CrashLoopBackOff", "message": message}},
            lastState={"terminated": ended},
        )
    unready = {"reason": "ContainersNotReady", "message": f"containers with unready status: [{release.app}]"}
    flag = {"status": "True"} if ready else {"status": "False", **unready}
    conditions = [{"type": "PodScheduled", "status": "True"}, {"type": "Initialized", "status": "True"}]
    conditions += [{"type": kind, **flag} for kind in ("ContainersReady", "Ready")]
    phase = "Pending" if state == "waiting" else "Running"
    return {"phase": phase, "conditions": conditions, "containerStatuses": [container], "startTime": _now()}


def claims(release: Release) -> list[Obj]:
    """The chart's PersistentVolumeClaims (its `*-pvc.yaml`): the app's files and the database's. No
    `helm.sh/resource-policy: keep` on them, so an uninstall deletes them."""
    components = ("wordpress", "mariadb") if release.engine == "woocommerce" else ("medusa", "postgresql")
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    return [
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "spec": spec,
         "metadata": release.meta(f"{release.fullname}-{component}", component)}
        for component in components
    ]  # fmt: skip


def limits(release: Release) -> list[Obj]:
    """The chart's ResourceQuota and LimitRange (resourcequota.yaml, limitrange.yaml: a small plan),
    named by its fullname, each when its values enable it."""
    quota = {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": release.meta(release.fullname, "quota"),
        "spec": {"hard": {"requests.cpu": "1", "limits.cpu": "2", "requests.memory": "1Gi",
                          "limits.memory": "2Gi", "pods": "10", "services": "8"}},
    }  # fmt: skip
    container = {
        "type": "Container",
        "default": {"cpu": "500m", "memory": "512Mi"},
        "defaultRequest": {"cpu": "100m", "memory": "256Mi"},
        "max": {"cpu": "1", "memory": "1Gi"},
    }
    claim = {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "10Gi"}}
    limit_range = {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": release.meta(release.fullname, "limits"),
        "spec": {"limits": [container, claim]},
    }  # fmt: skip
    return [obj for obj, on in ((quota, release.quota), (limit_range, release.limit_range)) if on]


def remove_limit(kube: Kube, store_id: str, kind: str, name: str | None = None) -> None:
    """Delete the store's ResourceQuota or LimitRange (named `name`, default the store id), as an
    admission policy or a hand that removed it would leave the namespace."""
    obj = kube.get("v1", kind, store_id, name or store_id)
    if obj is not None:
        kube.delete(obj)


def deploy(
    kube: Kube, release: Release, *, generate_secret: bool, state: str, refused: Iterable[str] = ()
) -> None:
    """Apply what the chart renders and give it `state`: ready, waiting (its pod cannot start:
    the credentials Secret is missing) or degraded (its container keeps crashing). An object that exists
    (one Velero restored) is taken over: a claim as it is, the others updated to the chart's, as
    helm-controller takes ownership of existing objects (its default), whichever release they were of.
    A `refused` kind (ResourceQuota, LimitRange) is left out (and removed), as a policy would."""
    if generate_secret and kube.get("v1", "Secret", release.store_id, release.secret_name) is None:
        kube.create(credentials_secret(release))  # the chart's `lookup` keeps the first values
    kube.apply(setup_config_map(release))
    for limit in limits(release):
        if limit["kind"] in refused:  # an admission policy removes it: it never stays
            remove_limit(kube, release.store_id, limit["kind"], release.fullname)
        else:
            kube.apply(limit)
    for claim in claims(release):
        found = kube.get("v1", "PersistentVolumeClaim", release.store_id, claim["metadata"]["name"])
        if found is None:
            kube.write_status(kube.create(claim), {"phase": "Bound"})
        else:  # the same volume, with the chart's labels (Velero's and others stay)
            kube.merge_patch(found, {"metadata": {"labels": claim["metadata"]["labels"]}})
    for obj in _service_and_ingress(release):
        kube.apply(obj)
    deployment = kube.apply(_deployment(release))
    owner = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": release.deployment,
        "uid": deployment["metadata"]["uid"],
    }
    template = deployment["spec"]["template"]
    meta = {
        **template["metadata"],
        "name": release.pod_name,
        "namespace": release.store_id,
        "ownerReferences": [owner],
    }
    pod = kube.apply({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template["spec"]})
    set_state(kube, release, state, deployment, pod)


def set_state(
    kube: Kube, release: Release, state: str, deployment: Obj | None = None, pod: Obj | None = None
) -> None:
    deployment = deployment or kube.get("apps/v1", "Deployment", release.store_id, release.deployment)
    pod = pod or kube.get("v1", "Pod", release.store_id, release.pod_name)
    if deployment is not None:
        kube.write_status(
            deployment, _deployment_status(release, state, deployment["metadata"]["generation"])
        )
    if pod is not None:
        kube.write_status(pod, _pod_status(release, state))
    for obj in _service_and_ingress(release)[1:]:
        ingress = {"loadBalancer": {"ingress": [{"ip": "127.0.0.1"}]}}
        kube.write_status(obj, ingress if state == "ready" else {"loadBalancer": {}})


def remove(kube: Kube, release: Release) -> None:
    """Uninstall (`helm uninstall` deletes every object of the release's manifest): everything but
    the credentials Secret (helm.sh/resource-policy: keep), the PersistentVolumeClaims included."""
    service, ingress = _service_and_ingress(release)
    chart = (ingress, service, _deployment(release), setup_config_map(release), *limits(release))
    for obj in (*chart, *claims(release)):
        kube.delete(obj)
