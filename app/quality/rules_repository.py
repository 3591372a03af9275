from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality.models import QualityRule


async def rules_of(session: AsyncSession, campaign_id: uuid.UUID) -> Sequence[QualityRule]:
    query = (
        select(QualityRule)
        .where(QualityRule.campaign_id == campaign_id)
        .order_by(QualityRule.position)
    )
    return (await session.scalars(query)).all()


async def replace_rules(
    session: AsyncSession, campaign_id: uuid.UUID, rules: Sequence[QualityRule]
) -> None:
    await session.execute(delete(QualityRule).where(QualityRule.campaign_id == campaign_id))
    session.add_all(rules)
    await session.flush()
