"""The platform's HS256 tokens: interchangeable with PyJWT's, and refused whenever PyJWT refuses them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from storefleet.api.auth import jwt_hs256
from storefleet.api.auth.credentials import InvalidToken, Tokens

KEY = "k" * 48
ISSUER = "storefleet"
REQUIRED = ("sub", "exp", "iat", "iss")


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "u-abc", "ver": 3, "iss": ISSUER, "iat": now - 5, "exp": now + 600, **overrides}


def decode(token: str, key: str = KEY) -> dict[str, Any]:
    return jwt_hs256.decode(token, key, issuer=ISSUER, required=REQUIRED, now=time.time())


def test_a_pyjwt_token_decodes_and_ours_decodes_with_pyjwt() -> None:
    sent = claims()
    assert decode(jwt.encode(sent, KEY, algorithm="HS256")) == sent
    assert jwt.decode(jwt_hs256.encode(sent, KEY), KEY, algorithms=["HS256"], issuer=ISSUER) == sent


def test_datetimes_become_whole_seconds() -> None:
    issued = datetime(2030, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC)
    token = jwt_hs256.encode({"iat": issued, "exp": issued + timedelta(hours=1)}, KEY)
    payload = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_iat": False, "verify_exp": False})
    assert payload == {"iat": int(issued.timestamp()), "exp": int(issued.timestamp()) + 3600}


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode(claims(), None, algorithm="none"),  # unsigned
        jwt.encode(claims(), KEY * 2, algorithm="HS512"),  # another algorithm
        jwt.encode(claims(), "another-key-" * 4, algorithm="HS256"),  # another key
        jwt.encode(claims(iss="someone-else"), KEY, algorithm="HS256"),
        jwt.encode(claims(iat=int(time.time()) + 3600), KEY, algorithm="HS256"),  # issued in the future
        jwt.encode(claims(exp="tomorrow"), KEY, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims().items() if k != "exp"}, KEY, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims().items() if k != "iss"}, KEY, algorithm="HS256"),
        "not-a-token",
        "a.b.c",
        "é.é.é",
    ],
)
def test_refused(token: str) -> None:
    with pytest.raises(jwt_hs256.TokenError):
        decode(token)


def test_a_changed_payload_breaks_the_signature() -> None:
    header, _, signature = jwt_hs256.encode(claims(), KEY).split(".")
    forged_payload = jwt_hs256.encode(claims(sub="u-admin"), "whatever" * 6).split(".")[1]
    with pytest.raises(jwt_hs256.TokenError, match="signature"):
        decode(f"{header}.{forged_payload}.{signature}")


def test_expired_is_its_own_error() -> None:
    token = jwt.encode(claims(exp=int(time.time()) - 1), KEY, algorithm="HS256")
    with pytest.raises(jwt_hs256.TokenExpired):
        decode(token)
    with pytest.raises(InvalidToken, match="expired"):
        Tokens(KEY, 60).read(token)


def test_tokens_round_trip() -> None:
    tokens = Tokens(KEY, 60)
    token, _ = tokens.issue("u-abc", 7)
    read = tokens.read(token)
    assert (read.user_id, read.token_version) == ("u-abc", 7)
