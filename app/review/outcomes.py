"""Outcomes: an owner tells contributors what became of their observations, and the public
reads it.

Posting selects observations (by ids, status, quality finding, submission dates, bbox or an
area drawn on a map), stores what the outcome covers (the observations, each with its status
at that moment) and puts an ``outcome`` entry on each one's timeline. Public readers get, per
outcome, the figures and map of the covered observations that are *published* (the rule of
``app/observations/publication.py``, at their public place): hidden or unpublished ones are
never counted nor located. No contributor is ever named.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import orjson
import shapely
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions
from app.campaigns.models import Campaign
from app.campaigns.repository import area_element
from app.errors import DomainError, FieldError, NotFound, ValidationFailed, register_status
from app.observations.geojson import parse_feature
from app.observations.schemas import STATUSES
from app.observations.service import public_grid
from app.review import outcomes_repository as repository
from app.review.models import Outcome
from app.review.outcomes_schemas import OutcomeIn


class SelectionMissing(DomainError):
    code = "outcome_selection_missing"


class SelectionEmpty(DomainError):
    code = "outcome_selection_empty"


register_status(SelectionMissing, 422)
register_status(SelectionEmpty, 422)


def page_url(site_root: str, slug: str, outcome_id: uuid.UUID | None = None) -> str:
    """The campaign's public outcomes page (at one outcome's entry when given)."""
    url = f"{site_root}campaigns/{quote(slug, safe='')}/outcomes.html"
    return f"{url}#outcome-{outcome_id}" if outcome_id else url


async def post_outcome(
    session: AsyncSession, campaign: Campaign, user: User, body: OutcomeIn, site_root: str
) -> dict[str, Any]:
    """Store the outcome and tell every contributor concerned; refuse an empty selection."""
    await permissions.require_role(session, campaign, user, "owner", "post outcomes")
    area_wkb = _check_selection(body)
    message = body.message.model_dump()
    outcome = Outcome(
        campaign_id=campaign.id, message=message, link=body.link, created_by=user.id,
        selection=body.selection(), area=area_element(area_wkb) if area_wkb else None,
    )  # fmt: skip
    await repository.cover(session, outcome, body, area_wkb)
    counts, contributors = await repository.covered_counts(session, outcome.id)
    if not counts:
        raise SelectionEmpty(slug=campaign.slug)
    outcome.observation_count = sum(counts.values())
    outcome.status_counts = counts
    page = page_url(site_root, campaign.slug, outcome.id)
    payload = {"message": message, "link": body.link, "outcome_id": str(outcome.id), "page": page}
    await repository.add_events(session, outcome, payload)
    return {"id": outcome.id, "observations": outcome.observation_count,
            "contributors": contributors, "statuses": counts, "message": message,
            "link": body.link, "page": page}  # fmt: skip


def _check_selection(body: OutcomeIn) -> bytes | None:
    """Every criterion's errors at once; the drawn area as MultiPolygon WKB."""
    if not body.has_criteria():
        raise SelectionMissing()
    errors = [
        FieldError(f"/status/{i}" if isinstance(body.status, list) else "/status", "not_a_choice",
                   {"value": status, "choices": ", ".join(STATUSES)})
        for i, status in enumerate(body.statuses() or []) if status not in STATUSES
    ]  # fmt: skip
    if body.since and body.until and body.until <= body.since:
        dates = {"since": body.since.isoformat(), "until": body.until.isoformat()}
        errors.append(FieldError("/until", "outcome_until_before_since", dates))
    area_wkb = None
    if body.area is not None:
        try:
            area_wkb = _area_wkb(body.area)
        except ValidationFailed as failure:
            errors.extend(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    return area_wkb


def _area_wkb(area: dict[str, Any]) -> bytes:
    """A GeoJSON Polygon or MultiPolygon checked like a submitted geometry (errors at /area)."""
    feature = {"type": "Feature", "properties": {}, "geometry": area}
    try:
        parsed = parse_feature(feature, ("Polygon", "MultiPolygon"))
    except ValidationFailed as failure:
        moved = [FieldError(e.path.replace("/geometry", "/area", 1), e.code, e.params)
                 for e in failure.errors]  # fmt: skip
        raise ValidationFailed(moved) from failure
    geometry = shapely.from_wkb(parsed.wkb)
    if isinstance(geometry, shapely.Polygon):
        geometry = shapely.MultiPolygon([geometry])
    return bytes(shapely.to_wkb(geometry))


# Public reads ---------------------------------------------------------------------------


async def public_outcomes(
    session: AsyncSession, campaign: Campaign, site_root: str
) -> dict[str, Any]:
    """Every outcome of the campaign, newest first, as the public may read it."""
    return {
        "campaign": campaign.slug,
        "title": campaign.title,
        "page": page_url(site_root, campaign.slug),
        "outcomes": await _public(session, campaign, site_root, None),
    }


async def public_outcome(
    session: AsyncSession, campaign: Campaign, outcome_id: uuid.UUID, site_root: str
) -> dict[str, Any]:
    found = await _public(session, campaign, site_root, outcome_id)
    if not found:
        raise NotFound("outcome_not_found", id=str(outcome_id), slug=campaign.slug)
    return found[0]


async def _public(
    session: AsyncSession, campaign: Campaign, site_root: str, outcome_id: uuid.UUID | None
) -> list[dict[str, Any]]:
    rows = await repository.outcomes_of(session, campaign.id, outcome_id)
    ids = [row.id for row in rows]
    counts = await repository.public_counts(session, campaign, ids) if ids else {}
    grid = await public_grid(session, campaign)
    points = await repository.public_points(session, campaign, ids, grid) if ids else {}
    answer = []
    for row in rows:
        statuses = counts.get(row.id, {})
        covered, covered_bbox = points.get(row.id, (None, None))
        geometry, bbox = (
            (row.area_json, row.area_bbox) if row.area_json else (covered, covered_bbox)
        )
        answer.append({
            "id": row.id, "message": row.message, "link": row.link,
            "created_at": row.created_at.isoformat(), "observations": sum(statuses.values()),
            "statuses": statuses, "bbox": [round(v, 7) for v in bbox] if bbox else None,
            # The drawn area's outline when there is one, else the points.
            "geometry": orjson.loads(geometry) if geometry else None,
            "points": orjson.loads(covered) if covered else None,
            "page": page_url(site_root, campaign.slug, row.id),
        })  # fmt: skip
    return answer
