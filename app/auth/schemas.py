from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.partial import PartialUpdate


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str | None
    display_name: str
    is_admin: bool
    is_device: bool
    created_at: datetime
    publish_identity: bool = False
    leaderboard_opt_in: bool = False
    blocked_at: datetime | None = None
    email: str | None = None
    email_verified: bool = False


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=200, description="User name or e-mail address.")
    password: str = Field(min_length=1, max_length=1000)


class DeviceRequest(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=60)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserOut


class TokenInfo(BaseModel):
    """One of your tokens, as GET /me/tokens lists them (never the token or its hash)."""

    id: uuid.UUID
    name: str
    kind: Literal["browser_session", "api_token"] = Field(
        description="A browser session (the console's cookie) or a bearer token (API, device)."
    )
    created_at: datetime
    last_used_at: datetime | None = Field(description="Updated at most once an hour.")
    expires_at: datetime
    current: bool = Field(description="The token (or session) this request was sent with.")


class SessionOut(BaseModel):
    """A browser session just opened: its token is only in the HttpOnly cookie."""

    expires_at: datetime
    csrf_token: str = Field(description="Send it back in X-CSRF-Token on every write.")
    user: UserOut


class TokenList(BaseModel):
    tokens: list[TokenInfo]


class PreferencesIn(PartialUpdate):
    display_name: str | None = Field(default=None, min_length=1, max_length=60)
    publish_identity: bool | None = None
    leaderboard_opt_in: bool | None = None
