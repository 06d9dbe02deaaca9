"""The `X-Hub-Signature-256` check GitHub (and Gitea) webhooks use: an HMAC-SHA256 of the body."""

from __future__ import annotations

import hashlib
import hmac


def signature_matches(secret: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of `signature` with `sha256=<hex HMAC of body>`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode(), expected.encode())
