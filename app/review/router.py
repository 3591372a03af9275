from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.auth.deps import CurrentUser, OptionalUser
from app.auth.ratelimit import RateLimit
from app.campaigns import permissions
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.errors import request_language
from app.observations.schemas import parse_bbox, parse_statuses
from app.review import confirmations, feedback, queue, service
from app.review.schemas import (
    ConfirmationIn,
    DecisionIn,
    DuplicateIn,
    HideIn,
    OutcomeIn,
    ReadIn,
    RequestInfoIn,
    ReviewIn,
    SkipIn,
)

router = APIRouter(tags=["review"])


@router.post("/observations/{observation_id}/reviews")
async def review(
    observation_id: uuid.UUID, body: ReviewIn, session: SessionDep, user: CurrentUser, _: RateLimit
) -> dict[str, Any]:
    """Agree, disagree (with a reason) or be unsure; consensus may validate or reject."""
    return await service.vote(session, observation_id, user, body)


@router.post("/observations/{observation_id}/decision", status_code=204)
async def decide(
    observation_id: uuid.UUID, body: DecisionIn, session: SessionDep, user: CurrentUser
) -> None:
    """Owners validate or reject directly, with a reason."""
    await service.decide(session, observation_id, user, body)


@router.post("/observations/{observation_id}/request-info", status_code=204)
async def request_info(
    observation_id: uuid.UUID, body: RequestInfoIn, session: SessionDep, user: CurrentUser
) -> None:
    """Validators ask the contributor a question; their next edit puts it back to review."""
    await service.request_info(session, observation_id, user, body)


@router.post("/observations/{observation_id}/confirmations", status_code=201)
async def confirm(
    observation_id: uuid.UUID, body: ConfirmationIn, session: SessionDep, user: CurrentUser,
    _: RateLimit,
) -> dict[str, Any]:  # fmt: skip
    """Say an observation is still there, still not fixed (a decided one goes back to review),
    or the same as what you wanted to report (you then follow it)."""
    return await service.confirm(session, observation_id, user, body)


@router.get("/campaigns/{slug}/nearby")
async def nearby(
    slug: str, request: Request, session: SessionDep, user: OptionalUser,
    lon: Annotated[float, Query(ge=-180, le=180)], lat: Annotated[float, Query(ge=-90, le=90)],
    radius_m: Annotated[float, Query(gt=0, le=1000)] = 50,
) -> dict[str, Any]:  # fmt: skip
    """What you may see of the campaign within ``radius_m`` of a point, nearest first (at most
    20): "is this it?" before reporting something already reported."""
    campaign = await campaigns.get_campaign(session, slug, user)
    language = request_language(request)
    return await confirmations.nearby(session, campaign, user, lon, lat, radius_m, language)


@router.post("/observations/{observation_id}/duplicate", status_code=204)
async def mark_duplicate(
    observation_id: uuid.UUID, body: DuplicateIn, session: SessionDep, user: CurrentUser
) -> None:
    """Validators mark an observation as a duplicate of another of the same campaign."""
    await service.mark_duplicate(session, observation_id, user, body)


@router.post("/observations/{observation_id}/hide", status_code=204)
async def hide(
    observation_id: uuid.UUID, body: HideIn, session: SessionDep, user: CurrentUser
) -> None:
    """Moderation (admins): hidden from every public output, kept with its history."""
    await service.set_hidden(session, observation_id, user, True, body.reason)


@router.post("/observations/{observation_id}/unhide", status_code=204)
async def unhide(observation_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> None:
    await service.set_hidden(session, observation_id, user, False, None)


@router.get("/observations/{observation_id}/timeline")
async def timeline(
    observation_id: uuid.UUID, request: Request, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """What happened to the observation: checks, votes, status changes, edits, outcomes."""
    return await service.timeline(session, observation_id, user, request_language(request))


@router.get("/campaigns/{slug}/review-queue")
async def review_queue(
    slug: str, session: SessionDep, user: CurrentUser, bbox: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, cursor: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Flagged first, then people's contributions (oldest first), then bulk imports, then what
    you skipped; never your own contributions nor those you voted on. Page on with ``next``."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await feedback.review_queue(session, campaign, user, parse_bbox(bbox), limit, cursor)


@router.post("/campaigns/{slug}/review-queue/skips", status_code=204)
async def skip(slug: str, body: SkipIn, session: SessionDep, user: CurrentUser) -> None:
    """Put an observation aside: it goes to the end of your review queue."""
    campaign = await campaigns.get_campaign(session, slug, user)
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    await queue.skip(session, campaign, user.id, body.id)


@router.post("/campaigns/{slug}/outcomes", status_code=201)
async def post_outcome(
    slug: str, body: OutcomeIn, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Tell contributors what their observations were used for."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await feedback.post_outcome(session, campaign, user, body)


@router.get("/campaigns/{slug}/leaderboard")
async def leaderboard(slug: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Contributors who opted in, with their figures."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return {"campaign": slug, "contributors": await feedback.leaderboard(session, campaign)}


@router.get("/campaigns/{slug}/validators")
async def validator_figures(slug: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Per validator: reviews, and how often they agreed with the final outcome (owners)."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return {
        "campaign": slug,
        "validators": await feedback.validator_figures(session, campaign, user),
    }


@router.get("/me/observations")
async def my_observations(
    session: SessionDep, user: CurrentUser, status: str | None = None,
    since: datetime | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:  # fmt: skip
    """Your contributions, most recently changed first, with unread timeline entries."""
    return await feedback.my_observations(session, user, parse_statuses(status), since, limit)


@router.post("/me/timeline/read")
async def mark_read(
    session: SessionDep, user: CurrentUser, body: ReadIn | None = None
) -> dict[str, Any]:
    """Mark your timeline read, up to an event id or entirely."""
    return await feedback.mark_read(session, user, body.up_to if body else None)


@router.get("/me/stats")
async def my_stats(session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return await feedback.contributor_figures(session, user.id)
