from __future__ import annotations

from pathlib import Path

import click
import pytest
from pydantic import ValidationError

from storefleet.api.cli import _load_settings
from storefleet.api.fleet.context import fleet_context
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.api.stores.presenter import render_profile
from storefleet.renderer import yamlio
from storefleet.renderer.manifests import render_store
from storefleet.renderer.spec import StoreSpec


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


def test_store_image_pull_secrets_are_split_checked_and_reach_the_render_profile(tmp_path: Path) -> None:
    assert _settings().store_image_pull_secrets == ()
    settings = _settings(STORE_IMAGE_PULL_SECRETS=" regcred, mirror.example.com ,, regcred")
    assert settings.store_image_pull_secrets == ("regcred", "mirror.example.com")  # each once, in order
    settings = settings.model_copy(update={"state_dir": tmp_path})
    profile = fleet_context(settings, "http://127.0.0.1:8000").profile
    assert profile.image_pull_secrets == ("regcred", "mirror.example.com")


@pytest.mark.parametrize("value", ["Regcred", "reg_cred", "regcred,-mirror", "a" * 254, "reg cred"])
def test_a_bad_store_image_pull_secret_stops_the_start_up(value: str) -> None:
    with pytest.raises(ValidationError, match=r"STORE_IMAGE_PULL_SECRETS: .* is not a Secret name"):
        _settings(STORE_IMAGE_PULL_SECRETS=value)


def test_the_start_up_names_every_bad_pull_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORE_IMAGE_PULL_SECRETS", "regcred,Bad_One,also bad")
    with pytest.raises(click.ClickException) as caught:
        _load_settings()
    assert "'Bad_One', 'also bad' are not Secret names" in caught.value.message


def test_store_ingress_and_storage_classes_reach_what_every_store_renders(tmp_path: Path) -> None:
    default = fleet_context(_settings().model_copy(update={"state_dir": tmp_path}), "http://127.0.0.1:8000")
    assert default.profile.resolved_ingress_class == "nginx"  # the `local` values profile's
    settings = _settings(STORE_INGRESS_CLASS="traefik", STORE_STORAGE_CLASS="fast-ssd")
    context = fleet_context(settings.model_copy(update={"state_dir": tmp_path}), "http://127.0.0.1:8000")
    assert context.profile.resolved_ingress_class == "traefik"
    assert context.profile.resolved_storage_class == "fast-ssd"
    assert render_profile(settings).resolved_ingress_class == "traefik"  # the API's store pages agree
    spec = StoreSpec(store_id="st-abcdefgh23", tenant="u-abcdefgh23", name="acme", engine="woocommerce")
    values = yamlio.load(render_store(spec, context.profile)["helmrelease.yaml"])["spec"]["values"]
    assert values["ingress"]["className"] == "traefik"
    assert "fast-ssd" in repr(values)


@pytest.mark.parametrize("name", ["STORE_INGRESS_CLASS", "STORE_STORAGE_CLASS"])
def test_a_bad_class_name_stops_the_start_up(name: str) -> None:
    with pytest.raises(ValidationError, match=rf"{name}: 'Fast_SSD' is not a class name"):
        _settings(**{name: "Fast_SSD"})


def test_a_deleted_store_s_backup_is_kept_30_days_unless_told_otherwise() -> None:
    assert _settings().deleted_store_backup_ttl == "720h0m0s"
    assert _settings(DELETED_STORE_BACKUP_TTL="2160h").deleted_store_backup_ttl == "2160h"


@pytest.mark.parametrize("ttl", ["30d", "30m", "99999h", ""])
def test_a_bad_deleted_store_backup_ttl_stops_the_start_up(ttl: str) -> None:
    with pytest.raises(ValidationError, match="DELETED_STORE_BACKUP_TTL: "):
        _settings(DELETED_STORE_BACKUP_TTL=ttl)
