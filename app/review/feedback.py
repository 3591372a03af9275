"""What people get back: the review queue, owners' outcomes, "my contributions" with unread
counts, engagement figures (opt-in) and per-validator figures for owners."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions
from app.campaigns.models import Campaign
from app.errors import FieldError, ValidationFailed
from app.observations.models import Observation
from app.observations.schemas import STATUSES
from app.review import queue, repository
from app.review.models import Outcome
from app.review.schemas import OutcomeIn


async def review_queue(
    session: AsyncSession, campaign: Campaign, user: User,
    bbox: tuple[float, float, float, float] | None, limit: int, cursor: str | None,
) -> dict[str, Any]:  # fmt: skip
    """A page of items to review, each with its Feature (quality issues included), votes and
    history; ``next`` is the cursor of the following page (None on the last)."""
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    after = queue.decode_cursor(cursor) if cursor else None
    rows, total = await queue.page(session, campaign.id, user.id, bbox, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [row[0] for row in rows]
    votes: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for oid, vote, reason, comment, at, reviewer in await repository.reviews_of(session, ids):
        votes[oid].append({"vote": vote, "reason": reason, "comment": comment,
                           "at": at.isoformat(), "by": reviewer})  # fmt: skip
    history: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for oid, version, change, at, status, by in await repository.versions_of(session, ids):
        history[oid].append({"version": version, "change": change, "at": at.isoformat(),
                             "status": status, "by": by})  # fmt: skip
    items = [
        {"feature": orjson.loads(row[1]), "votes": votes[row[0]], "history": history[row[0]]}
        for row in rows
    ]
    last = rows[-1] if rows else None
    next_cursor = queue.encode_cursor(tuple(last[2:])) if more and last else None
    return {"campaign": campaign.slug, "items": items, "next": next_cursor, "total": total}


async def post_outcome(
    session: AsyncSession, campaign: Campaign, user: User, body: OutcomeIn
) -> dict[str, Any]:
    """Tell every contributor concerned what became of the selected observations."""
    await permissions.require_role(session, campaign, user, "owner", "post outcomes")
    if body.status is not None and body.status not in STATUSES:
        raise ValidationFailed(
            [
                FieldError(
                    "/status",
                    "not_a_choice",
                    {"value": body.status, "choices": ", ".join(STATUSES)},
                )
            ]
        )
    message = body.message.model_dump()
    outcome = Outcome(campaign_id=campaign.id, message=message, link=body.link, created_by=user.id)
    selection = {"ids": body.ids, "status": body.status, "bbox": body.bbox}
    payload = orjson.dumps({"message": message, "link": body.link}).decode()
    count, contributors = await repository.post_outcome(session, outcome, selection, payload)
    return {"id": outcome.id, "observations": count, "contributors": contributors,
            "message": message, "link": body.link}  # fmt: skip


async def my_observations(
    session: AsyncSession,
    user: User,
    statuses: list[str] | None,
    since: datetime | None,
    limit: int,
) -> dict[str, Any]:
    rows = await repository.my_observations(session, user, statuses, since, limit)
    return {
        "unread_total": await repository.unread_total(session, user),
        "read_up_to": user.timeline_read_up_to,
        "observations": [
            {"feature": orjson.loads(feature), "unread": unread, "following": following}
            for feature, unread, following in rows
        ],
    }


async def mark_read(session: AsyncSession, user: User, up_to: int | None) -> dict[str, Any]:
    latest = await repository.latest_event_id(session, user)
    target = max(user.timeline_read_up_to, min(up_to, latest) if up_to is not None else latest)
    await session.execute(update(User).where(User.id == user.id).values(timeline_read_up_to=target))
    user.timeline_read_up_to = target
    return {"read_up_to": target, "unread_total": await repository.unread_total(session, user)}


async def contributor_figures(
    session: AsyncSession, user_id: uuid.UUID, campaign_id: uuid.UUID | None = None
) -> dict[str, Any]:
    """Contributions, validated ones, and the run of consecutive active days up to today."""
    query = select(Observation.status, func.date(Observation.created_at)).where(
        Observation.created_by == user_id, Observation.status != "withdrawn"
    )
    if campaign_id is not None:
        query = query.where(Observation.campaign_id == campaign_id)
    rows = (await session.execute(query)).all()
    days = {day for _, day in rows}
    return {
        "contributions": len(rows),
        "validated": sum(1 for status, _ in rows if status == "validated"),
        "active_days": len(days),
        "streak_days": _streak(days, datetime.now(UTC).date()),
    }


def _streak(days: set[date], today: date) -> int:
    """Consecutive days with a contribution, ending today (or yesterday: today may be young)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


async def leaderboard(session: AsyncSession, campaign: Campaign) -> list[dict[str, Any]]:
    """Only people who opted in are listed."""
    query = (
        select(User.id, User.display_name)
        .join(Observation, Observation.created_by == User.id)
        .where(Observation.campaign_id == campaign.id, User.leaderboard_opt_in.is_(True))
        .group_by(User.id, User.display_name)
    )
    board = []
    for user_id, name in (await session.execute(query)).all():
        figures = await contributor_figures(session, user_id, campaign.id)
        board.append({"display_name": name, **figures})
    return sorted(board, key=lambda entry: (-entry["contributions"], entry["display_name"]))


async def validator_figures(
    session: AsyncSession, campaign: Campaign, user: User
) -> list[dict[str, Any]]:
    await permissions.require_role(session, campaign, user, "owner", "see validators' figures")
    rows = await repository.validator_figures(session, campaign.id)
    return [
        {"user_id": uid, "display_name": name, "reviews": reviews, "on_decided": decided,
         "agreeing_with_outcome": matched,
         "agreement_rate": round(matched / decided, 3) if decided else None}
        for uid, name, reviews, decided, matched in rows
    ]  # fmt: skip
