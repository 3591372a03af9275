from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiToken, User

# SKIP LOCKED: when another request of the same token is updating it, that one will do; a
# request never waits for another's transaction to note a use.
_TOUCH = text(
    """
    UPDATE api_tokens SET last_used_at = now()
    WHERE id = (SELECT id FROM api_tokens
                WHERE id = :id
                  AND (last_used_at IS NULL OR last_used_at < now() - CAST(:every AS interval))
                FOR UPDATE SKIP LOCKED)
    """
)


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def add_token(
    session: AsyncSession, user_id: uuid.UUID, digest: bytes, name: str, expires_at: datetime
) -> ApiToken:
    token = ApiToken(user_id=user_id, token_hash=digest, name=name, expires_at=expires_at)
    session.add(token)
    await session.flush()
    return token


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def token_by_digest(session: AsyncSession, digest: bytes) -> tuple[ApiToken, User] | None:
    """The token and its user, whatever their state (revoked, expired, blocked)."""
    query = (
        select(ApiToken, User)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest)
    )
    row = (await session.execute(query)).first()
    return (row[0], row[1]) if row else None


async def touch_token(session: AsyncSession, token_id: uuid.UUID, every: object) -> None:
    await session.execute(_TOUCH, {"id": token_id, "every": every})


async def revoke_token(session: AsyncSession, user_id: uuid.UUID, token_id: uuid.UUID) -> bool:
    """Revoke one of the user's tokens; False when it is not theirs or already revoked."""
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(ApiToken.id)
    )
    return result.first() is not None


async def revoke_named_token(session: AsyncSession, digest: bytes, name: str) -> None:
    """Revoke the token of this hash when it has this name (whoever holds it)."""
    await session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == digest, ApiToken.name == name, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )


async def live_tokens(session: AsyncSession, user_id: uuid.UUID) -> list[ApiToken]:
    """The user's tokens that still work (neither revoked nor expired), newest first."""
    query = (
        select(ApiToken)
        .where(
            ApiToken.user_id == user_id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > func.now(),
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id)
    )
    return list(await session.scalars(query))
