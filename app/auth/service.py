"""Accounts: named users with passwords, one-tap device accounts, bearer tokens."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import accounts_repository, ratelimit, repository
from app.auth.models import ApiToken, User
from app.auth.names import checked_display_name
from app.auth.security import (
    BROWSER_TOKEN_NAME,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from app.errors import Conflict, Forbidden, NotFound, Unauthenticated

DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
# last_used_at is written at most this often per token: a read stays (nearly always) a read.
LAST_USED_EVERY = timedelta(hours=1)

# Pseudonyms for device accounts: friendly, not identifying, easy to say aloud.
_PSEUDONYM_WORDS = (
    "Mésange", "Hirondelle", "Rougegorge", "Chouette", "Martinet", "Héron", "Loutre",
    "Renard", "Blaireau", "Hérisson", "Chêne", "Tilleul", "Platane", "Saule", "Érable",
    "Garonne", "Ariège", "Pyrène", "Cèdre", "Lavande",
)  # fmt: skip


def pseudonym() -> str:
    return f"{secrets.choice(_PSEUDONYM_WORDS)}-{secrets.randbelow(9000) + 1000}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who is calling, and with which token (``by_cookie``: a browser session's cookie)."""

    user: User
    token: ApiToken
    by_cookie: bool = False


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token in clear (shown once, never stored) and its stored row."""

    secret: str
    row: ApiToken


async def issue(
    session: AsyncSession,
    user: User,
    name: str = "api",
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
) -> IssuedToken:
    """Create a token for ``user`` that expires after ``lifetime``."""
    secret = new_token()
    expires_at = datetime.now(UTC) + lifetime
    row = await repository.add_token(session, user.id, token_digest(secret), name, expires_at)
    return IssuedToken(secret, row)


async def issue_token(
    session: AsyncSession,
    user: User,
    name: str = "api",
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
) -> str:
    """Create a token for ``user``; the clear token is returned once and never stored."""
    return (await issue(session, user, name, lifetime)).secret


async def create_user(
    session: AsyncSession, username: str, password: str | None, is_admin: bool = False
) -> User:
    user = User(
        username=username,
        display_name=username,
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
    )
    try:
        async with session.begin_nested():
            await repository.add_user(session, user)
    except IntegrityError as error:
        raise Conflict("conflict_username", username=username) from error
    return user


async def create_device_account(session: AsyncSession, display_name: str | None) -> User:
    name = pseudonym() if display_name is None else checked_display_name(display_name)
    user = User(display_name=name, is_device=True)
    return await repository.add_user(session, user)


async def login(
    session: AsyncSession, username: str, password: str, attempt: list[ratelimit.Limit]
) -> User:
    """The user of this user name or e-mail address, when the password is right; then the
    attempt counted by ``ratelimit.limit_sign_ins`` is given back (only failures count)."""
    user = await accounts_repository.user_by_login(session, username)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        raise Unauthenticated("invalid_credentials")
    if user.blocked_at is not None:
        raise Unauthenticated("invalid_credentials")
    await ratelimit.uncount_hits(session, attempt)
    return user


async def authenticate(session: AsyncSession, token: str) -> Credentials:
    """The caller of a bearer token: 401 ``invalid_token`` when unknown, revoked or blocked,
    ``token_expired`` when past its expiry."""
    found = await repository.token_by_digest(session, token_digest(token))
    if found is None:
        raise Unauthenticated("invalid_token")
    row, user = found
    if row.revoked_at is not None or user.blocked_at is not None:
        raise Unauthenticated("invalid_token")
    now = datetime.now(UTC)
    if row.expires_at <= now:
        raise Unauthenticated("token_expired", expired=row.expires_at.isoformat())
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_EVERY:
        await repository.touch_token(session, row.id, LAST_USED_EVERY)
    return Credentials(user, row)


async def renew(
    session: AsyncSession, caller: Credentials, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME
) -> IssuedToken:
    """A new token of the same name; the one used to ask is revoked. A browser session is not
    renewed (its new token would reach the page's scripts, which the HttpOnly cookie prevents):
    the console signs in again."""
    if caller.by_cookie:
        raise Forbidden("session_not_renewable")
    issued = await issue(session, caller.user, caller.token.name, lifetime)
    await repository.revoke_token(session, caller.user.id, caller.token.id)
    return issued


async def logout(session: AsyncSession, caller: Credentials) -> None:
    await repository.revoke_token(session, caller.user.id, caller.token.id)


async def revoke_browser_session(session: AsyncSession, token: str) -> None:
    """End the browser session of this cookie, if it is one (a sign-in replaces it)."""
    await repository.revoke_named_token(session, token_digest(token), BROWSER_TOKEN_NAME)


async def tokens_of(session: AsyncSession, user: User) -> list[ApiToken]:
    return await repository.live_tokens(session, user.id)


async def revoke(session: AsyncSession, user: User, token_id: uuid.UUID) -> None:
    """Revoke one of the user's tokens; 404 when it is not theirs (or already revoked)."""
    if not await repository.revoke_token(session, user.id, token_id):
        raise NotFound("token_not_found", id=str(token_id))
