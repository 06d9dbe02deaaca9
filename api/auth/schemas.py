from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from storefleet.api.core.types import Text

MIN_PASSWORD_LENGTH = 8
# Bounded so a client cannot make us hash megabytes.
MAX_PASSWORD_LENGTH = 256


class Role(StrEnum):
    ADMIN = "admin"
    TENANT = "tenant"


class RegisterRequest(BaseModel):
    email: EmailStr = Field(max_length=254)
    username: str = Field(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    password: Text = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class LoginRequest(BaseModel):
    """Sign in with the email address (or, equally, the username) and the password."""

    email: Text | None = Field(default=None, max_length=254)
    username: Text | None = Field(default=None, max_length=32)
    password: Text = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)

    @model_validator(mode="after")
    def _one_identifier(self) -> LoginRequest:
        if not (self.email or self.username):
            raise ValueError("email or username is required")
        return self

    @property
    def identifier(self) -> str:
        return (self.email or self.username or "").strip()


class PasswordChangeRequest(BaseModel):
    current_password: Text = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: Text = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class UserOut(BaseModel):
    # Built from the auth repository's frozen rows, read by attribute.
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    username: str
    role: Role
    is_active: bool
    created_at: datetime


class AuthResponse(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime
    user: UserOut


class UserUpdateRequest(BaseModel):
    """What an admin may change on an account."""

    role: Role | None = None
    is_active: bool | None = None


class UserList(BaseModel):
    users: list[UserOut]
    total: int
    limit: int
    offset: int
