"""The published collection of a monitoring campaign's targets: ``{slug}-targets``.

Each target with its public state: the state field of its latest published visit, when it
was, how many published visits it has, and whether it is due a visit. Visits are counted
under the one publication rule (``published_in``), so a hidden, withdrawn or rejected visit
never sets what the public reads. Who is assigned to or claims a target is never published.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Integer, Text, cast, func, literal, or_, select

from app.campaigns.models import Campaign
from app.observations.models import Observation
from app.ogc.sources import Collection, Property
from app.targets.models import Target
from app.targets.repository import visit_time, visits_of_target

TARGETS_SUFFIX = "-targets"


def _state_enum(campaign: Campaign, state_field: str) -> list[str]:
    spec = next((f for f in campaign.fields if f["name"] == state_field), {})
    return [choice["value"] for choice in spec.get("choices") or []]


def _text(name: str, column: Any, schema: dict[str, Any] | None = None) -> Property:
    return Property(name, "string", column, column, schema or {"type": "string"})


def target_properties(campaign: Campaign, now: datetime) -> tuple[Property, ...]:
    settings = campaign.targets or {}
    state_field = settings.get("state_field", "")
    published = visits_of_target(campaign)
    latest = select(Observation.properties[state_field]).where(*published)
    state = latest.order_by(visit_time().desc()).limit(1).scalar_subquery()
    last = select(func.max(visit_time())).where(*published).scalar_subquery()
    count = select(func.count()).where(*published).scalar_subquery()
    days = settings.get("revisit_after_days")
    due = (
        or_(last.is_(None), last < literal(now - timedelta(days=days))) if days else last.is_(None)
    )
    state_text = cast(state.op("#>>")(literal("{}", Text)), Text)
    enum = _state_enum(campaign, state_field)
    return (
        _text("reference", Target.reference, {"type": "string", "maxLength": 40}),
        _text("title", Target.title),
        Property("state", "string", state_text, state, {"type": "string", "enum": enum}),
        Property("last_visited_at", "datetime", last, last,
                 {"type": "string", "format": "date-time"}),
        Property("visit_count", "integer", cast(count, Integer), count, {"type": "integer"}),
        Property("to_visit", "boolean", cast(due, Boolean), due, {"type": "boolean"}),
    )  # fmt: skip


def targets_collection(campaign: Campaign, now: datetime) -> Collection:
    """The targets of a published campaign that declares some."""
    return Collection(
        id=campaign.slug + TARGETS_SUFFIX,
        kind="targets",
        title=f"{campaign.title} (targets)",
        description=f"Targets revisited by the campaign '{campaign.slug}', with their state.",
        licence=campaign.licence,
        attribution=campaign.attribution,
        record_id=campaign.id,
        geometry_types=("Point",),
        properties=target_properties(campaign, now),
        updated_at=campaign.updated_at,
        where=(Target.campaign_id == campaign.id,),
        keys=(Target.created_at, Target.id),
        geometry=Target.geom,
        stored_geometry=Target.geom,
    )
