"""Password hashing (argon2id) and access tokens (JWT HS256). No I/O."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import jwt
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from storefleet.api.settings import PasswordHashProfile

TOKEN_ISSUER = "storefleet"  # noqa: S105 - a claim value, not a secret
TOKEN_ALGORITHM = "HS256"  # noqa: S105 - an algorithm name, not a secret

_PROFILES = {
    PasswordHashProfile.RFC_9106_LOW_MEMORY: profiles.RFC_9106_LOW_MEMORY,
    PasswordHashProfile.RFC_9106_HIGH_MEMORY: profiles.RFC_9106_HIGH_MEMORY,
    PasswordHashProfile.CHEAPEST: profiles.CHEAPEST,
}


# Each argon2 hash holds its memory cost (64 MiB in the default profile) while it runs; a burst of
# sign-ins must queue here rather than multiply that by the thread pool's size.
MAX_CONCURRENT_HASHES = 2


class Passwords:
    def __init__(self, profile: PasswordHashProfile) -> None:
        self._hasher = PasswordHasher.from_parameters(_PROFILES[profile])
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)

    @cached_property
    def _decoy_hash(self) -> str:
        # Verified against when the account does not exist, so both paths cost the same time.
        return self.hash("decoy-password-for-timing")

    def hash(self, password: str) -> str:
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        against = stored_hash or self._decoy_hash
        try:
            with self._slots:
                matches = self._hasher.verify(against, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and stored_hash is not None


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    token_version: int


class InvalidToken(Exception):
    pass


class Tokens:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = timedelta(seconds=ttl_seconds)

    def issue(self, user_id: str, token_version: int, now: datetime | None = None) -> tuple[str, datetime]:
        issued = now or datetime.now(UTC)
        expires = issued + self._ttl
        claims = {"sub": user_id, "ver": token_version, "iss": TOKEN_ISSUER, "iat": issued, "exp": expires}
        return jwt.encode(claims, self._secret, algorithm=TOKEN_ALGORITHM), expires

    def read(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[TOKEN_ALGORITHM],
                issuer=TOKEN_ISSUER,
                options={"require": ["sub", "exp", "iat", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("the token has expired; sign in again") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("the token is not valid") from exc
        version = claims.get("ver")
        if not isinstance(claims["sub"], str) or not isinstance(version, int):
            raise InvalidToken("the token is not valid")
        return TokenClaims(user_id=claims["sub"], token_version=version)
