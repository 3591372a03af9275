"""Bodies of the first-run setup and the e-mail account endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from app.auth.schemas import UserOut
from app.notifications.service import Delivery

Secret = Field(min_length=1, max_length=200)
Password = Field(min_length=1, max_length=1000, description="At least 10 characters.")


class SetupRequest(BaseModel):
    token: str = Secret
    username: str = Field(min_length=1, max_length=60, pattern=r"^[\w.@+-]+$")
    email: EmailStr
    password: str = Password


class SignupRequest(BaseModel):
    email: EmailStr
    password: str = Password
    display_name: str = Field(min_length=1, max_length=60)


class VerifyRequest(BaseModel):
    token: str = Secret


class ResetRequest(BaseModel):
    email: EmailStr


class ResetConfirm(BaseModel):
    token: str = Secret
    password: str = Password


class EmailChangeRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1000)


class AccountOut(BaseModel):
    """A new account, signed in; ``email`` says whether its e-mail was queued for the SMTP
    server or, with none configured, only written to the server's log."""

    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserOut
    email: Delivery


class EmailOut(BaseModel):
    email: Delivery


class SetupState(BaseModel):
    admin_exists: bool
