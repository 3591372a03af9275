"""A person's control over their account: preferences, a copy of everything about them, and
deletion (their observations stay, attributed to nobody). Admins can block an account."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import ApiToken, User
from app.auth.names import checked_display_name
from app.campaigns.models import CampaignMember
from app.errors import Forbidden, NotFound
from app.observations.models import Observation
from app.organisations.models import OrganisationMember
from app.review.models import ObservationEvent, Review

_EXPORT_OBSERVATIONS = text(
    """
    SELECT coalesce(json_agg(json_build_object(
        'id', o.id, 'campaign', c.slug, 'status', o.status, 'version', o.version,
        'geometry', ST_AsGeoJSON(o.geom)::json, 'properties', o.properties,
        'observed_at', o.observed_at, 'accuracy_m', o.accuracy_m,
        'created_at', o.created_at, 'updated_at', o.updated_at) ORDER BY o.created_at), '[]')
    FROM observations o JOIN campaigns c ON c.id = o.campaign_id
    WHERE o.created_by = :user_id
    """
)


async def update_preferences(session: AsyncSession, user: User, changes: dict[str, Any]) -> User:
    if not changes:  # an empty PATCH changes nothing (and an empty UPDATE is not SQL)
        return user
    if "display_name" in changes:
        changes = {**changes, "display_name": checked_display_name(changes["display_name"])}
    await session.execute(update(User).where(User.id == user.id).values(**changes))
    for name, value in changes.items():
        setattr(user, name, value)
    return user


async def export(session: AsyncSession, user: User) -> dict[str, Any]:
    """Everything Relevé holds about the user, as JSON (GDPR article 15 and 20)."""
    observations = await session.scalar(_EXPORT_OBSERVATIONS, {"user_id": user.id})
    reviews = await session.execute(
        select(
            Review.observation_id, Review.vote, Review.reason, Review.comment, Review.created_at
        ).where(Review.reviewer_id == user.id)
    )
    memberships = await session.execute(
        select(CampaignMember.campaign_id, CampaignMember.role).where(
            CampaignMember.user_id == user.id
        )
    )
    organisation_memberships = await session.execute(
        select(OrganisationMember.organisation_id, OrganisationMember.role).where(
            OrganisationMember.user_id == user.id
        )
    )
    tokens = await session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
    )
    events = await session.scalar(
        select(func.count())
        .select_from(ObservationEvent)
        .where(ObservationEvent.actor_id == user.id)
    )
    return {
        "user": {"id": user.id, "username": user.username, "display_name": user.display_name,
                 "is_device": user.is_device, "created_at": user.created_at.isoformat(),
                 "publish_identity": user.publish_identity,
                 "leaderboard_opt_in": user.leaderboard_opt_in,
                 "email": user.email, "email_verified": user.email_verified},
        "observations": observations,
        "reviews": [dict(row._mapping) for row in reviews],
        "memberships": [dict(row._mapping) for row in memberships],
        "organisation_memberships": [dict(row._mapping) for row in organisation_memberships],
        "api_tokens": tokens,
        "timeline_entries_written": events,
    }  # fmt: skip


async def delete_account(session: AsyncSession, user: User) -> int:
    """Delete the account and its tokens; returns how many observations stay, now anonymous."""
    kept = await session.scalar(
        select(func.count()).select_from(Observation).where(Observation.created_by == user.id)
    )
    # Foreign keys set created_by/changed_by/actor_id to NULL and drop tokens and memberships.
    await session.execute(delete(User).where(User.id == user.id))
    return int(kept or 0)


async def set_blocked(
    session: AsyncSession, admin: User, user_id: uuid.UUID, blocked: bool
) -> User:
    """Block (every token stops working at once) or unblock an account."""
    if not admin.is_admin:
        raise Forbidden(action="block accounts")
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", id=str(user_id))
    user.blocked_at = func.now() if blocked else None
    await session.flush()
    await session.refresh(user)
    return user
