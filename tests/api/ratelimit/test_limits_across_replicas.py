"""Two API replicas (two apps on one database) share every API request counter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.api.ratelimit.conftest import LimitedClient, bearer


def test_replicas_share_the_count(limited_client: LimitedClient) -> None:
    first, second = limited_client(api_rate_limit_reads=4), limited_client(api_rate_limit_reads=4)
    headers = bearer(first, "alice")
    remaining = [replica.get("/api/v1/stores", headers=headers) for replica in (first, second, first, second)]
    assert [r.headers["ratelimit-remaining"] for r in remaining] == ["3", "2", "1", "0"]
    assert first.get("/api/v1/stores", headers=headers).status_code == 429
    assert second.get("/api/v1/stores", headers=headers).status_code == 429


def test_concurrent_requests_on_two_replicas_pass_exactly_the_limit(limited_client: LimitedClient) -> None:
    replicas = [limited_client(api_rate_limit_reads=10) for _ in range(2)]
    headers = bearer(replicas[0], "alice")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda i: replicas[i % 2].get("/api/v1/stores", headers=headers).status_code, range(24))
        )
    assert answers.count(200) == 10 and answers.count(429) == 14
