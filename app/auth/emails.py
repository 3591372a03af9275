"""Single-use account tokens sent by e-mail, the links that carry them, password rules."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import accounts_repository as repository
from app.auth.models import AccountToken
from app.auth.security import token_digest
from app.errors import DomainError, FieldError, ValidationFailed, register_status

MIN_PASSWORD_LENGTH = 10
LIFETIMES = {
    "setup": timedelta(hours=24),
    "verify": timedelta(hours=48),
    "email_change": timedelta(hours=48),
    "reset": timedelta(hours=1),
}
# The page that follows each link (the token travels in the fragment, which browsers never
# send to a server, so it stays out of access logs and Referer headers).
PAGES = {"setup": "setup", "verify": "account", "email_change": "account", "reset": "account"}


class Gone(DomainError):
    """A link's token is unknown, already used or expired."""

    code = "account_token_invalid"


register_status(Gone, 410)


def checked_password(password: str, email: str | None, member: str = "/password") -> str:
    """At least MIN_PASSWORD_LENGTH characters, and not the account's e-mail address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        params = {"minimum": MIN_PASSWORD_LENGTH}
        raise ValidationFailed([FieldError(member, "password_too_short", params)])
    if email and password.strip().casefold() == email.casefold():
        raise ValidationFailed([FieldError(member, "password_is_email")])
    return password


def link(base_url: str, purpose: str, secret: str) -> str:
    key = "token" if purpose == "setup" else purpose
    return f"{base_url.rstrip('/')}/{PAGES[purpose]}#{key}={secret}"


def hours(purpose: str) -> int:
    return int(LIFETIMES[purpose].total_seconds() // 3600)


async def new_token(
    session: AsyncSession, user_id: uuid.UUID | None, purpose: str, email: str | None = None
) -> str:
    """A fresh secret of ``purpose``; only its digest is stored."""
    secret = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + LIFETIMES[purpose]
    row = AccountToken(
        user_id=user_id, purpose=purpose, token_hash=token_digest(secret), email=email,
        expires_at=expires_at,
    )  # fmt: skip
    await repository.add_token(session, row)
    return secret


async def consume(session: AsyncSession, secret: str, *purposes: str) -> AccountToken:
    """The token, now used; Gone (410) when it is unknown, used, expired or of another kind."""
    digest = token_digest(secret)
    purpose = await repository.token_purpose(session, digest)
    row = await repository.consume_token(session, digest, purpose) if purpose in purposes else None
    if row is None:
        raise Gone()
    return row
