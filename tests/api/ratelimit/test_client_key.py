"""Whom a request counts for: the signed-in user (wherever from), else the client address."""

from __future__ import annotations

from tests.api.ratelimit.conftest import LimitedClient, bearer


def test_two_users_behind_one_address_have_their_own_counts(limited_client: LimitedClient) -> None:
    client = limited_client(api_rate_limit_reads=2)
    alice, bob = bearer(client, "alice"), bearer(client, "bob")
    assert [client.get("/api/v1/stores", headers=alice).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/stores", headers=bob).status_code == 200
    assert client.get("/api/v1/stores").headers["ratelimit-remaining"] == "1"  # the address: its own count


def test_a_user_counts_as_one_from_every_address(limited_client: LimitedClient) -> None:
    home, office = (
        limited_client(api_rate_limit_reads=2),
        limited_client(ip="203.0.113.8", api_rate_limit_reads=2),
    )
    alice = bearer(home, "alice")
    assert home.get("/api/v1/stores", headers=alice).status_code == 200
    assert office.get("/api/v1/stores", headers=alice).status_code == 200
    assert office.get("/api/v1/stores", headers=alice).status_code == 429


def test_an_invalid_token_counts_for_the_address(limited_client: LimitedClient) -> None:
    client = limited_client(api_rate_limit_reads=2)
    forged = {"Authorization": "Bearer not.a.token"}
    assert client.get("/api/v1/stores", headers=forged).status_code == 401
    assert client.get("/api/v1/stores").status_code == 401
    assert client.get("/api/v1/stores", headers=forged).status_code == 429


def test_forwarded_addresses_count_only_through_a_trusted_proxy(limited_client: LimitedClient) -> None:
    proxy = limited_client(ip="10.0.0.2", api_rate_limit_reads=1, trusted_proxies=("10.0.0.0/8",))
    assert proxy.get("/api/v1/stores", headers={"X-Forwarded-For": "198.51.100.20"}).status_code == 401
    assert proxy.get("/api/v1/stores", headers={"X-Forwarded-For": "198.51.100.21"}).status_code == 401
    assert proxy.get("/api/v1/stores", headers={"X-Forwarded-For": "198.51.100.20"}).status_code == 429
    direct = limited_client(ip="192.0.2.50", api_rate_limit_reads=1)
    assert direct.get("/api/v1/stores", headers={"X-Forwarded-For": "198.51.100.30"}).status_code == 401
    assert direct.get("/api/v1/stores", headers={"X-Forwarded-For": "198.51.100.31"}).status_code == 429
