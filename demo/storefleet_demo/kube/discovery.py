"""The discovery documents a client may read before it talks to a resource: /version, /api, /apis and
the per-group and per-version lists, with or without a trailing slash."""

from __future__ import annotations

from typing import Any

from storefleet_demo.kube import errors
from storefleet_demo.kube.resources import Registry, ResourceType

Obj = dict[str, Any]

VERSION = {
    "major": "1",
    "minor": "33",
    "gitVersion": "v1.33.0",
    "gitCommit": "0" * 40,
    "gitTreeState": "clean",
    "buildDate": "2025-04-23T00:00:00Z",
    "goVersion": "go1.24.2",
    "compiler": "gc",
    "platform": "linux/amd64",
}
_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
_HEALTH = ("healthz", "livez", "readyz")


def _resource_entries(rt: ResourceType) -> list[Obj]:
    entries: list[Obj] = [
        {
            "name": rt.plural,
            "singularName": rt.singular,
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": _VERBS,
            **({"shortNames": list(rt.short_names)} if rt.short_names else {}),
        }
    ]
    for sub in rt.subresources:
        verbs = ["get"] if sub == "log" else ["get", "patch", "update"]
        kind = "Pod" if sub == "log" else rt.kind
        entries.append(
            {
                "name": f"{rt.plural}/{sub}",
                "singularName": "",
                "namespaced": rt.namespaced,
                "kind": kind,
                "verbs": verbs,
            }
        )
    return entries


def _resource_list(registry: Registry, group: str, version: str) -> Obj:
    types = [rt for rt in registry if rt.group == group and rt.version == version]
    if not types:
        raise errors.unknown_path()
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": [entry for rt in types for entry in _resource_entries(rt)],
    }


def _group(name: str, versions: list[str]) -> Obj:
    listed = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": listed, "preferredVersion": listed[0]}


def document(registry: Registry, path: str) -> Obj | str:
    """The discovery answer for a path that is not a resource path (404 Status when there is none)."""
    parts = [part for part in path.split("/") if part]
    groups = registry.group_versions()
    match parts:
        case []:
            named = [f"/apis/{g}/{v}" for g, versions in groups.items() for v in versions]
            return {"paths": sorted(["/api", "/api/v1", "/apis", "/version", *_HEALTH, *named])}
        case ["version"]:
            return VERSION
        case [probe] if probe in _HEALTH:
            return "ok"
        case ["api"]:
            return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        case ["api", version]:
            return _resource_list(registry, "", version)
        case ["apis"]:
            listed = [_group(name, versions) for name, versions in groups.items()]
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": listed}
        case ["apis", group] if group in groups:
            return {"kind": "APIGroup", "apiVersion": "v1", **_group(group, groups[group])}
        case ["apis", group, version]:
            return _resource_list(registry, group, version)
    raise errors.unknown_path()
