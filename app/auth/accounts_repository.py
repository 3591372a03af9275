"""SQL for e-mail accounts: look-ups by address, single-use account tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import AccountToken, ApiToken, User


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))


async def user_by_login(session: AsyncSession, login: str) -> User | None:
    """The user of this user name, else of this e-mail address (any case)."""
    query = (
        select(User)
        .where(or_(User.username == login, func.lower(User.email) == login.lower()))
        .order_by((User.username == login).desc())
        .limit(1)
    )
    return await session.scalar(query)


async def admin_exists(session: AsyncSession) -> bool:
    """Whether an administrator can sign in: one with a password, not blocked. Token-only
    administrators (the demo's import account) do not count."""
    query = select(
        exists().where(
            User.is_admin.is_(True), User.password_hash.is_not(None), User.blocked_at.is_(None)
        )
    )
    return bool(await session.scalar(query))


async def add_token(session: AsyncSession, token: AccountToken) -> AccountToken:
    session.add(token)
    await session.flush()
    return token


async def drop_setup_tokens(session: AsyncSession) -> None:
    await session.execute(delete(AccountToken).where(AccountToken.purpose == "setup"))


async def consume_token(session: AsyncSession, digest: bytes, purpose: str) -> AccountToken | None:
    """Mark the token used and return it, if it is of ``purpose``, unused and not expired.
    One UPDATE: of two requests racing with the same token, only one gets it."""
    result = await session.execute(
        update(AccountToken)
        .where(
            AccountToken.token_hash == digest,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > func.now(),
        )
        .values(used_at=func.now())
        .returning(AccountToken)
    )
    return result.scalar_one_or_none()


async def token_purpose(session: AsyncSession, digest: bytes) -> str | None:
    return await session.scalar(
        select(AccountToken.purpose).where(AccountToken.token_hash == digest)
    )


async def retire_tokens(session: AsyncSession, user_id: uuid.UUID, purpose: str) -> None:
    """Every unused token of ``purpose`` of the user stops working."""
    await session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=func.now())
    )


async def revoke_api_tokens(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
