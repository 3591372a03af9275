"""Place search for the field app: find a commune, a street, an address or a named place.

A campaign's names are those of the reference layers it uses (its map layers, the layers its
rules check against, its targets' layer) and the titles of its targets. Every such layer is
public already (through the OGC API and its tiles); the campaign itself is read as its other
endpoints read it: a draft answers 404 to anyone outside it.
"""

from __future__ import annotations

import hashlib
import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.errors import FieldError, ValidationFailed
from app.search import repository
from app.search.repository import Match, Scope
from app.search.schemas import PlaceOut

MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# Toulouse's 65,000 addresses and their streets fit; a gazetteer past this is cut (communes and
# streets kept first) and says so.
GAZETTEER_LIMIT = 100_000
GAZETTEER_COLUMNS = ["label", "kind", "lon", "lat", "bbox"]
# Part of the version: a change to what the rows hold makes every copy in the field stale.
GAZETTEER_FORMAT = "1"


def check_query(q: str | None, limit: int) -> str:
    """The text to search for, stripped; ValidationFailed naming ``q`` or ``limit``."""
    text = (q or "").strip()
    errors = []
    if not text:
        errors.append(FieldError("/query/q", "search_query_empty"))
    elif len(text) > MAX_QUERY_LENGTH:
        errors.append(
            FieldError(
                "/query/q", "search_query_too_long", {"length": len(text), "max": MAX_QUERY_LENGTH}
            )
        )
    if not 1 <= limit <= MAX_LIMIT:
        errors.append(
            FieldError(
                "/query/limit", "search_limit_out_of_range", {"limit": limit, "max": MAX_LIMIT}
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return text


async def index_layer(session: AsyncSession, layer_id: uuid.UUID) -> int:
    """Build the place names of a newly imported layer (its old version's go with it)."""
    return await repository.index_layer(session, layer_id)


async def scope_of(session: AsyncSession, campaign: Campaign) -> Scope:
    layers = await repository.used_layer_ids(session, campaign)
    targets_layer = campaign.targets["layer"] if campaign.targets is not None else None
    return Scope(campaign.id, layers, targets_layer)


async def search(session: AsyncSession, campaign: Campaign, q: str, limit: int) -> list[PlaceOut]:
    """The campaign's places whose names match ``q``, best first."""
    scope = await scope_of(session, campaign)
    matches = await repository.search(session, scope, campaign.slug, q, limit)
    return [_place(match) for match in matches]


def _place(match: Match) -> PlaceOut:
    feature_id: int | str | None = match.feature_id
    if match.feature_id is not None and match.collection.startswith("layers."):
        feature_id = int(match.feature_id)
    return PlaceOut(
        label=match.label,
        kind=match.kind,
        layer=match.layer,
        collection=match.collection,
        feature_id=feature_id,
        center=[round(match.lon, 6), round(match.lat, 6)],
        bbox=[round(value, 6) for value in match.bbox] if match.bbox else None,
    )


async def gazetteer_version(session: AsyncSession, campaign: Campaign, scope: Scope) -> str:
    """Changes whenever the gazetteer may: a layer re-imported, added or dropped, targets."""
    parts = [GAZETTEER_FORMAT, campaign.slug, *await repository.digest(session, scope)]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


async def gazetteer(session: AsyncSession, campaign: Campaign, scope: Scope, version: str) -> bytes:
    """The gazetteer as JSON bytes (see ``GazetteerOut``); its rows come built by PostgreSQL."""
    count, rows = await repository.gazetteer(session, scope, campaign.slug, GAZETTEER_LIMIT)
    head = {
        "campaign": campaign.slug,
        "version": version,
        "columns": GAZETTEER_COLUMNS,
        "count": min(count, GAZETTEER_LIMIT),
        "complete": count <= GAZETTEER_LIMIT,
        "limit": GAZETTEER_LIMIT,
    }
    return orjson.dumps(head)[:-1] + b',"rows":' + rows.encode() + b"}"
