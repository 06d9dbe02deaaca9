from __future__ import annotations

import pytest

from storefleet.api.settings import ConfigurationError, Settings


def _settings(**env: str) -> Settings:
    return Settings(**env)  # type: ignore[arg-type]


def test_production_refuses_a_missing_secret() -> None:
    with pytest.raises(ConfigurationError, match="JWT_SECRET is not set"):
        _settings(STOREFLEET_ENV="production").check_jwt_secret()


@pytest.mark.parametrize("secret", ["changeme", "secret", "CHANGE-ME", "short-but-random-1234"])
def test_production_refuses_placeholders_and_short_secrets(secret: str) -> None:
    with pytest.raises(ConfigurationError, match="placeholder or is shorter"):
        _settings(STOREFLEET_ENV="production", JWT_SECRET=secret).check_jwt_secret()


def test_production_accepts_a_real_secret_and_development_anything() -> None:
    _settings(STOREFLEET_ENV="production", JWT_SECRET="k" * 16 + "9f8e7d6c5b4a39281706").check_jwt_secret()
    _settings(STOREFLEET_ENV="development").check_jwt_secret()
    _settings(STOREFLEET_ENV="development", JWT_SECRET="changeme").check_jwt_secret()


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOREFLEET_ENV", "development")
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "7")
    monkeypatch.setenv("EXTRA_RESERVED_STORE_NAMES", "billing, Shop-Admin ,")
    settings = Settings()
    assert settings.is_development and settings.db_pool_max_size == 7
    assert settings.reserved_store_names == frozenset({"billing", "shop-admin"})


def test_secrets_do_not_show_in_repr() -> None:
    settings = _settings(
        JWT_SECRET="super-secret-value-1234567890abcdef", DATABASE_URL="postgresql://u:pw@h/db"
    )
    assert "super-secret-value" not in repr(settings) and "pw@" not in repr(settings)
