"""Features as GeoJSON text built by PostGIS: pages, single features and bounded counts.

A page is one statement returning one row: its features already joined into the text of a
JSON array by ``string_agg``, how many, whether more follow, and the keyset keys of its first
and last feature. No per-feature Python object is made; the geometry text of
``ST_AsGeoJSON`` is spliced in as it is, never parsed back into ``json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, Text, cast, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import use_custom_plans
from app.ogc.crs import Crs
from app.ogc.sources import Collection

# json_build_object takes at most 100 arguments (50 members); wider forms are merged in jsonb.
_MEMBERS_PER_OBJECT = 50
Direction = Literal["next", "prev"]


def output_geometry(collection: Collection, crs: Crs) -> ColumnElement[Any]:
    """The published geometry in ``crs``, with the axis order that CRS defines. Polygons of
    reference layers are turned counter-clockwise (RFC 7946) here, on read: one cheap call per
    feature served, whatever the source file's winding (observations are stored that way)."""
    geometry = collection.geometry
    if collection.kind == "layer":
        geometry = func.ST_ForcePolygonCCW(geometry)
    if crs.srid != 4326:
        geometry = func.ST_Transform(geometry, crs.srid)
    if crs.lat_first:
        geometry = func.ST_FlipCoordinates(geometry)
    return geometry


def properties_text(collection: Collection) -> ColumnElement[str]:
    """The properties object, members in the collection's order, as JSON text."""
    if collection.raw_properties is not None:
        return func.coalesce(cast(collection.raw_properties, Text), "{}")
    pairs: list[Any] = []
    for prop in collection.properties:
        pairs += [literal(prop.name, Text), prop.json]
    width = 2 * _MEMBERS_PER_OBJECT
    if len(pairs) <= width:
        return cast(func.json_build_object(*pairs), Text)
    chunks = [func.jsonb_build_object(*pairs[i : i + width]) for i in range(0, len(pairs), width)]
    merged: Any = chunks[0]
    for chunk in chunks[1:]:
        merged = merged.op("||")(chunk)
    return cast(merged, Text)


def id_text(collection: Collection) -> ColumnElement[str]:
    feature_id = collection.keys[-1]
    if collection.kind == "layer":
        return cast(feature_id, Text)
    return func.concat('"', cast(feature_id, Text), '"')


def feature_text(collection: Collection, crs: Crs, members: str = "") -> ColumnElement[str]:
    """One GeoJSON Feature as text (coordinates rounded for ``crs``: ~1 cm), with the
    foreign ``members`` (JSON text starting with a comma) appended."""
    geometry = func.ST_AsGeoJSON(output_geometry(collection, crs), crs.decimals, 0)
    return func.concat(
        '{"type":"Feature","id":', id_text(collection),
        ',"geometry":', func.coalesce(geometry, "null"),
        ',"properties":', properties_text(collection), literal(members, Text), "}",
    )  # fmt: skip


@dataclass(slots=True)
class Page:
    features: str
    count: int
    more: bool
    first_key: list[Any] | None
    last_key: list[Any] | None


def _keyset(collection: Collection, after: list[Any] | None, direction: Direction) -> list[Any]:
    if after is None:
        return []
    keys = tuple_(*collection.keys)
    values = tuple_(*(literal(v, key.type) for v, key in zip(after, collection.keys, strict=True)))
    return [keys > values if direction == "next" else keys < values]


def _key_array(column: Any, order: Any) -> Any:
    return func.array_agg(aggregate_order_by(column, order))


async def page(
    session: AsyncSession,
    collection: Collection,
    where: list[ColumnElement[bool]],
    crs: Crs,
    limit: int,
    after: list[Any] | None = None,
    direction: Direction = "next",
    offset: int = 0,
) -> Page:
    """Up to ``limit`` features after (or before) the key ``after``, in key order, the first
    ``offset`` of them skipped."""
    order = [key if direction == "next" else key.desc() for key in collection.keys]
    number = func.row_number().over(order_by=order).label("n")
    inner = (
        select(feature_text(collection, crs).label("feature"), number,
               *(key.label(f"k{i}") for i, key in enumerate(collection.keys)))
        .where(*collection.where, *where, *_keyset(collection, after, direction))
        .order_by(*order)
        .limit(limit + 1)
        .offset(offset or None)
        .subquery()
    )  # fmt: skip
    # row_number counts the skipped rows too.
    in_page = inner.c.n <= limit + offset
    # Features are always sent in ascending key order, whichever way the page was read.
    ascending = inner.c.n if direction == "next" else inner.c.n.desc()
    keys = [inner.c[f"k{i}"] for i in range(len(collection.keys))]
    query = select(
        func.string_agg(inner.c.feature, aggregate_order_by(literal(","), ascending)).filter(
            in_page
        ),
        func.count().filter(in_page),
        func.max(inner.c.n),
        *(_key_array(key, ascending).filter(in_page) for key in keys),
    )
    await use_custom_plans(session)
    row = (await session.execute(query)).one()
    return _page(row, len(keys), limit + offset)


def _page(row: Any, key_count: int, limit: int) -> Page:
    arrays = row[3 : 3 + key_count]
    if not row[1]:
        return Page("", 0, False, None, None)
    first = [array[0] for array in arrays]
    last = [array[-1] for array in arrays]
    return Page(row[0] or "", row[1], (row[2] or 0) > limit, first, last)


async def feature(
    session: AsyncSession, collection: Collection, feature_id: Any, crs: Crs
) -> str | None:
    query = select(feature_text(collection, crs)).where(
        *collection.where, collection.keys[-1] == feature_id
    )
    return await session.scalar(query)


async def capped_count(
    session: AsyncSession, collection: Collection, where: list[ColumnElement[bool]], cap: int
) -> int | None:
    """How many features match, when at most ``cap`` do; None (not counted) beyond that."""
    matching = select(literal(1)).where(*collection.where, *where).limit(cap + 1).subquery()
    count = await session.scalar(select(func.count()).select_from(matching))
    return count if count is not None and count <= cap else None


def rows_query(collection: Collection, where: list[ColumnElement[bool]], *columns: Any) -> Select:
    """The collection's matching rows in key order (exports stream it)."""
    return (
        select(*columns).where(*collection.where, *where).order_by(*collection.keys)
    )  # fmt: skip
