"""The one publication rule: what the public may see of observations, and who sees more.

An observation is *published* when its campaign is open or closed (never a draft), it is not
hidden by moderation, and its status is one its campaign's publication policy makes public
(``withdrawn`` never is). Every read path (API lists and reads, history, timeline, media, OGC
API items and filters, tiles, exports, the embed map, the change feed) selects rows with
``is_published`` (rows of any campaign, joined with it) or ``published_in`` (one campaign known
in advance); both are written from the same constants here, once.

Readers: the author of an observation sees it whatever its state, with its exact place; the
campaign's validators and owners, and admins, see every observation exactly ("staff"); anyone
else reads only published observations, at their public (generalised) place, with no
contributor named unless that contributor opted in (``users.publish_identity``).

An unpublished observation read by id (``/api/v1/observations/{id}``, its history, its media
list) answers 404, as if it did not exist, except a withdrawn one in a published campaign: 410
Gone (as OpenStreetMap answers for deleted elements), so a mirror knows to drop it. OGC API
items and photo files answer 404 (OGC API - Features knows no 410; the change feed carries the
tombstone). The timeline is never public (author and staff only).
"""

from __future__ import annotations

import uuid
from enum import Enum

from sqlalchemy import ColumnElement, and_, case, false, or_
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions
from app.campaigns.models import Campaign
from app.errors import DomainError, NotFound, register_status
from app.observations.models import Observation

# Campaign statuses whose observations may be public: a draft's are private to its members.
PUBLIC_CAMPAIGN_STATUSES = ("open", "closed")
# Which statuses each publication policy makes public. Withdrawn observations never are.
PUBLISHED_STATUSES: dict[str, tuple[str, ...]] = {
    "validated_only": ("validated",),
    "all_but_rejected": ("pending", "needs_review", "needs_info", "flagged", "validated"),
    "all": (
        "pending",
        "needs_review",
        "needs_info",
        "flagged",
        "validated",
        "rejected",
        "duplicate",
    ),
}


class Gone(DomainError):
    """A withdrawn observation read by someone who may not see it any more."""

    code = "observation_gone"


register_status(Gone, 410)


def is_published() -> ColumnElement[bool]:
    """Whether the observation (joined with its campaign) is published."""
    by_policy = case(
        *(
            (Campaign.publication_policy == policy, Observation.status.in_(statuses))
            for policy, statuses in PUBLISHED_STATUSES.items()
        ),
        else_=false(),
    )
    return and_(
        Campaign.status.in_(PUBLIC_CAMPAIGN_STATUSES), Observation.hidden_at.is_(None), by_policy
    )


def published_in(campaign: Campaign) -> tuple[ColumnElement[bool], ...]:
    """``is_published`` for the observations of one campaign (no join needed)."""
    if campaign.status not in PUBLIC_CAMPAIGN_STATUSES:
        return (Observation.campaign_id == campaign.id, false())
    return (
        Observation.campaign_id == campaign.id,
        Observation.hidden_at.is_(None),
        Observation.status.in_(PUBLISHED_STATUSES[campaign.publication_policy]),
    )


def visible_in(campaign: Campaign, reader: uuid.UUID | None) -> ColumnElement[bool]:
    """Published, or written by ``reader`` (the author sees their own)."""
    published = and_(*published_in(campaign))
    if reader is None:
        return published
    return or_(published, Observation.created_by == reader)


def published_row(campaign: Campaign, status: str, hidden: bool) -> bool:
    """The same rule for one row already read (single reads: by id, history, media)."""
    return (
        campaign.status in PUBLIC_CAMPAIGN_STATUSES
        and not hidden
        and status in PUBLISHED_STATUSES[campaign.publication_policy]
    )


class Access(Enum):
    PUBLIC = "public"
    AUTHOR = "author"
    STAFF = "staff"

    @property
    def exact(self) -> bool:
        """Sees exact places and contributors' names."""
        return self is not Access.PUBLIC


async def access_of(
    session: AsyncSession, campaign: Campaign, author: uuid.UUID | None, reader: User | None
) -> Access:
    """What ``reader`` may see of an observation of ``campaign`` written by ``author``."""
    if reader is None:
        return Access.PUBLIC
    role = await permissions.role_of(session, campaign, reader)
    if permissions.at_least(role, "validator"):
        return Access.STAFF
    return Access.AUTHOR if author is not None and author == reader.id else Access.PUBLIC


async def is_staff(session: AsyncSession, campaign: Campaign, reader: User | None) -> bool:
    """The campaign's validators and owners, and admins."""
    return await access_of(session, campaign, None, reader) is Access.STAFF


def require_readable(
    campaign: Campaign, observation: Observation, access: Access
) -> None:  # raises NotFound or Gone
    """Nothing when ``access`` may read ``observation``; else the answer the public gets."""
    if access is not Access.PUBLIC:
        return
    hidden = observation.hidden_at is not None
    if published_row(campaign, observation.status, hidden):
        return
    if observation.status == "withdrawn" and not hidden and campaign.status != "draft":
        raise Gone(id=str(observation.id))
    raise NotFound("observation_not_found", id=str(observation.id))
