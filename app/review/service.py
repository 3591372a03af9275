"""The review workflow: votes and consensus, owners' decisions, duplicates, moderation, and
the contributor's timeline. Every status change is a new version of the observation (so the
change feed and webhooks see it) and an entry on its timeline (so its contributor does)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions
from app.campaigns.models import Campaign
from app.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from app.messages import render
from app.observations import repository as observations
from app.observations import service as reading
from app.observations.models import Observation
from app.review import community_repository as community
from app.review import confirmations, repository
from app.review.consensus import consensus
from app.review.messages import DISAGREE_REASONS
from app.review.repository import AUTHOR_ONLY_EVENTS, REVIEWABLE
from app.review.schemas import ConfirmationIn, DecisionIn, DuplicateIn, RequestInfoIn, ReviewIn

# Decided observations that a "not fixed" confirmation puts back to review.
REOPENED = ("validated", "rejected")


async def _locked(session: AsyncSession, observation_id: uuid.UUID) -> tuple[Observation, Campaign]:
    observation = await observations.lock(session, observation_id)
    if observation is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    campaign = await session.get(Campaign, observation.campaign_id)
    assert campaign is not None
    return observation, campaign


async def change_status(
    session: AsyncSession, observation: Observation, user: User | None, status: str, reason: str,
    kind: str = "reviewed", consensus: dict[str, int] | None = None, comment: str | None = None,
) -> None:  # fmt: skip
    """A new version with another status, and the change on the timeline."""
    observation_id, before = observation.id, observation.status
    await observations.write_version(
        session, observation_id, kind=kind, user_id=user.id if user else None, wkb=None,
        properties_json=orjson.dumps(observation.properties).decode(),
        observed_at=observation.observed_at, accuracy_m=observation.accuracy_m, status=status,
        reason=reason,
    )  # fmt: skip
    payload: dict[str, Any] = {"from": before, "to": status, "reason": reason}
    if consensus is not None:
        payload["consensus"] = consensus
    if comment:
        payload["comment"] = comment
    await repository.add_event(
        session, observation_id, "status_changed", payload, user.id if user else None
    )


async def vote(
    session: AsyncSession, observation_id: uuid.UUID, user: User, body: ReviewIn
) -> dict[str, Any]:
    """Record a validator's vote and apply the consensus it may reach."""
    observation, campaign = await _locked(session, observation_id)
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    if observation.created_by == user.id:
        raise Forbidden("review_own_contribution")
    if observation.status not in REVIEWABLE:
        raise Conflict("review_not_reviewable", id=str(observation_id), status=observation.status)
    await repository.upsert_review(
        session, observation_id, user.id, body.vote, body.reason, body.comment
    )
    payload = {"vote": body.vote, "reason": body.reason, "comment": body.comment}
    await repository.add_event(session, observation_id, "vote", payload, user.id)
    votes = await repository.votes(session, observation_id)
    status, agree, counted = consensus(votes, campaign.review_quorum, observation.status)
    if status != observation.status:
        reason = f"consensus: {agree} of {counted} agree (quorum {campaign.review_quorum})"
        tally = {"agree": agree, "counted": counted, "quorum": campaign.review_quorum}
        await change_status(session, observation, user, status, reason, consensus=tally)
    return {"id": observation_id, "status": status, "agree": agree, "counted": counted,
            "quorum": campaign.review_quorum}  # fmt: skip


async def decide(
    session: AsyncSession, observation_id: uuid.UUID, user: User, body: DecisionIn
) -> None:
    """An owner validates or rejects directly, with a reason."""
    observation, campaign = await _locked(session, observation_id)
    await permissions.require_role(session, campaign, user, "owner", "decide on observations")
    if observation.status == "withdrawn":
        raise Conflict("observation_withdrawn", id=str(observation_id))
    if observation.status != body.status:
        await change_status(session, observation, user, body.status, body.reason,
                            kind="decided", comment=body.comment)  # fmt: skip


async def request_info(
    session: AsyncSession, observation_id: uuid.UUID, user: User, body: RequestInfoIn
) -> None:
    """A validator asks the contributor a question: the observation waits for its author
    (out of the review queue) until they edit it."""
    observation, campaign = await _locked(session, observation_id)
    await permissions.require_role(session, campaign, user, "validator", "review this campaign")
    if observation.status not in REVIEWABLE:
        raise Conflict("review_not_reviewable", id=str(observation_id), status=observation.status)
    await observations.write_version(
        session, observation_id, kind="info_requested", user_id=user.id, wkb=None,
        properties_json=orjson.dumps(observation.properties).decode(),
        observed_at=observation.observed_at, accuracy_m=observation.accuracy_m,
        status="needs_info", reason=body.question,
    )  # fmt: skip
    payload = {"question": body.question}
    await repository.add_event(session, observation_id, "info_requested", payload, user.id)


async def mark_duplicate(
    session: AsyncSession, observation_id: uuid.UUID, user: User, body: DuplicateIn
) -> None:
    observation, campaign = await _locked(session, observation_id)
    await permissions.require_role(session, campaign, user, "validator", "mark duplicates")
    if body.of == observation_id:
        raise Conflict("review_duplicate_of_itself")
    original = await session.get(Observation, body.of)
    if original is None or original.campaign_id != campaign.id:
        raise NotFound("review_original_elsewhere", id=str(body.of))
    await repository.set_duplicate_of(session, observation_id, body.of)
    reason = body.reason or f"duplicate of {body.of}"
    await change_status(session, observation, user, "duplicate", reason, kind="duplicate")
    await session.refresh(observation)
    await confirmations.count_duplicate(session, observation, original)


async def confirm(
    session: AsyncSession, observation_id: uuid.UUID, user: User, body: ConfirmationIn
) -> dict[str, Any]:
    """Someone else's word on an observation they may read: "still there", "not fixed" (which
    reopens a decided observation), "the same" (which makes them follow it)."""
    # Only what the person may read (404 otherwise, 410 once withdrawn).
    await reading.readable(session, observation_id, user)
    observation = await observations.lock(session, observation_id)
    assert observation is not None
    if observation.status == "withdrawn":
        raise Conflict("observation_withdrawn", id=str(observation_id))
    if observation.created_by == user.id:
        raise Conflict("confirm_own_contribution")
    media = list(dict.fromkeys(body.media))
    known = await community.photos_of(session, observation_id, media)
    unknown = [
        FieldError(f"/body/media/{index}", "confirmation_unknown_photo", {"id": str(media_id)})
        for index, media_id in enumerate(body.media)
        if media_id not in known
    ]
    if unknown:
        raise ValidationFailed(unknown)
    await community.upsert_confirmation(
        session, observation_id, user.id, body.kind, body.comment, media
    )
    payload = {"kind": body.kind, "comment": body.comment}
    await repository.add_event(session, observation_id, "confirmed", payload, user.id)
    if body.kind == "same":
        await community.follow(session, observation_id, user.id)
    status = observation.status
    if body.kind == "not_fixed" and status in REOPENED:
        reason = "reopened: reported as not fixed"
        await change_status(session, observation, user, "needs_review", reason, kind="reopened")
        status = "needs_review"
    return {
        "id": observation_id,
        "confirmations": await community.count(session, observation_id),
        "status": status,
    }


async def set_hidden(
    session: AsyncSession, observation_id: uuid.UUID, user: User, hidden: bool, reason: str | None
) -> None:
    """Moderation: hide from every public output, or show again; never a delete."""
    if not user.is_admin:
        raise Forbidden(action="moderate observations")
    observation, _ = await _locked(session, observation_id)
    await repository.set_hidden(session, observation_id, hidden)
    await observations.write_version(
        session, observation_id, kind="moderated" if hidden else "unhidden", user_id=user.id,
        wkb=None, properties_json=orjson.dumps(observation.properties).decode(),
        observed_at=observation.observed_at, accuracy_m=observation.accuracy_m,
        status=observation.status, reason=reason,
    )  # fmt: skip
    kind = "moderated" if hidden else "unhidden"
    await repository.add_event(session, observation_id, kind, {"reason": reason}, user.id)


async def reader_of(
    session: AsyncSession, observation: Observation, user: User
) -> Literal["full", "follower"] | None:
    """How ``user`` reads the timeline: the author, the campaign's validators and owners, and
    admins in full; those who follow it without the author's exchange and without names but
    their own; anyone else not at all."""
    if observation.created_by == user.id:
        return "full"
    campaign = await session.get(Campaign, observation.campaign_id)
    assert campaign is not None
    if permissions.at_least(await permissions.role_of(session, campaign, user), "validator"):
        return "full"
    if await community.is_follower(session, observation.id, user.id):
        return "follower"
    return None


async def can_follow(session: AsyncSession, observation: Observation, user: User) -> bool:
    return await reader_of(session, observation, user) is not None


async def timeline(
    session: AsyncSession, observation_id: uuid.UUID, user: User, language: str
) -> dict[str, Any]:
    observation = await session.get(Observation, observation_id)
    reader = None if observation is None else await reader_of(session, observation, user)
    if observation is None or reader is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    rows = await repository.timeline(session, observation_id)
    if reader == "follower":
        rows = [
            (*row[:4], row[4] if row[5] == user.id else None, row[5])
            for row in rows
            if row[1] not in AUTHOR_ONLY_EVENTS
        ]
    return {
        "id": observation_id,
        "status": observation.status,
        "events": [_event(row, language, user) for row in rows],
    }


def _event(row: Any, language: str, user: User) -> dict[str, Any]:
    event_id, kind, payload, at, actor, actor_id = row
    return {
        "id": event_id,
        "kind": kind,
        "at": at.isoformat(),
        "actor": actor,
        "payload": payload,
        # As counted by unread_total: what you did yourself is not news to you.
        "unread": event_id > user.timeline_read_up_to and actor_id != user.id,
        "message": {lang: event_message(kind, payload, actor, lang) for lang in ("fr", "en")},
    }


def event_message(kind: str, payload: dict[str, Any], actor: str | None, language: str) -> str:
    """One line saying what happened, in the contributor's language."""
    params: dict[str, Any] = {"actor": actor or "—", **payload}
    if kind == "vote":
        kind = f"vote_{payload.get('vote')}"
        reason = DISAGREE_REASONS.get(payload.get("reason") or "")
        params["reason"] = reason[language] if reason else payload.get("reason")  # type: ignore[index]
    elif kind == "status_changed":
        for end in ("from", "to"):
            params[end] = render(f"observation_status_{payload.get(end)}", language)  # type: ignore[arg-type]
        if payload.get("consensus"):
            kind = "status_consensus"
            params.update(payload["consensus"])
        elif payload.get("comment"):
            kind = "status_changed_comment"
    elif kind == "confirmed":
        kind = f"confirmed_{payload.get('kind')}"
        if payload.get("comment"):
            return f"{render(f'timeline_{kind}', language, params)} « {payload['comment']} »"  # type: ignore[arg-type]
    elif kind == "quality_checked":
        params["count"] = len(payload.get("issues") or [])
    elif kind == "quality_rechecked":
        params["status"] = (payload.get("status") or {}).get("to")
    elif kind == "outcome":
        params["message"] = (payload.get("message") or {}).get(language, "")
    return render(f"timeline_{kind}", language, params)  # type: ignore[arg-type]
