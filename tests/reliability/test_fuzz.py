"""Fuzz every operation of the live OpenAPI document with schemathesis, as a tenant and as an admin.

Each generated request goes to the real app (fleet writer on a bare remote, the test Kubernetes API as
cluster); its answer must not be a 5xx, must carry a status code the document declares for the
operation, and must match that response's schema. A path's `store_id` / `user_id` is a real one
(the caller's, or someone else's) for part of the examples, so the code behind the 404 runs too.

Guardrails (rate limits, store caps, cooldown) stay off as in the `settings` fixture: on, they would
turn most examples into 429s. Examples are derandomized, so a CI run replays the same requests.
Some examples go without the token on purpose (schemathesis's missing-auth cases): those must be 401s.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from storefleet.api.app import create_app
from storefleet.api.settings import Settings
from tests.conftest import TEST_JWT_SECRET, Account, NewStore, Register

MAX_EXAMPLES = 25


def _live_schema() -> dict[str, Any]:
    """The document the app serves at /api/v1/openapi.json (building it connects to nothing)."""
    app = create_app(
        Settings(
            DATABASE_URL="postgresql://fuzz@127.0.0.1/fuzz", STOREFLEET_ENV="test", JWT_SECRET=TEST_JWT_SECRET
        ),
        migrate=False,
    )
    return app.openapi()


# Left out, and why (nothing else is):
# - POST /api/v1/webhooks/git: authenticated by an HMAC of the raw body or a shared token, not a bearer
#   token; random requests only ever meet its 404/401, which tests/api/fleet cover with real signatures.
# - GET /api/v1/metrics: Prometheus text exposition, not JSON; no schema to conform to (its admin-only
#   refusal is in tests/api/metrics).
schema = schemathesis.openapi.from_dict(_live_schema()).exclude(
    path_regex=r"^/api/v1/(webhooks/git|metrics)$"
)

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]

# Operations with a known, larger problem: "METHOD /path" -> reason (strict: a fix makes them fail).
XFAIL: dict[str, str] = {}

# (operation, role) -> status code -> examples answered with it
_examples: dict[str, Counter[int]] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_examples() -> Iterator[None]:
    yield
    total = sum(sum(codes.values()) for codes in _examples.values())
    succeeded = sum(n for codes in _examples.values() for code, n in codes.items() if code < 300)
    pairs = len(_examples)
    print(f"\nschemathesis: {total} examples ({succeeded} answered 2xx) over {pairs} (operation, role) pairs")
    for key, codes in sorted(_examples.items()):
        print(f"  {key}: {dict(sorted(codes.items()))}")
    # Every pair ran more than a token few (operations without parameters have fewer distinct requests).
    assert all(sum(codes.values()) >= 3 for codes in _examples.values()), _examples


@pytest.fixture
def world(client: TestClient, register: Register, new_store: NewStore) -> dict[str, Any]:
    """An admin and a tenant (registered through the API; the first is the admin), each with a store."""
    admin = register("root")
    tenant = register("alice")
    assert admin.user["role"] == "admin" and tenant.user["role"] == "tenant"
    return {
        "admin": admin,
        "tenant": tenant,
        "store_ids": [new_store(admin, "admin-shop")["id"], new_store(tenant, "tenant-shop")["id"]],
        "user_ids": [admin.id, tenant.id],
    }


def _real_ids(case: Any, world: dict[str, Any]) -> None:
    """For two examples in three, put a real id in the path (chosen from the generated value, so the
    choice replays with the example)."""
    for name, pool in (("store_id", world["store_ids"]), ("user_id", world["user_ids"])):
        value = (case.path_parameters or {}).get(name)
        if value is None:
            continue
        pick = zlib.crc32(str(value).encode()) % 3
        if pick < len(pool):
            case.path_parameters[name] = pool[pick]


def _valid_store_name(case: Any) -> None:
    """For one create in two, a name that passes the name rules (random names almost never do), so
    that creation itself, not only its validation, is fuzzed; derived from the generated name, so it
    replays with the example."""
    body = case.body
    if case.operation.path != "/api/v1/stores" or case.operation.method.upper() != "POST":
        return
    if not isinstance(body, dict) or "name" not in body:
        return
    digest = zlib.crc32(repr(body["name"]).encode())
    if digest % 2:
        body["name"] = f"fuzz-{digest:08x}"


@pytest.mark.parametrize("role", ["tenant", "admin"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_fuzz_operation(
    case: Any, role: str, world: dict[str, Any], client: TestClient, request: pytest.FixtureRequest
) -> None:
    label = f"{case.operation.method.upper()} {case.operation.path}"
    if label in XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=XFAIL[label]))
    account: Account = world[role]
    _real_ids(case, world)
    _valid_store_name(case)
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=account.headers)
    response = client.request(
        kwargs.pop("method"),
        kwargs.pop("url"),
        headers=kwargs.pop("headers", None),
        params=kwargs.pop("params", None),
        json=kwargs.pop("json", None),
        content=kwargs.pop("data", None),
    )
    assert not kwargs.get("cookies"), "the schema declares no cookie parameter"
    _examples.setdefault(f"{label} as {role}", Counter())[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
