"""`storefleet rollout` against the real app: the CLI's Transport forwards each request to a TestClient
of the API (a fleet repo configured, the writer not running: a create queues wave 1 and no more), so
the commands are checked against the answers the API really gives. The urllib transport is checked
against a small HTTP server of its own."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from storefleet.api import rollout_cli
from storefleet.api.cli import main
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.api.rollout_cli import TRANSPORT_KEY, Transport, UrllibTransport
from storefleet.api.rollouts.charts import packaged_version
from storefleet.api.settings import Settings
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from tests.conftest import PASSWORD, Account, NewStore

VERSION = packaged_version()  # the chart this release ships: wave 1 adds it to the fleet repo
# Never read from the developer's shell: each test says how it signs in.
_CLEAN_ENV = {
    name: None
    for name in ("STOREFLEET_API_URL", "STOREFLEET_TOKEN", "STOREFLEET_USERNAME", "STOREFLEET_PASSWORD")
}


@pytest.fixture
def with_fleet() -> bool:
    """A fleet repo for the app; `parametrize("with_fleet", [False])` leaves it out."""
    return True


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, with_fleet: bool) -> Settings:
    if not with_fleet:
        return settings
    remote = tmp_path / "fleet-remote.git"
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    ensure_local_fleet_repo(remote, "main", Identity("storefleet", "storefleet@localhost"), files)
    # No writer and no controller: a created rollout stays at wave 1, committing, for the test to act on.
    return settings.model_copy(
        update={"fleet_repo_url": str(remote), "run_fleet_writer": False, "run_rollouts": False}
    )


@pytest.fixture(autouse=True)
def no_rollouts_left(db: Any) -> None:
    """Emptying the stores drops their rollout rows, not the rollouts: a list shows this test's only."""
    db.execute("TRUNCATE rollouts CASCADE")


class Recorder:
    """A Transport into the app, recording each request (method, path, body, headers)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.requests: list[tuple[str, str, Any, dict[str, str]]] = []

    def __call__(self, method: str, path: str, body: Any, headers: Mapping[str, str]) -> tuple[int, Any]:
        self.requests.append((method, path, body, dict(headers)))
        response = self.client.request(method, path, json=body, headers=dict(headers))
        return response.status_code, response.json() if response.content else None


@pytest.fixture
def transport(client: TestClient) -> Recorder:
    return Recorder(client)


Run = Callable[..., Result]


@pytest.fixture
def run(transport: Recorder) -> Run:
    def _run(
        *args: str, token: str | None = None, input: str | None = None, via: Transport | None = None
    ) -> Result:
        argv = ["rollout", *args]
        if token is not None:
            argv += ["--token", token]
        return CliRunner().invoke(
            main,
            argv,
            obj={TRANSPORT_KEY: via or transport},
            env=_CLEAN_ENV,
            input=input,
            catch_exceptions=False,
        )

    return _run


@pytest.fixture
def stores(tenant: Account, other_tenant: Account, new_store: NewStore) -> list[str]:
    return [new_store(account, f"shop-{n}")["id"] for n, account in enumerate([tenant, other_tenant] * 3)]


def _create(run: Run, admin: Account, *extra: str) -> dict[str, Any]:
    result = run(
        "create",
        "--chart-version",
        VERSION,
        "--all",
        "--canary",
        "1",
        *extra,
        "-o",
        "json",
        token=admin.token,
    )
    assert result.exit_code == 0, result.output
    created: dict[str, Any] = json.loads(result.stdout)
    return created


def test_a_dry_run_prints_the_plan_and_records_nothing(
    run: Run, admin: Account, stores: list[str], client: TestClient, db: Any
) -> None:
    result = run(
        "create", "--chart-version", VERSION, "--all", "--canary", "1", "--steps", "50%, 100%",
        "--max-failure-percent", "20", "--dry-run", token=admin.token,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Dry run, nothing committed: chart {VERSION} to 6 stores in 3 waves." in out
    assert f"The chart {VERSION} this release ships is committed before wave 1." in out
    table = out.split("Skipped:")[0].splitlines()
    header = next(i for i, line in enumerate(table) if line.startswith("WAVE"))
    assert [line.split()[:3] for line in table[header + 1 : header + 4]] == [
        ["1", "1", "0"],  # the canary: no failure budget given, 20 % of one store rounds down to 0
        ["2", "2", "0"],
        ["3", "3", "0"],
    ]
    assert "Skipped: 0 stores" in out
    assert f"Chart.yaml declares {VERSION}" in out
    assert "Diff (a sample store, before -> after):" in out and "--- a/st-" in out and "+++ b/st-" in out
    assert db.execute("SELECT count(*) AS n FROM rollouts").fetchone()["n"] == 0


def test_a_dry_run_counts_the_stores_it_skips(
    run: Run, admin: Account, stores: list[str], client: TestClient
) -> None:
    for store_id in stores[:2]:
        pinned = client.put(f"/api/v1/stores/{store_id}/pin", json={"reason": "sale"}, headers=admin.headers)
        assert pinned.status_code == 200, pinned.text
    result = run("create", "--chart-version", VERSION, "--all", "--dry-run", token=admin.token)
    assert result.exit_code == 0, result.output
    assert "to 4 stores" in result.stdout and "Skipped: 2 stores (2 pinned)" in result.stdout


def test_create_then_show_and_list(run: Run, admin: Account, stores: list[str], transport: Recorder) -> None:
    result = run(
        "create", "--chart-version", VERSION, "--engine", "woocommerce", "--canary-store", stores[0],
        "--steps", "50%,100%", "--soak", "30", "--timeout", "600", "--reason", "security fix",
        token=admin.token,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sent = transport.requests[-1][2]
    assert sent == {
        "chart_version": VERSION,
        "selector": {"engines": ["woocommerce"]},
        "canary": {"store_ids": [stores[0]]},
        "steps": ["50%", "100%"],
        "gate": {"soak_seconds": 30.0, "timeout_seconds": 600.0},
        "reason": "security fix",
    }
    first = result.stdout.splitlines()[0]
    assert first.startswith("Created rollout ro-") and f"chart {VERSION} to 6 stores in 3 waves" in first
    rollout_id = first.split()[2]
    assert f"storefleet rollout show {rollout_id}" in result.stdout

    shown = run("show", rollout_id, token=admin.token)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == f"Rollout {rollout_id}: running"
    assert "reason:        security fix" in shown.stdout
    assert "stores:        6 (engines=woocommerce)" in shown.stdout
    header = next(i for i, line in enumerate(lines) if line.startswith("WAVE"))
    assert lines[header].split() == [
        "WAVE", "STATE", "RETRIES", "STORES", "MAX", "FAILURES",
        "READY", "FAILED", "PENDING", "COMMIT", "GATE",
    ]  # fmt: skip
    assert lines[header + 1].split()[:4] == ["1", "committing", "0", "1"]
    assert lines[header + 2].split()[:4] == ["2", "pending", "0", "2"]
    assert lines[header + 3].split()[:4] == ["3", "pending", "0", "3"]
    assert transport.requests[-1][1] == f"/api/v1/rollouts/{rollout_id}?stores=false"

    with_stores = run("show", rollout_id, "--stores", token=admin.token)
    assert with_stores.exit_code == 0, with_stores.output
    assert "Wave 1 stores:" in with_stores.stdout and stores[0] in with_stores.stdout

    listed = run("list", token=admin.token)
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.stdout.splitlines() if line.startswith(rollout_id))
    assert row.split()[1:6] == ["running", "chart", VERSION, "6", "0/3"]
    assert listed.stdout.rstrip().endswith("1 of 1 rollouts")

    nothing = run("list", "--state", "aborted", "--limit", "5", token=admin.token)
    assert nothing.exit_code == 0 and "0 of 0 rollouts" in nothing.stdout
    assert transport.requests[-1][1] == "/api/v1/rollouts?limit=5&offset=0&state=aborted"


def test_pause_and_resume(run: Run, admin: Account, stores: list[str], transport: Recorder) -> None:
    rollout_id = _create(run, admin)["id"]

    paused = run("pause", rollout_id, "--reason", "looking at the canary", token=admin.token)
    assert paused.exit_code == 0, paused.output
    assert paused.stdout.splitlines()[:2] == [
        f"Rollout {rollout_id}: paused",
        "  reason: looking at the canary",
    ]
    assert transport.requests[-1][:3] == (
        "POST", f"/api/v1/rollouts/{rollout_id}/pause", {"reason": "looking at the canary"},
    )  # fmt: skip

    again = run("pause", rollout_id, token=admin.token)
    assert again.exit_code == 1
    assert "INVALID_ROLLOUT_ACTION: A paused rollout cannot pause. (HTTP 409)" in again.stderr

    resumed = run("resume", rollout_id, token=admin.token)
    assert resumed.exit_code == 0, resumed.output
    assert resumed.stdout.splitlines()[0] == f"Rollout {rollout_id}: running"
    assert transport.requests[-1][2] is None  # no reason: no body


def test_abort_with_yes_reverts_the_committed_wave(run: Run, admin: Account, stores: list[str]) -> None:
    rollout_id = _create(run, admin)["id"]
    result = run("abort", rollout_id, "--yes", "--reason", "bad chart", token=admin.token)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"Rollout {rollout_id}: aborted",
        "  reason: bad chart",
        "  reverting waves 1 (one commit each)",
    ]


def test_abort_without_yes_is_refused_when_stdin_is_not_a_terminal(
    run: Run, admin: Account, stores: list[str], transport: Recorder
) -> None:
    rollout_id = _create(run, admin)["id"]
    sent = len(transport.requests)
    result = run("abort", rollout_id, token=admin.token)
    assert result.exit_code == 1
    assert "refusing to abort without --yes" in result.stderr
    assert len(transport.requests) == sent  # nothing was asked of the API
    shown = run("show", rollout_id, "-o", "json", token=admin.token)
    assert json.loads(shown.stdout)["state"] == "running"


def test_abort_asks_on_a_terminal(
    run: Run, admin: Account, stores: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rollout_cli, "_stdin_is_tty", lambda: True)
    rollout_id = _create(run, admin)["id"]
    declined = run("abort", rollout_id, token=admin.token, input="n\n")
    assert declined.exit_code == 1 and "Aborted!" in declined.stderr
    assert f"Abort rollout {rollout_id}" in declined.stderr
    confirmed = run("abort", rollout_id, token=admin.token, input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert confirmed.stdout.startswith(f"Rollout {rollout_id}: aborted")


@pytest.mark.parametrize("with_fleet", [False])
def test_an_api_error_shows_its_code_and_message(run: Run, admin: Account) -> None:
    result = run("create", "--chart-version", VERSION, "--all", token=admin.token)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: FLEET_NOT_CONFIGURED: Rollouts need a fleet repo")
    assert "(HTTP 503)" in result.stderr and "request id: " in result.stderr
    assert "Traceback" not in result.output


def test_validation_errors_show_each_field(run: Run, admin: Account, stores: list[str]) -> None:
    result = run("create", "--chart-version", "not-a-version", "--all", token=admin.token)
    assert result.exit_code == 1
    assert "VALIDATION_ERROR: chart_version:" in result.stderr
    assert "  - chart_version:" in result.stderr

    unknown = run("create", "--chart-version", "9.9.9", "--all", token=admin.token)
    assert unknown.exit_code == 1 and "UNKNOWN_CHART_VERSION: No store chart 9.9.9" in unknown.stderr

    missing = run("show", "ro-aaaaaaaaaa", token=admin.token)
    assert missing.exit_code == 1 and "ROLLOUT_NOT_FOUND: No rollout 'ro-aaaaaaaaaa'." in missing.stderr


def test_a_tenant_is_refused_and_told_why(run: Run, tenant: Account) -> None:
    result = run("list", token=tenant.token)
    assert result.exit_code == 1 and "(HTTP 403)" in result.stderr


def test_a_bad_token_is_refused_with_a_hint(run: Run, admin: Account) -> None:
    result = run("list", token="not-a-token")
    assert result.exit_code == 1
    assert "(HTTP 401)" in result.stderr and "sign in again" in result.stderr
    assert "not-a-token" not in result.output


def test_a_selector_is_required_before_any_request(run: Run, admin: Account, transport: Recorder) -> None:
    result = run("create", "--chart-version", VERSION, token=admin.token)
    assert result.exit_code == 2 and "choose stores" in result.stderr
    assert transport.requests == []


def test_an_image_or_values_rollout_sends_that_one_change(
    run: Run, admin: Account, stores: list[str], transport: Recorder
) -> None:
    image = run(
        "create", "--image-tag", "6.7.2-php8.2-apache", "--engine", "woocommerce", "--dry-run",
        token=admin.token,
    )  # fmt: skip
    assert image.exit_code == 0, image.output
    assert transport.requests[-1][2]["image"] == {"engine": "woocommerce", "tag": "6.7.2-php8.2-apache"}
    assert "Dry run, nothing committed: image 6.7.2-php8.2-apache to 6 stores" in image.stdout
    patch = run("create", "--values-patch", '{"redis": {"enabled": true}}', "--all", token=admin.token)
    assert patch.exit_code == 0, patch.output
    assert transport.requests[-1][2]["values_patch"] == {"redis": {"enabled": True}}
    assert "Created rollout ro-" in patch.stdout and ": values " in patch.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--image-tag", "1.0", "--all"], "--image-tag needs exactly one --engine"),
        (["--values-patch", "{nope", "--all"], "not JSON"),
        (["--values-patch", "[1]", "--all"], "give a JSON object"),
        (["--chart-version", "0.2.0", "--image-tag", "1.0", "--all"], "exactly one change"),
        (["--all"], "exactly one change"),
    ],
)
def test_a_malformed_change_is_refused_before_any_request(
    run: Run, admin: Account, transport: Recorder, args: list[str], message: str
) -> None:
    result = run("create", *args, token=admin.token)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert transport.requests == []


def test_output_json_prints_the_answer_as_it_is(
    run: Run, admin: Account, stores: list[str], client: TestClient
) -> None:
    plan = run("create", "--chart-version", VERSION, "--all", "--dry-run", "-o", "json", token=admin.token)
    assert plan.exit_code == 0, plan.output
    answer = json.loads(plan.stdout)
    assert answer["dry_run"] is True and answer["store_count"] == 6 and answer["diff"].startswith("--- ")

    created = _create(run, admin)
    listed = json.loads(run("list", "--output", "json", token=admin.token).stdout)
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]
    shown = json.loads(run("show", created["id"], "--stores", "-o", "json", token=admin.token).stdout)
    direct = client.get(f"/api/v1/rollouts/{created['id']}", headers=admin.headers).json()
    assert shown == direct
    paused = json.loads(run("pause", created["id"], "-o", "json", token=admin.token).stdout)
    assert paused["state"] == "paused" and paused["reason"] == "paused by root"


def test_signing_in_with_a_username_and_password(
    run: Run, admin: Account, stores: list[str], transport: Recorder
) -> None:
    result = run("list", "--username", "root", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    login, listing = transport.requests
    assert login[:3] == ("POST", "/api/v1/auth/login", {"username": "root", "password": PASSWORD})
    assert "Authorization" not in login[3]
    token = listing[3]["Authorization"].removeprefix("Bearer ")
    assert token and token not in result.output and PASSWORD not in result.output

    by_email = run("list", "--username", "root@example.com", "--password", PASSWORD)
    assert by_email.exit_code == 0, by_email.output
    assert transport.requests[-2][2] == {"email": "root@example.com", "password": PASSWORD}


def test_credentials_come_from_the_environment(run: Run, admin: Account, transport: Recorder) -> None:
    env = {**_CLEAN_ENV, "STOREFLEET_USERNAME": "root", "STOREFLEET_PASSWORD": PASSWORD}
    result = CliRunner().invoke(main, ["rollout", "list"], obj={TRANSPORT_KEY: transport}, env=env)
    assert result.exit_code == 0, result.output
    token_env = {**_CLEAN_ENV, "STOREFLEET_TOKEN": admin.token}
    result = CliRunner().invoke(main, ["rollout", "list"], obj={TRANSPORT_KEY: transport}, env=token_env)
    assert result.exit_code == 0, result.output
    assert transport.requests[-1][3] == {"Authorization": f"Bearer {admin.token}"}


def test_the_password_is_prompted_for_hidden_only_on_a_terminal(
    run: Run, admin: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_tty = run("list", "--username", "root")
    assert no_tty.exit_code == 2 and "no password" in no_tty.stderr

    monkeypatch.setattr(rollout_cli, "_stdin_is_tty", lambda: True)
    prompted = run("list", "--username", "root", input=f"{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert "Password for root:" in prompted.stderr and PASSWORD not in prompted.output


def test_a_wrong_password_is_an_api_error(run: Run, admin: Account) -> None:
    result = run("list", "--username", "root", "--password", "wrong-password")
    assert result.exit_code == 1
    assert "INVALID_CREDENTIALS" in result.stderr and "wrong-password" not in result.output
    assert "sign in again" not in result.stderr


def test_no_credentials_is_a_usage_error(run: Run) -> None:
    result = run("list")
    assert result.exit_code == 2 and "not signed in" in result.stderr


# ---- the urllib transport, against a real socket ----------------------------------------------------


class _Api(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None, bytes]] = []

    def _answer(
        self, status: int, body: bytes, content_type: str = "application/json", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append(
            (self.command, self.path, self.headers.get("Authorization"), self.rfile.read(length))
        )
        if self.path.startswith("/api/v1/rollouts?"):
            self._answer(200, json.dumps({"items": [], "total": 0}).encode())
        elif self.path.startswith("/api/v1/rollouts/ro-gone"):
            error = {
                "error": {"code": "ROLLOUT_NOT_FOUND", "message": "No rollout 'ro-gone'."},
                "request_id": "r1",
            }
            self._answer(404, json.dumps(error).encode())
        elif self.path.startswith("/api/v1/rollouts/ro-moved"):
            self._answer(307, b"", Location="http://elsewhere.invalid/steal")
        else:
            self._answer(502, b"<html><body>Bad Gateway</body></html>", "text/html")

    do_GET = do_POST = _serve

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_api() -> Iterator[str]:
    _Api.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _real(*args: str) -> Result:
    return CliRunner().invoke(main, ["rollout", *args], env=_CLEAN_ENV, catch_exceptions=False)


def test_the_urllib_transport_speaks_json_and_shows_errors(http_api: str) -> None:
    listed = _real("list", "--api-url", http_api + "/", "--token", "tok-1")
    assert listed.exit_code == 0, listed.output
    assert "0 of 0 rollouts" in listed.stdout
    assert _Api.seen[-1][:3] == ("GET", "/api/v1/rollouts?limit=20&offset=0", "Bearer tok-1")

    paused = _real("pause", "ro-gone", "--reason", "why", "--api-url", http_api, "--token", "tok-1")
    assert paused.exit_code == 1
    assert paused.stderr.splitlines() == [
        "Error: ROLLOUT_NOT_FOUND: No rollout 'ro-gone'. (HTTP 404)",
        "  request id: r1",
    ]
    assert _Api.seen[-1][3] == b'{"reason": "why"}'

    proxy = _real("show", "ro-other", "--api-url", http_api, "--token", "tok-1")
    assert proxy.exit_code == 1 and "HTTP 502: <html><body>Bad Gateway</body></html>" in proxy.stderr

    moved = _real("show", "ro-moved", "--api-url", http_api, "--token", "tok-1")
    assert moved.exit_code == 1 and "HTTP 307" in moved.stderr  # not followed: the token stays here
    assert len(_Api.seen) == 4


def test_an_unreachable_api_is_an_error_not_a_traceback(http_api: str) -> None:
    closed = UrllibTransport("http://127.0.0.1:1", timeout_s=2)
    result = CliRunner().invoke(
        main, ["rollout", "list", "--token", "t"], obj={TRANSPORT_KEY: closed}, env=_CLEAN_ENV
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Error: cannot reach the API at http://127.0.0.1:1" in result.stderr

    with_userinfo = _real("list", "--api-url", "http://root:s3cret@127.0.0.1:1", "--token", "t")
    assert (
        with_userinfo.exit_code == 1 and "cannot reach the API at http://127.0.0.1:1" in with_userinfo.stderr
    )
    assert "s3cret" not in with_userinfo.output

    bad = _real("list", "--api-url", "ftp://example.com", "--token", "t")
    assert bad.exit_code == 2 and "is not an http(s) URL" in bad.stderr
