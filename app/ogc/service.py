"""Published collections and their features: which exist, and one page or feature of each.

No HTTP here: routers turn the results into documents (``documents.py``) and responses.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.errors import NotFound
from app.ogc import features, repository
from app.ogc.crs import Crs
from app.ogc.features import Direction, Page
from app.ogc.presentation import VIEW_PARAMETERS, ItemsView, ids_condition, parse_view, shaped
from app.ogc.query import ItemsQuery, conditions, invalid, parse_items_query
from app.ogc.sources import LAYER_PREFIX, Collection, campaign_collection, layer_collection
from app.targets.source import TARGETS_SUFFIX, targets_collection

# numberMatched is given when counting stops by this many features: never a full scan.
COUNT_CAP = 10_000


async def list_collections(session: AsyncSession) -> list[Collection]:
    """Every published campaign (open or closed), then every reference layer."""
    campaigns = await repository.published_campaigns(session)
    layers = await repository.published_layers(session)
    now = datetime.now(UTC)
    targets = [targets_collection(c, now) for c in campaigns if c.targets is not None]
    collections = await _campaign_collections(session, campaigns)
    return collections + targets + [layer_collection(x) for x in layers]


async def get_collection(
    session: AsyncSession, collection_id: str, with_extent: bool = False
) -> Collection:
    """The collection ``collection_id``, or NotFound. The extent of a campaign without an area
    is measured over its observations: only the collection's document asks for it (items and
    tiles do not need it, and at a million observations it costs more than the page)."""
    if collection_id.startswith(LAYER_PREFIX):
        layers = await repository.published_layers(session, collection_id[len(LAYER_PREFIX) :])
        if layers:
            return layer_collection(layers[0])
    else:
        campaigns = await repository.published_campaigns(session, collection_id)
        if campaigns:
            return (await _campaign_collections(session, campaigns, with_extent))[0]
        targets = await _targets_collection(session, collection_id)
        if targets is not None:
            return targets
    raise NotFound("ogc_collection_not_found", id=collection_id)


async def _targets_collection(session: AsyncSession, collection_id: str) -> Collection | None:
    """``{slug}-targets``: the targets of a published monitoring campaign."""
    if not collection_id.endswith(TARGETS_SUFFIX):
        return None
    slug = collection_id.removesuffix(TARGETS_SUFFIX)
    campaigns = await repository.published_campaigns(session, slug)
    if not campaigns or campaigns[0].targets is None:
        return None
    return targets_collection(campaigns[0], datetime.now(UTC))


async def _campaign_collections(
    session: AsyncSession, campaigns: list[Campaign], with_extent: bool = True
) -> list[Collection]:
    if not campaigns:
        return []
    extras = await repository.campaign_extras(session, campaigns, with_extent)
    derived = await repository.derived_names(session, [c.id for c in campaigns])
    collections = []
    for campaign in campaigns:
        extra = extras[campaign.id]
        collection = campaign_collection(campaign, derived[campaign.id], extra.latitude)
        collection.extent = extra.extent
        if extra.interval is not None:  # when the published observations were made
            collection.temporal_extent = extra.interval
        else:
            end = campaign.updated_at.isoformat() if campaign.status == "closed" else None
            collection.temporal_extent = [campaign.created_at.isoformat(), end]
        collections.append(collection)
    return collections


@dataclass(slots=True)
class ItemsResult:
    query: ItemsQuery
    view: ItemsView
    page: Page
    next_cursor: str | None
    prev_cursor: str | None
    number_matched: int | None


async def read_items(
    session: AsyncSession, collection: Collection, params: Mapping[str, str], default_limit: int
) -> ItemsResult:
    """One page of ``collection`` as the items parameters ``params`` ask."""
    query = parse_items_query(params, collection, default_limit, VIEW_PARAMETERS)
    view = parse_view(params, collection)
    where = conditions(collection, query)
    if view.ids is not None:
        where.append(ids_condition(collection, view.ids))
    if view.hits:
        # Asked for explicitly: counted to the end, and no feature is read.
        matched = collection.known_count if not where else None
        if matched is None:
            matched = await features.capped_count(session, collection, where, 10**12)
        return ItemsResult(query, view, Page("", 0, False, None, None), None, None, matched)
    direction: Direction = "next"
    after: list[Any] | None = None
    if query.cursor:
        direction, after = decode_cursor(query.cursor, collection)
    page = await features.page(session, shaped(collection, view), where, query.crs, query.limit,
                               after, direction, view.offset)  # fmt: skip
    next_cursor, prev_cursor = _cursors(page, direction, after)
    if view.offset and page.first_key is not None:
        prev_cursor = encode_cursor("prev", page.first_key)
    matched = None
    if query.cursor is None:
        matched = collection.known_count if not where else None
        if matched is None and not page.more and not view.offset:
            matched = page.count  # the first page holds them all: nothing to count
        if matched is None:
            matched = await features.capped_count(session, collection, where, COUNT_CAP)
    return ItemsResult(query, view, page, next_cursor, prev_cursor, matched)


def _cursors(
    page: Page, direction: Direction, after: list[Any] | None
) -> tuple[str | None, str | None]:
    if page.first_key is None or page.last_key is None:
        # An empty page after a cursor: what lies before that cursor is still there.
        return None, encode_cursor("prev", after) if after and direction == "next" else None
    more_next = page.more if direction == "next" else True
    more_prev = page.more if direction == "prev" else after is not None
    next_cursor = encode_cursor("next", page.last_key) if more_next else None
    prev_cursor = encode_cursor("prev", page.first_key) if more_prev else None
    return next_cursor, prev_cursor


async def get_feature(
    session: AsyncSession, collection: Collection, feature_id: str, crs: Crs
) -> str:
    """One feature as GeoJSON text, or NotFound (also for ids of the wrong form)."""
    key = _feature_key(collection, feature_id)
    text = None if key is None else await features.feature(session, collection, key, crs)
    if text is None:
        raise NotFound("ogc_feature_not_found", id=feature_id, collection=collection.id)
    return text


def _feature_key(collection: Collection, feature_id: str) -> Any:
    try:
        if collection.kind == "layer":
            return int(feature_id)
        return uuid.UUID(feature_id)
    except ValueError:
        return None


def encode_cursor(direction: Direction, key: list[Any]) -> str:
    raw = orjson.dumps([direction, *[_plain(value) for value in key]])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


def decode_cursor(cursor: str, collection: Collection) -> tuple[Direction, list[Any]]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, *key = orjson.loads(raw)
        if direction not in ("next", "prev"):
            raise ValueError(direction)
        if collection.kind == "layer":
            (feature_id,) = key
            return direction, [int(feature_id)]
        created_at, observation_id = key
        return direction, [datetime.fromisoformat(created_at), uuid.UUID(observation_id)]
    except (ValueError, TypeError, orjson.JSONDecodeError) as error:
        raise invalid("cursor", "unknown cursor: follow the next and prev links") from error
