"""Bodies of the recovery-code and add-credentials endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from app.auth.schemas import UserOut
from app.notifications.service import Delivery


class RecoveryCodeOut(BaseModel):
    """A new recovery code, in clear: shown once, never again (only its hash is kept)."""

    code: str = Field(description="20 symbols in five groups of four, e.g. K7QM-3HXR-…")
    created_at: datetime
    replaced: bool = Field(description="An older code existed: it no longer works.")


class RecoveryCodeState(BaseModel):
    exists: bool
    created_at: datetime | None = None
    last_used_at: datetime | None = None


class RecoverRequest(BaseModel):
    code: str = Field(
        min_length=1, max_length=100, description="Case, spaces and dashes do not matter."
    )
    sign_out_other_devices: bool = Field(
        default=False, description="Revoke every other token of the account (a lost phone)."
    )


class CredentialsRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1000, description="At least 10 characters.")


class CredentialsOut(BaseModel):
    """The account, now an ordinary one (its tokens still work); ``email``: whether the
    verification e-mail was queued for the SMTP server or only written to the server's log."""

    user: UserOut
    email: Delivery
