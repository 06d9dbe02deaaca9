"""Who is acting: a signed-in user, or one of the platform's own components."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: str | None
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def system(cls, component: str) -> Actor:
        return cls(id=None, name=f"system:{component}", role="system")


ANONYMOUS = Actor(id=None, name="anonymous", role="anonymous")
