"""WRITE_MODE=pull-request: each change proposed as a pull request on GitHub (the API double, over
HTTP through PyGithub), and followed to its end."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import subprocess
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services
from storefleet.api.fleet.repo import parse_trailers
from tests.api.pulls.conftest import WEBHOOK_SECRET
from tests.github.double import GitHubDouble


def _store(client: TestClient, account: Any, store_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/stores/{store_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _git(double: GitHubDouble, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=double.bare_repo, check=True, capture_output=True, text=True
    ).stdout


def _pulls(double: GitHubDouble) -> list[Any]:
    """Every pull request of the repository, oldest first."""
    with double.pulls.lock:
        return sorted(double.pulls.search("all", None, None), key=lambda p: p.number)


def _url(double: GitHubDouble, pull: Any) -> str:
    return f"{double.site.repo_web}/pull/{pull.number}"


def _sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_create_opens_one_pull_request_and_waits_for_review(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, github: GitHubDouble
) -> None:
    store = new_store(tenant, "acme-shop", theme="astra")
    assert propose() == 1
    pending = _store(client, tenant, store["id"])
    assert pending["status"] == "pending_approval"
    (pull,) = _pulls(github)
    assert pending["pull_request_url"] == _url(github, pull)
    assert pull.head_ref == f"storefleet/{store['id']}/{pending['spec_hash'][:12]}"
    for expected in ("acme-shop", store["id"], tenant.id, "woocommerce", "alice"):
        assert expected in pull.body, expected
    message = _git(github, "log", "-1", "--format=%B", pull.head_sha)
    trailers = parse_trailers(message)
    assert trailers["Store-Id"] == store["id"] and trailers["Action"] == "create"
    assert _git(github, "ls-tree", "-r", "--name-only", pull.head_sha).count(f"{store['id']}/") >= 3
    writes = [r for r in github.requests if r.method in ("POST", "PATCH", "PUT")]
    assert not [r for r in github.requests if "/git/blobs" in r.path]  # file contents inline in the tree
    assert len(writes) == 4  # tree, commit, ref, pull request
    assert _git(github, "rev-parse", "main") != pull.head_sha  # nothing reached the fleet branch yet


@pytest.mark.parametrize("method", ["merge", "squash", "rebase"])
def test_a_merge_moves_the_store_to_provisioning_at_the_merge_result(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    propose: Any,
    deliver: Any,
    github: GitHubDouble,
    method: str,
) -> None:
    store = new_store(tenant, "acme-shop")
    propose()
    (pull,) = _pulls(github)
    merged = github.merge_in_ui(pull.number, method)
    assert set(deliver()) == {202}
    after = _store(client, tenant, store["id"])
    assert after["status"] == "provisioning" and after["pull_request_url"] is None
    assert after["last_commit_sha"] == merged == _git(github, "rev-parse", "main").strip()
    assert after["status_message"] == f"committed {merged[:12]}; waiting for the cluster to apply"
    events = client.get(f"/api/v1/stores/{store['id']}/logs", headers=tenant.headers).json()["events"]
    assert {"store.pull_request_opened", "store.pull_request_merged"} <= {e["event"] for e in events}


def test_closing_without_merge_fails_the_store(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, deliver: Any, github: GitHubDouble
) -> None:
    store = new_store(tenant, "acme-shop")
    propose()
    (pull,) = _pulls(github)
    github.close_in_ui(pull.number)
    deliver()
    failed = _store(client, tenant, store["id"])
    assert failed["status"] == "failed" and failed["error"] == "pull request closed without merge"


def test_without_webhooks_the_poll_follows_the_pull_request(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, follow: Any, github: GitHubDouble
) -> None:
    store = new_store(tenant, "acme-shop")
    propose()
    assert follow() == 0  # still open
    (pull,) = _pulls(github)
    assert github.branch_sha(pull.head_ref) is not None  # an open pull request keeps its branch
    github.merge_in_ui(pull.number, "squash")
    assert follow() == 1
    assert _store(client, tenant, store["id"])["status"] == "provisioning"
    assert github.branch_sha(pull.head_ref) is None  # a merged one's branch is deleted
    follow()
    assert len([r for r in github.requests if r.method == "DELETE"]) == 1  # and only once


def test_a_crash_after_opening_the_pull_request_does_not_open_a_second(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, github: GitHubDouble, monkeypatch: Any
) -> None:
    from storefleet.api.fleet.pulls import service

    store = new_store(tenant, "acme-shop")
    real = service.record_opened

    async def crash(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the process died before it recorded the pull request")

    monkeypatch.setattr(service, "record_opened", crash)
    with pytest.raises(ConnectionError):
        propose()
    monkeypatch.setattr(service, "record_opened", real)
    assert propose() == 1  # the change was still pending: proposed again
    assert len(_pulls(github)) == 1  # ...and found its pull request by branch name
    assert _store(client, tenant, store["id"])["status"] == "pending_approval"


def test_rate_limits_are_waited_out_and_nothing_is_dropped(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, github: GitHubDouble
) -> None:
    from prometheus_client import REGISTRY

    from storefleet.api.fleet.pulls.github import GitHubThrottled

    store = new_store(tenant, "acme-shop")
    before = REGISTRY.get_sample_value("github_throttled_total", {"kind": "secondary"}) or 0
    github.throttle_next(1, status=429, retry_after_s=1)
    with pytest.raises(GitHubThrottled) as throttled:
        propose()
    assert throttled.value.kind == "secondary" and throttled.value.retry_after_s == 1
    github.exhaust_rate_limit(reset_in_s=30)
    with pytest.raises(GitHubThrottled) as exhausted:
        propose()
    assert exhausted.value.kind == "primary" and 20 < exhausted.value.retry_after_s <= 31
    assert _store(client, tenant, store["id"])["status"] == "requested"  # still waiting in the outbox
    github.exhaust_rate_limit(reset_in_s=0)
    assert propose() == 1 and len(_pulls(github)) == 1
    assert (REGISTRY.get_sample_value("github_throttled_total", {"kind": "secondary"}) or 0) == before + 1
    assert REGISTRY.get_sample_value("github_rate_limit_remaining") is not None


def test_the_webhook_refuses_a_wrong_signature_and_ignores_other_events(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, github: GitHubDouble
) -> None:
    store = new_store(tenant, "acme-shop")
    propose()
    (pull,) = _pulls(github)
    github.merge_in_ui(pull.number)
    body = b'{"action": "closed", "number": 1, "pull_request": {}}'
    headers = {"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": _sign(body, "not-the-secret")}
    refused = client.post("/api/v1/webhooks/github", content=body, headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "UNAUTHORIZED"
    unsigned = client.post(
        "/api/v1/webhooks/github", content=body, headers={"X-GitHub-Event": "pull_request"}
    )
    assert unsigned.status_code == 401
    ping = b'{"zen": "Keep it logically awesome."}'
    pong = client.post(
        "/api/v1/webhooks/github",
        content=ping,
        headers={"X-GitHub-Event": "ping", "X-Hub-Signature-256": _sign(ping)},
    )
    assert pong.status_code == 202 and pong.json()["status"] == "ignored ping event"
    garbage = client.post(
        "/api/v1/webhooks/github",
        content=body,
        headers={"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": _sign(body)},
    )
    assert garbage.status_code == 422
    assert _store(client, tenant, store["id"])["status"] == "pending_approval"  # nothing forged got through


def test_deleting_a_store_that_waits_for_review_closes_its_pull_request(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, github: GitHubDouble
) -> None:
    store = new_store(tenant, "acme-shop")
    propose()
    (pull,) = _pulls(github)
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers).status_code == 202
    propose()
    closed = github.pull(pull.number)
    assert closed.state == "closed" and not closed.merged
    assert "deleted before this change was merged" in closed.comments[-1].body
    assert _store(client, tenant, store["id"])["status"] == "deleted"
    assert len(_pulls(github)) == 1  # a deletion of what never reached git proposes nothing


def test_an_update_after_the_merge_is_a_new_pull_request_and_readiness_waits_for_it(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    propose: Any,
    deliver: Any,
    github: GitHubDouble,
    set_status: Any,
) -> None:
    store = new_store(tenant, "acme-shop")
    propose()
    (first,) = _pulls(github)
    github.merge_in_ui(first.number)
    deliver()
    set_status(store["id"], "ready")
    assert (
        client.patch(
            f"/api/v1/stores/{store['id']}", json={"plan": "medium"}, headers=tenant.headers
        ).status_code
        == 202
    )
    propose()
    update = next(p for p in _pulls(github) if p.number != first.number)
    assert "| `plan` | `small` | `medium` |" in (update.body or "")
    waiting = _store(client, tenant, store["id"])
    assert waiting["status"] == "updating" and waiting["pull_request_url"] == _url(github, update)
    assert "waits for review" in waiting["status_message"]
    github.merge_in_ui(update.number, "rebase")
    deliver()
    merged = _store(client, tenant, store["id"])
    assert (
        merged["status"] == "updating"
        and merged["last_commit_sha"] == _git(github, "rev-parse", "main").strip()
    )


def test_auto_merge_still_goes_through_a_pull_request(
    client: TestClient,
    admin: Any,
    tenant: Any,
    new_store: Any,
    propose: Any,
    deliver: Any,
    github: GitHubDouble,
    writer: Any,
    set_status: Any,
) -> None:
    from storefleet.api.fleet.pulls.auto_merge import AutoMergeRules

    writer._config = dataclasses.replace(writer._config, auto_merge=AutoMergeRules.parse("delete:admin"))
    store = new_store(tenant, "acme-shop")
    propose()
    (create,) = _pulls(github)
    assert create.state == "open"  # a tenant's create is not in the rules: it waits for review
    github.merge_in_ui(create.number)
    deliver()
    set_status(store["id"], "ready")
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=admin.headers).status_code == 202
    propose()
    delete = _pulls(github)[-1]
    assert delete.number != create.number and delete.merged  # merged by the platform, through a PR
    gone = _store(client, admin, store["id"])
    assert (
        gone["status"] == "deleting" and gone["last_commit_sha"] == _git(github, "rev-parse", "main").strip()
    )
    assert _git(github, "ls-tree", "-r", "--name-only", "main").count(store["id"]) == 0


def test_a_reviewers_push_to_the_pull_request_flows_back_through_the_git_side_sync(
    client: TestClient, tenant: Any, new_store: Any, propose: Any, deliver: Any, github: GitHubDouble
) -> None:
    from storefleet.api.fleet.gitsync import GitSync

    services = app_services(client.app)
    assert services.fleet is not None and services.fleet_reader is not None
    sync = GitSync(services.pool, services.fleet_reader, services.fleet.context.repo_key, 1.0)
    client.portal.call(sync.sync_once)  # the baseline: the branch as it is now
    store = new_store(tenant, "acme-shop")
    propose()
    (pull,) = _pulls(github)
    path = next(
        p
        for p in _git(github, "ls-tree", "-r", "--name-only", pull.head_sha).split()
        if p.endswith(f"{store['id']}/store.yaml")
    )
    store_yaml = _git(github, "show", f"{pull.head_sha}:{path}")
    assert "plan: small" in store_yaml
    github.push_to_branch(
        pull.head_ref, {path: store_yaml.replace("plan: small", "plan: medium")}, "review: a bigger plan"
    )
    github.merge_in_ui(pull.number, "merge")
    deliver()
    report = client.portal.call(sync.sync_once)
    assert report.external >= 1 and f"updated {store['id']}" in report.actions
    after = _store(client, tenant, store["id"])
    assert after["plan"] == "medium" and after["status"] == "provisioning"


def test_the_writer_loop_waits_out_a_rate_limit_and_then_proposes(
    client: TestClient, tenant: Any, new_store: Any, writer: Any, github: GitHubDouble
) -> None:
    """The running writer (not a test driving it step by step) backs off by Retry-After and tries again."""
    import asyncio
    import time

    github.throttle_next(2, status=403, retry_after_s=1)
    store = new_store(tenant, "acme-shop")
    stop = client.portal.call(asyncio.Event)
    running = client.portal.start_task_soon(writer.run, stop)
    try:
        deadline = time.monotonic() + 15
        while not _pulls(github) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        client.portal.call(stop.set)
        running.result(timeout=15)
    assert len(_pulls(github)) == 1
    throttled = [r for r in github.requests if r.status == 403]
    assert len(throttled) == 2  # both answered with Retry-After, both waited out
    assert _store(client, tenant, store["id"])["status"] == "pending_approval"


def test_github_refusing_the_token_keeps_the_change_and_says_why_in_the_health_report(
    client: TestClient, tenant: Any, new_store: Any, writer: Any, github: GitHubDouble
) -> None:
    """A bad token is GitHub's 401 on every call: the loop backs off, the change waits in the outbox,
    and the fleet check of /api/v1/health says what is wrong."""
    import asyncio
    import time

    github.token = "another-token"  # the platform's token no longer works
    store = new_store(tenant, "acme-shop")
    fleet_runtime = app_services(client.app).fleet
    assert fleet_runtime is not None
    fleet_runtime.writer = writer  # the health report reads the running writer
    stop = client.portal.call(asyncio.Event)
    running = client.portal.start_task_soon(writer.run, stop)
    try:
        deadline = time.monotonic() + 10
        while writer.last_error is None and time.monotonic() < deadline:
            time.sleep(0.05)
        fleet = client.get("/api/v1/health").json()["checks"]["fleet"]
    finally:
        client.portal.call(stop.set)
        running.result(timeout=15)
        fleet_runtime.writer = None
    assert fleet["status"] == "degraded" and "Bad credentials" in fleet["last_error"]
    assert "another-token" not in fleet["last_error"] and "test-token" not in fleet["last_error"]
    assert _store(client, tenant, store["id"])["status"] == "requested" and not _pulls(github)
