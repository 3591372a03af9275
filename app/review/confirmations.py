"""Confirmations beyond the one a person sends (see ``service.confirm``): marking a duplicate
counts its author as confirming the original; and the "is this it?" search that comes before
a likely duplicate is created."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.i18n import Language
from app.observations import service as reading
from app.observations.models import Observation
from app.quality import checks_repository as checks
from app.review import community_repository as community
from app.review import repository


async def count_duplicate(session: AsyncSession, copy: Observation, original: Observation) -> None:
    """The author of a duplicate wanted to report the original: they confirm and follow it."""
    author = copy.created_by
    if author is None or author == original.created_by:
        return
    await community.upsert_confirmation(session, original.id, author, "same", None, [], False)
    await community.follow(session, original.id, author)
    payload = {"kind": "same", "comment": None, "duplicate": str(copy.id)}
    await repository.add_event(session, original.id, "confirmed", payload, author)


async def nearby(
    session: AsyncSession, campaign: Campaign, reader: User | None, lon: float, lat: float,
    radius_m: float, language: Language,
) -> dict[str, Any]:  # fmt: skip
    view = await reading.page_view(session, campaign, reader)
    rows = await community.nearby(session, campaign, view, lon, lat, radius_m, 20)
    targets = await _targets_of(session, [row[0] for row in rows])
    return {
        "items": [
            {
                "id": oid,
                "title": targets.get(oid, (None, None))[0]
                or title_of(campaign, properties, language),
                "reference": targets.get(oid, (None, None))[1] or str(oid)[:8],
                "status": status,
                "distance_m": round(float(distance), 1),
                "photo": f"/media/{sha256}.thumb.jpg" if sha256 else None,
                "confirmations": confirmations,
            }
            for oid, properties, status, distance, sha256, confirmations in rows
        ]
    }


async def _targets_of(session: AsyncSession, ids: list[Any]) -> dict[Any, tuple[Any, Any]]:
    """The title and reference of the target each observation is a visit of (if any)."""
    if not ids:
        return {}
    described = await checks.originals_described(session, ids)
    return {oid: (title, reference) for oid, _, title, reference in described if reference}


def title_of(campaign: Campaign, properties: dict[str, Any], language: Language) -> str | None:
    """The value of the campaign's first field that has one (a choice as its label)."""
    for spec in campaign.fields:
        value = properties.get(spec["name"])
        if value is None or value == "" or value == []:
            continue
        labels = {choice["value"]: choice["label"] for choice in spec.get("choices") or []}
        values = value if isinstance(value, list) else [value]
        shown = [
            labels[item].get(language) or next(iter(labels[item].values()))
            if item in labels
            else str(item)
            for item in values
        ]
        return ", ".join(shown)
    return None
