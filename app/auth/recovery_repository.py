"""SQL for recovery codes: one row per device account, replaced in place on rotation."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiToken, RecoveryCode, User


async def put_code(session: AsyncSession, user_id: uuid.UUID, digest: bytes) -> datetime:
    """Store the account's code, replacing the one it had (which stops working at once)."""
    statement = (
        insert(RecoveryCode)
        .values(user_id=user_id, code_hash=digest)
        .on_conflict_do_update(
            index_elements=[RecoveryCode.user_id],
            set_={"code_hash": digest, "created_at": func.now(), "last_used_at": None},
        )
        .returning(RecoveryCode.created_at)
    )
    return (await session.execute(statement)).scalar_one()


async def code_of(session: AsyncSession, user_id: uuid.UUID) -> RecoveryCode | None:
    return await session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user_id))


async def use_code(session: AsyncSession, digest: bytes) -> User | None:
    """The device account this code opens (not blocked), its use noted; else None."""
    result = await session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.code_hash == digest,
            RecoveryCode.user_id == User.id,
            User.is_device.is_(True),
            User.blocked_at.is_(None),
        )
        .values(last_used_at=func.now())
        .returning(RecoveryCode.user_id)
    )
    user_id = result.scalar_one_or_none()
    return await session.get(User, user_id) if user_id else None


async def drop_code(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


async def revoke_other_tokens(session: AsyncSession, user_id: uuid.UUID, keep: uuid.UUID) -> int:
    """Revoke every live token of the user but ``keep``; how many were revoked."""
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.id != keep, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(ApiToken.id)
    )
    return len(result.all())
