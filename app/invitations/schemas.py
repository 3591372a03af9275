"""Invitation bodies and answers. The secret token is never part of an answer: it only
travels in the e-mailed link."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.notifications.service import Delivery

Secret = Field(min_length=1, max_length=200)


class InvitationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"email": "camille@example.org", "role": "validator"}]},
    )

    email: EmailStr
    role: str = Field(
        min_length=1,
        max_length=40,
        description="A campaign: owner, validator or contributor; an organisation: admin or editor",
    )
    language: Literal["fr", "en"] | None = Field(
        default=None, description="The e-mail's language (default: the request's)"
    )


class InvitationOut(BaseModel):
    id: uuid.UUID
    email: str
    role: str
    state: Literal["pending", "accepted", "revoked"]
    expired: bool
    invited_by: str | None = Field(description="The inviter's display name")
    created_at: datetime
    sent_at: datetime
    expires_at: datetime


class InvitationSent(InvitationOut):
    delivery: Delivery = Field(description="queued for the SMTP server, or only logged")


class InvitationList(BaseModel):
    invitations: list[InvitationOut]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Secret


class InvitationTarget(BaseModel):
    """What an invitation is for, as its holder sees it before and after accepting."""

    kind: Literal["campaign", "organisation"]
    slug: str
    name: str
    role: str
    email: str
    invited_by: str | None
    expires_at: datetime
