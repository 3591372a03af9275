"""SQL of vector tiles: each tile is one statement, encoded by PostGIS (ST_AsMVTGeom, ST_AsMVT).

The statement reads the collection's published rows (``Collection.where``) whose stored
geometry meets the tile's filter box (GiST index), keeps at most ``feature_cap`` of them in a
stable order, projects the public geometry (generalised when the campaign says so) to Web
Mercator, simplifies it, clips it to the tile (``ST_TileEnvelope``) and encodes the layer.
Everything the caller chooses arrives as bound parameters or SQLAlchemy expressions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Text,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.db.session import use_custom_plans
from app.ogc.sources import Collection, Property

LonLatBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class TileQuery:
    """One tile to encode, with the choices of its zoom band."""

    z: int
    x: int
    y: int
    # Lon/lat box of the tile plus its buffer and the generalisation cell: rows to read.
    filter_box: LonLatBox
    extent: int
    buffer: int
    # Douglas-Peucker tolerance in Web Mercator metres (0: only ST_AsMVTGeom's grid).
    simplify_m: float
    feature_cap: int
    properties: tuple[Property, ...]
    # A layer without a known schema: send its properties object as it is.
    raw_properties: bool = False


async def tile(session: AsyncSession, collection: Collection, query: TileQuery) -> bytes:
    """The encoded tile: empty bytes when no feature falls in it."""
    await use_custom_plans(session)
    data = await session.scalar(_tile_statement(collection, query))
    return bytes(data or b"")


def _tile_statement(collection: Collection, query: TileQuery) -> Select[Any]:
    envelope = func.ST_TileEnvelope(query.z, query.x, query.y)
    mercator = func.ST_Transform(collection.geometry, 3857)
    if query.simplify_m > 0:
        mercator = func.ST_Simplify(mercator, query.simplify_m)
    feature_id = collection.keys[-1]
    # Observations and targets have UUIDs: sent as an attribute, not as the MVT feature id.
    is_campaign = collection.kind != "layer"
    columns: list[ColumnElement[Any]] = [
        func.ST_AsMVTGeom(mercator, envelope, query.extent, query.buffer, True).label("geom"),
        # MVT feature ids are integers: a layer's bigint id fits, an observation's UUID does not.
        (cast(feature_id, Text) if is_campaign else feature_id).label("id"),
    ]
    # ST_AsMVT turns a jsonb column's members into attributes (and skips nulls and arrays).
    if query.raw_properties and collection.raw_properties is not None:
        columns.append(collection.raw_properties.label("attributes"))
    elif query.properties:
        columns.append(_attributes(query.properties).label("attributes"))
    box = func.ST_MakeEnvelope(*query.filter_box, 4326)
    rows = (
        select(*columns)
        .where(*collection.where, collection.stored_geometry.op("&&")(box))
        .order_by(*_order(collection))
        .limit(query.feature_cap)
        .subquery("features")
    )
    encode_args: list[Any] = [
        rows.table_valued(),  # the whole row of each feature
        literal(collection.id, Text),
        literal(query.extent, Integer),
        literal("geom", Text),
    ]
    if not is_campaign:
        encode_args.append(literal("id", Text))
    return select(func.ST_AsMVT(*encode_args)).select_from(rows)


def _order(collection: Collection) -> tuple[ColumnElement[Any], ...]:
    """Which rows survive the cap: a uniform sample for observations (random UUIDs), the
    largest features first for layers (what a small-scale map shows), then a stable key."""
    if collection.kind != "layer":
        return (collection.keys[-1],)
    return (func.ST_Area(func.Box2D(collection.stored_geometry)).desc(), collection.keys[-1])


def _attributes(properties: tuple[Property, ...]) -> ColumnElement[Any]:
    members: list[Any] = []
    for prop in properties:
        members += [literal(prop.name, Text), _scalar_json(prop)]
    return func.jsonb_build_object(*members)


def _scalar_json(prop: Property) -> ColumnElement[Any]:
    """MVT values are scalars (ST_AsMVT drops arrays): a list of choices becomes 'a,b'."""
    if prop.kind != "array":
        return prop.json
    value = prop.json
    elements = func.jsonb_array_elements_text(
        func.jsonb_path_query_array(value, cast(literal("$[*]"), JSONPATH))
    ).table_valued("value")
    joined = select(func.string_agg(elements.c.value, literal(",", Text))).scalar_subquery()
    return func.to_jsonb(joined)


@dataclass(frozen=True, slots=True)
class Extent:
    """Box of the published features (None: none and no area) and their last change."""

    box: LonLatBox | None
    changed_at: datetime | None


async def campaign_extent(session: AsyncSession, collection: Collection) -> Extent:
    """Box of the published rows and of the campaign's area (TileJSON bounds, tileset limits),
    and the last change of those rows or of the campaign, in one statement."""
    updated = collection.property("updated_at")
    changed = updated.value if updated is not None else null()
    rows = select(
        collection.geometry.label("geom"), cast(changed, DateTime(timezone=True)).label("changed")
    ).where(*collection.where)
    area = select(Campaign.area.label("geom"), Campaign.updated_at.label("changed")).where(
        Campaign.id == collection.record_id
    )
    both = union_all(rows, area).subquery("both_geometries")
    box = func.ST_Extent(both.c.geom)
    statement = select(
        func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box),
        func.max(both.c.changed),
    )  # fmt: skip
    row = (await session.execute(statement)).one()
    bounds = None if row[0] is None else (row[0], row[1], row[2], row[3])
    return Extent(bounds, row[4])
