"""One key of a store's credentials Secret at a time, for the rotation of its admin password
(`rotation.py`): a part of `Cluster` (a mixin), kept apart so the client module stays about the
watcher's own kinds.

Secrets are read as raw JSON and only the rotation's keys are touched; a value is generated into the
Secret or copied from one key to another as the API encodes it, never decoded, logged or returned.
Every write is a JSON merge patch conditional on the Secret's resourceVersion as it was read (a
concurrent change is a 409, and the rotation is judged again). The platform's access is the store
chart's Role: get and patch on the store's credentials Secret only.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from kubernetes.client.exceptions import ApiException

JSON_MERGE_PATCH = "application/merge-patch+json"


class SecretValues:
    """Needs the host class's CoreV1Api (`_core`), its request timeout and its raw JSON GET."""

    _core: Any
    _timeout: float

    def _get_json(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError  # the host class's

    def secret_keys(self, namespace: str, name: str) -> frozenset[str] | None:
        """The key names of a Secret (no value is decoded or kept); None when it does not exist."""
        secret = self._read_raw_secret(namespace, name)
        return None if secret is None else frozenset(secret.get("data") or {})

    def stage_secret_value(self, namespace: str, name: str, key: str, make_value: Callable[[], str]) -> bool:
        """Set `key` to `make_value()` unless the Secret has it already (then False: its value is
        kept). One write, conditional on the Secret as it was read."""
        secret = self._read_raw_secret(namespace, name)
        if secret is None:
            raise ApiException(status=404, reason=f"Secret {namespace}/{name} not found")
        if key in (secret.get("data") or {}):
            return False
        encoded = base64.b64encode(make_value().encode()).decode()
        self._patch_secret(namespace, name, secret, {key: encoded})
        return True

    def promote_secret_value(self, namespace: str, name: str, source: str, target: str) -> bool:
        """Give `target` the value of `source` and remove `source`, in one write conditional on the
        Secret as it was read (the value is copied as the API encodes it, never decoded). False when
        there is no `source` (moved already); a missing Secret raises (404)."""
        secret = self._read_raw_secret(namespace, name)
        if secret is None:
            raise ApiException(status=404, reason=f"Secret {namespace}/{name} not found")
        value = (secret.get("data") or {}).get(source)
        if not isinstance(value, str) or not value:
            return False
        self._patch_secret(namespace, name, secret, {target: value, source: None})
        return True

    def drop_secret_value(self, namespace: str, name: str, key: str) -> None:
        """Remove `key` from the Secret (nothing to do when it or the Secret is gone)."""
        try:
            self._core.patch_namespaced_secret(
                name, namespace, {"data": {key: None}}, _request_timeout=self._timeout,
                _content_type=JSON_MERGE_PATCH,
            )  # fmt: skip
        except ApiException as exc:
            if exc.status != 404:
                raise

    def _read_raw_secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        try:
            return self._get_json(self._core.read_namespaced_secret, name, namespace)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def _patch_secret(
        self, namespace: str, name: str, read: dict[str, Any], data: dict[str, str | None]
    ) -> None:
        """A JSON merge patch of `data` (None removes a key), refused (409) if the Secret changed
        since `read`."""
        version = (read.get("metadata") or {}).get("resourceVersion")
        body = {"metadata": {"resourceVersion": version}, "data": data}
        self._core.patch_namespaced_secret(
            name, namespace, body, _request_timeout=self._timeout, _content_type=JSON_MERGE_PATCH
        )
