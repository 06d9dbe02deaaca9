"""The sign-in guardrails' settings: documented defaults, read from the environment."""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_network

import pytest

from storefleet.api.auth.guardrails import AuthLimits
from storefleet.api.core.client_ip import parse_trusted_proxies
from storefleet.api.settings import Settings


def test_defaults_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOGIN_RATE_LIMIT", "LOGIN_LOCKOUT_THRESHOLD", "LOGIN_LOCKOUT_S", "REGISTRATION_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    limits = AuthLimits.from_settings(Settings(DATABASE_URL="postgresql:///x"))
    assert limits == AuthLimits(
        login_attempts=10, lockout_threshold=5, lockout=timedelta(seconds=900), registrations=5
    )


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "0")
    monkeypatch.setenv("LOGIN_LOCKOUT_THRESHOLD", "3")
    monkeypatch.setenv("LOGIN_LOCKOUT_S", "60")
    monkeypatch.setenv("REGISTRATION_RATE_LIMIT", "2")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    settings = Settings(DATABASE_URL="postgresql:///x")
    assert AuthLimits.from_settings(settings) == AuthLimits(
        login_attempts=0, lockout_threshold=3, lockout=timedelta(seconds=60), registrations=2
    )
    assert parse_trusted_proxies(settings.trusted_proxies) == (
        ip_network("10.0.0.0/8"),
        ip_network("192.0.2.1/32"),
    )
