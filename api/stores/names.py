"""Store-name rules (pure): DNS-1123 label shape, reserved words, and a substring profanity filter.

A store name becomes part of host names and Kubernetes labels, so it must be a DNS-1123 label.
The profanity filter matches substrings (so "fuckshop" and "my-sh1t-store" are caught) and
therefore lists only stems that rarely occur inside innocent words (the price: a rare innocent name
such as "scunthorpe" is refused too). Short stems such as "ass",
"cum", "anal" or "rape" would refuse "glass-shop", "cucumber", "canal-store" and "grapes".
"""

from __future__ import annotations

import re

MIN_LENGTH = 3
MAX_LENGTH = 63
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")

RESERVED_NAMES: frozenset[str] = frozenset(
    {
        "admin",
        "administrator",
        "api",
        "app",
        "apps",
        "argocd",
        "assets",
        "auth",
        "cdn",
        "dashboard",
        "default",
        "dns",
        "docs",
        "flux",
        "flux-system",
        "ftp",
        "git",
        "health",
        "help",
        "imap",
        "ingress",
        "internal",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "kubernetes",
        "local",
        "localhost",
        "login",
        "logout",
        "mail",
        "metrics",
        "mx",
        "ns",
        "ns1",
        "ns2",
        "pop",
        "postgres",
        "register",
        "root",
        "signin",
        "signup",
        "smtp",
        "static",
        "status",
        "store",
        "storefleet",
        "stores",
        "support",
        "system",
        "webhooks",
        "www",
    }
)
# Prefixes Kubernetes and the appliers claim for themselves.
RESERVED_PREFIXES: tuple[str, ...] = ("kube-", "flux-", "argocd-", "storefleet-")

PROFANE_STEMS: tuple[str, ...] = (
    "fuck",
    "fuk",
    "shit",
    "cunt",
    "bitch",
    "bastard",
    "whore",
    "slut",
    "dildo",
    "porn",
    "pussy",
    "penis",
    "vagina",
    "wank",
    "twat",
    "bollock",
    "asshole",
    "arsehole",
    "motherf",
    "nigger",
    "nigga",
    "faggot",
    "retard",
    "nazi",
    "hitler",
    "cocksuck",
    "blowjob",
    "jizz",
    "xxx",
)
# Digits people use in place of letters to slip past filters.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})


class StoreNameError(ValueError):
    """The name breaks a rule; `code` tells which one (for clients that want to branch on it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _contains_profanity(name: str) -> bool:
    flattened = name.replace("-", "")
    candidates = {name, flattened, name.translate(_LEET), flattened.translate(_LEET)}
    return any(stem in candidate for candidate in candidates for stem in PROFANE_STEMS)


def validate_store_name(name: str, extra_reserved: frozenset[str] = frozenset()) -> str:
    """Return the name if every rule holds, else raise StoreNameError naming the first broken rule."""
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        raise StoreNameError("name_length", f"must be {MIN_LENGTH} to {MAX_LENGTH} characters long")
    if name != name.lower():
        raise StoreNameError("name_format", "must be lowercase")
    if not _DNS_LABEL.fullmatch(name):
        raise StoreNameError(
            "name_format",
            "may contain only lowercase letters, digits and '-', "
            "and must start and end with a letter or digit",
        )
    if "--" in name:
        raise StoreNameError("name_format", "must not contain '--'")
    if name in RESERVED_NAMES or name in extra_reserved or name.startswith(RESERVED_PREFIXES):
        raise StoreNameError("name_reserved", f"'{name}' is reserved; choose another name")
    if _contains_profanity(name):
        raise StoreNameError("name_not_allowed", "this name is not allowed; choose another name")
    return name
