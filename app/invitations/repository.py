"""All SQL of invitations."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.invitations.models import Invitation


async def add(session: AsyncSession, invitation: Invitation) -> Invitation:
    session.add(invitation)
    await session.flush()
    await session.refresh(invitation)
    return invitation


async def save(session: AsyncSession, invitation: Invitation) -> Invitation:
    await session.flush()
    await session.refresh(invitation)
    return invitation


def _of_target(
    campaign_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> ColumnElement[bool]:
    if campaign_id is not None:
        return Invitation.campaign_id == campaign_id
    return Invitation.organisation_id == organisation_id


async def by_digest(session: AsyncSession, digest: bytes, for_update: bool) -> Invitation | None:
    query = select(Invitation).where(Invitation.token_hash == digest)
    return await session.scalar(query.with_for_update() if for_update else query)


async def in_target(
    session: AsyncSession,
    invitation_id: uuid.UUID,
    campaign_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
) -> Invitation | None:
    """The invitation, locked, when it belongs to that campaign or organisation."""
    query = (
        select(Invitation)
        .where(Invitation.id == invitation_id, _of_target(campaign_id, organisation_id))
        .with_for_update()
    )
    return await session.scalar(query)


async def pending(
    session: AsyncSession, campaign_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> list[tuple[Invitation, str | None]]:
    """The target's pending invitations (expired ones included), newest first, with the
    display name of who sent each."""
    query = (
        select(Invitation, User.display_name)
        .outerjoin(User, User.id == Invitation.invited_by)
        .where(_of_target(campaign_id, organisation_id), Invitation.state == "pending")
        .order_by(Invitation.sent_at.desc(), Invitation.id)
    )
    return [(row[0], row[1]) for row in await session.execute(query)]


async def display_name(session: AsyncSession, user_id: uuid.UUID | None) -> str | None:
    if user_id is None:
        return None
    return await session.scalar(select(User.display_name).where(User.id == user_id))
