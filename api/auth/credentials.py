"""Password hashing (argon2id) and access tokens (JWT HS256). No I/O."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from storefleet.api.auth import jwt_hs256
from storefleet.api.settings import PasswordHashProfile

TOKEN_ISSUER = "storefleet"  # noqa: S105 - a claim value, not a secret
TOKEN_ALGORITHM = jwt_hs256.ALGORITHM
_REQUIRED_CLAIMS = ("sub", "exp", "iat", "iss")

_PROFILES = {
    PasswordHashProfile.RFC_9106_LOW_MEMORY: profiles.RFC_9106_LOW_MEMORY,
    PasswordHashProfile.RFC_9106_HIGH_MEMORY: profiles.RFC_9106_HIGH_MEMORY,
    PasswordHashProfile.CHEAPEST: profiles.CHEAPEST,
}


# Each argon2 hash holds its memory cost (64 MiB in the default profile) while it runs: a burst of
# sign-ins must queue for a slot rather than multiply that by the thread pool's size (40).
DEFAULT_HASH_CONCURRENCY = 1


class Passwords:
    """argon2id hashing and verification, each in a worker thread, at most `concurrency` at once per
    process. Waiting callers wait on the event loop, holding no thread, so a sign-in storm costs
    neither memory beyond `concurrency` hashes nor the threads other work needs."""

    def __init__(self, profile: PasswordHashProfile, concurrency: int = DEFAULT_HASH_CONCURRENCY) -> None:
        self._hasher = PasswordHasher.from_parameters(_PROFILES[profile])
        self.concurrency = concurrency
        # anyio's limiter on the to-thread call: the bound holds until each thread returns, also for
        # a caller cancelled meanwhile (its hash runs to the end in its slot).
        self._slots = CapacityLimiter(concurrency)

    @cached_property
    def _decoy_hash(self) -> str:
        # Verified against when the account does not exist, so both paths cost the same time.
        # Computed on first use, in the worker thread (and the slot) of that verification.
        return self._hasher.hash("decoy-password-for-timing")

    async def hash(self, password: str) -> str:
        return await to_thread.run_sync(self._hasher.hash, password, limiter=self._slots)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        return await to_thread.run_sync(self._verify_now, stored_hash, password, limiter=self._slots)

    def _verify_now(self, stored_hash: str | None, password: str) -> bool:
        against = stored_hash or self._decoy_hash
        try:
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
        return jwt_hs256.encode(claims, self._secret), expires

    def read(self, token: str) -> TokenClaims:
        try:
            claims = jwt_hs256.decode(
                token, self._secret, issuer=TOKEN_ISSUER, required=_REQUIRED_CLAIMS, now=time.time()
            )
        except jwt_hs256.TokenExpired as exc:
            raise InvalidToken("the token has expired; sign in again") from exc
        except jwt_hs256.TokenError as exc:
            raise InvalidToken("the token is not valid") from exc
        version = claims.get("ver")
        if not isinstance(claims["sub"], str) or not isinstance(version, int):
            raise InvalidToken("the token is not valid")
        return TokenClaims(user_id=claims["sub"], token_version=version)
