"""Settings the platform cannot run with stop start-up with a ConfigurationError (exit code 2)."""

from __future__ import annotations

import pytest

from storefleet.api.app import create_app
from storefleet.api.settings import ConfigurationError, Settings

SECRET = "k" * 48


@pytest.mark.parametrize(
    "url",
    ["mysql://u:hunter2@h/db", "sqlite:///x.db", "https://u:hunter2@h/db", "not a conninfo", "  "],
)
def test_a_database_url_that_is_not_postgres_is_refused(url: str) -> None:
    settings = Settings(DATABASE_URL=url, JWT_SECRET=SECRET)  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError, match="DATABASE_URL") as raised:
        create_app(settings, migrate=False)
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    "url", ["postgresql://u:pw@h:5432/db", "postgres://h/db", "host=/tmp port=5432 dbname=x user=u"]
)
def test_postgres_urls_and_conninfo_are_accepted(url: str) -> None:
    Settings(DATABASE_URL=url, JWT_SECRET=SECRET).check_database_url()  # type: ignore[call-arg]


def test_a_missing_database_url_or_jwt_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_URL is not set"):
        create_app(Settings(DATABASE_URL=None, JWT_SECRET=SECRET), migrate=False)  # type: ignore[call-arg]
    no_secret = Settings(DATABASE_URL="postgresql://h/db", JWT_SECRET=None, STOREFLEET_ENV="production")  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError, match="JWT_SECRET"):
        create_app(no_secret, migrate=False)
