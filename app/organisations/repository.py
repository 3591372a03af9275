from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.organisations.models import Organisation, OrganisationMember


async def get_by_slug(
    session: AsyncSession, slug: str, *, for_update: bool = False
) -> Organisation | None:
    query = select(Organisation).where(Organisation.slug == slug)
    if for_update:
        # Member changes of one organisation take turns, so "the last admin" is counted safely.
        query = query.with_for_update()
    return await session.scalar(query)


async def list_organisations(session: AsyncSession) -> list[Organisation]:
    return list(await session.scalars(select(Organisation).order_by(Organisation.name)))


async def public_campaign_counts(session: AsyncSession, ids: list[Any]) -> dict[Any, int]:
    """Campaigns of each organisation, drafts not counted."""
    rows = await session.execute(
        select(Campaign.organisation_id, func.count())
        .where(Campaign.organisation_id.in_(ids), Campaign.status != "draft")
        .group_by(Campaign.organisation_id)
    )
    return {row[0]: row[1] for row in rows}


async def slugs_by_id(session: AsyncSession, ids: set[Any]) -> dict[Any, str]:
    rows = await session.execute(
        select(Organisation.id, Organisation.slug).where(Organisation.id.in_(ids))
    )
    return {row[0]: row[1] for row in rows}


async def add(session: AsyncSession, organisation: Organisation) -> Organisation:
    session.add(organisation)
    await session.flush()
    await session.refresh(organisation)
    return organisation


async def save(session: AsyncSession, organisation: Organisation) -> Organisation:
    await session.flush()
    await session.refresh(organisation)
    return organisation


async def role_of(session: AsyncSession, organisation_id: Any, user_id: Any) -> str | None:
    return await session.scalar(
        select(OrganisationMember.role).where(
            OrganisationMember.organisation_id == organisation_id,
            OrganisationMember.user_id == user_id,
        )
    )


async def admin_count(session: AsyncSession, organisation_id: Any) -> int:
    query = select(func.count()).where(
        OrganisationMember.organisation_id == organisation_id, OrganisationMember.role == "admin"
    )
    return int(await session.scalar(query) or 0)


async def set_member(session: AsyncSession, organisation_id: Any, user_id: Any, role: str) -> None:
    statement = insert(OrganisationMember).values(
        organisation_id=organisation_id, user_id=user_id, role=role
    )
    statement = statement.on_conflict_do_update(
        index_elements=[OrganisationMember.organisation_id, OrganisationMember.user_id],
        set_={"role": statement.excluded.role},
    )
    await session.execute(statement)


async def remove_member(session: AsyncSession, organisation_id: Any, user_id: Any) -> None:
    await session.execute(
        delete(OrganisationMember).where(
            OrganisationMember.organisation_id == organisation_id,
            OrganisationMember.user_id == user_id,
        )
    )


async def members(session: AsyncSession, organisation_id: Any) -> list[Any]:
    query = (
        select(OrganisationMember.user_id, User.display_name, User.username,
               OrganisationMember.role, OrganisationMember.created_at)
        .join(User, User.id == OrganisationMember.user_id)
        .where(OrganisationMember.organisation_id == organisation_id)
        .order_by(OrganisationMember.role, User.display_name, OrganisationMember.user_id)
    )  # fmt: skip
    return list(await session.execute(query))


async def memberships(session: AsyncSession, user_id: Any) -> list[tuple[Organisation, str]]:
    """The user's organisations with their role in each."""
    rows = await session.execute(
        select(Organisation, OrganisationMember.role)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.user_id == user_id)
        .order_by(Organisation.name)
    )
    return [(row[0], row[1]) for row in rows]
