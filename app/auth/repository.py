from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiToken, User


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def add_token(session: AsyncSession, user_id: uuid.UUID, digest: bytes, name: str) -> None:
    session.add(ApiToken(user_id=user_id, token_hash=digest, name=name))
    await session.flush()


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def user_by_token(session: AsyncSession, digest: bytes) -> User | None:
    query = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == digest,
            ApiToken.revoked_at.is_(None),
            User.blocked_at.is_(None),
        )
    )
    return await session.scalar(query)
