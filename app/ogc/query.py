"""The query parameters of ``/items`` (and of exports), parsed into SQL conditions.

Each bad value is a 400 problem naming the parameter and the reason; an unknown parameter
too, as OGC API - Features requires (a property of the collection is a known parameter).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from pygeofilter import ast
from sqlalchemy import ColumnElement, and_, func, literal, or_

from app.errors import BadRequest
from app.ogc import cql2, literals
from app.ogc.crs import CRS84, Crs, parse_crs
from app.ogc.filters import FilterCompiler
from app.ogc.sources import Collection

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
COMMON_PARAMETERS = frozenset({"f", "lang"})
ITEMS_PARAMETERS = COMMON_PARAMETERS | {
    "limit", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang", "filter-crs",
    "cursor",
}  # fmt: skip


def invalid(name: str, reason: str) -> BadRequest:
    error = BadRequest("ogc_invalid_parameter", name=name, reason=reason)
    error.extra["parameter"] = name
    return error


@dataclass(slots=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    bbox: list[float] | None = None
    bbox_crs: Crs = CRS84
    interval: tuple[datetime | None, datetime | None] | None = None
    crs: Crs = CRS84
    filter: ast.Node | None = None
    filter_crs: Crs = CRS84
    equals: dict[str, str] = field(default_factory=dict)
    cursor: str | None = None


def parse_items_query(
    params: Mapping[str, str],
    collection: Collection,
    default_limit: int = DEFAULT_LIMIT,
    others: frozenset[str] = frozenset(),
) -> ItemsQuery:
    """Read the items parameters; property names of ``collection`` filter by equality, the
    names in ``others`` are read elsewhere."""
    known = ITEMS_PARAMETERS | others
    unknown = [name for name in params if name not in known and collection.property(name) is None]
    if unknown:
        raise BadRequest("ogc_unknown_parameter", name=", ".join(sorted(unknown)))
    query = ItemsQuery(
        limit=parse_limit(params.get("limit"), default_limit),
        bbox=parse_bbox(params.get("bbox")),
        bbox_crs=parse_crs(params.get("bbox-crs"), "bbox-crs"),
        interval=parse_datetime(params.get("datetime")),
        crs=parse_crs(params.get("crs"), "crs"),
        filter_crs=parse_crs(params.get("filter-crs"), "filter-crs"),
        equals={name: value for name, value in params.items() if name not in known},
        cursor=params.get("cursor"),
    )
    if params.get("filter"):
        query.filter = cql2.parse_filter(params["filter"], params.get("filter-lang"))
    elif "filter-lang" in params:
        cql2.parse_filter("INCLUDE", params["filter-lang"])  # checks the language's name
    return query


def parse_limit(value: str | None, default: int = DEFAULT_LIMIT) -> int:
    if value is None:
        return default
    if not value.strip().isdigit():
        raise invalid("limit", "expected a whole number")
    limit = int(value)
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def parse_bbox(value: str | None) -> list[float] | None:
    if value is None:
        return None
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise invalid("bbox", "expected 4 or 6 comma-separated numbers")
    if numbers[1] > numbers[3]:
        raise invalid("bbox", "the lower corner is above the upper corner")
    return numbers


def parse_datetime(value: str | None) -> tuple[datetime | None, datetime | None] | None:
    """An instant or an interval ``start/end`` (``..`` or empty for an open end)."""
    if value is None:
        return None
    parts = value.split("/")
    if len(parts) == 1:
        if _is_date(parts[0]):
            return _moment(parts[0], start=True), _moment(parts[0], start=False)
        instant = _moment(parts[0], start=True)
        return instant, instant
    if len(parts) != 2 or parts == ["..", ".."] or parts == ["", ""]:
        raise invalid("datetime", "expected an instant or an interval start/end")
    start, end = _moment(parts[0], start=True), _moment(parts[1], start=False)
    if start is not None and end is not None and start > end:
        raise invalid("datetime", "the interval ends before it starts")
    return start, end


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-"


def _moment(text: str, start: bool) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        if _is_date(text):
            return datetime.combine(date.fromisoformat(text), time.min if start else time.max, UTC)
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as error:
        raise invalid("datetime", f"'{text}' is not an RFC 3339 date or date-time") from error
    if moment.tzinfo is None:
        raise invalid("datetime", f"'{text}' has no time zone (add Z or an offset)")
    return moment.astimezone(UTC)


def conditions(collection: Collection, query: ItemsQuery) -> list[ColumnElement[bool]]:
    """The SQL conditions of ``query`` on ``collection`` (besides the collection's own)."""
    where: list[ColumnElement[bool]] = []
    if query.bbox is not None:
        where.append(_bbox_condition(collection, query.bbox, query.bbox_crs))
    if query.interval is not None and collection.temporal is not None:
        where.append(_interval_condition(collection.temporal, query.interval))
    for name, value in query.equals.items():
        where.append(_equals_condition(collection, name, value))
    if query.filter is not None:
        where.append(FilterCompiler(collection, query.filter_crs).compile(query.filter))
    return where


def _bbox_condition(collection: Collection, bbox: list[float], crs: Crs) -> Any:
    if crs.lat_first:
        bbox = [bbox[1], bbox[0], bbox[3], bbox[2]]
        crs = CRS84
    if crs.srid == CRS84.srid and not _in_range(bbox):
        raise invalid("bbox", "longitudes are within [-180, 180], latitudes within [-90, 90]")
    boxes = [bbox]
    if bbox[0] > bbox[2]:
        if crs.srid != CRS84.srid:
            raise invalid("bbox", "the lower corner is right of the upper corner")
        # Across the antimeridian (allowed by the standard): two boxes.
        boxes = [[bbox[0], bbox[1], 180.0, bbox[3]], [-180.0, bbox[1], bbox[2], bbox[3]]]
    tests = []
    for box in boxes:
        envelope = literals.bbox_literal(list(box), crs)
        prefilter = _prefilter(collection, envelope.sql)
        tests.append(and_(prefilter, func.ST_Intersects(collection.geometry, envelope.sql)))
    return or_(*tests)


def _prefilter(collection: Collection, envelope: Any) -> Any:
    margin = max(collection.grid) if collection.grid else 0.0
    box = func.ST_Expand(envelope, margin) if margin else envelope
    return collection.stored_geometry.op("&&")(box)


def _in_range(bbox: list[float]) -> bool:
    longitudes, latitudes = (bbox[0], bbox[2]), (bbox[1], bbox[3])
    return all(-180 <= x <= 180 for x in longitudes) and all(-90 <= y <= 90 for y in latitudes)


def _interval_condition(column: Any, interval: tuple[datetime | None, datetime | None]) -> Any:
    start, end = interval
    tests = [column.is_not(None)]
    tests += [column >= literals.bind(start)] if start is not None else []
    tests += [column <= literals.bind(end)] if end is not None else []
    return and_(*tests)


def _equals_condition(collection: Collection, name: str, value: str) -> Any:
    found = collection.property(name)
    assert found is not None
    if found.kind in ("geometry", "repeat"):
        raise invalid(name, "geopoint and repeat questions cannot be filtered by value")
    if found.kind == "array":
        return found.value.op("?")(literal(value))
    typed = _typed(name, found.kind, value)
    return found.value == literals.bind(typed)


def _typed(name: str, kind: str, value: str) -> Any:
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "date":
            return date.fromisoformat(value)
        if kind == "datetime":
            parsed = _moment(value, start=True)
            return parsed
    except ValueError as error:
        raise invalid(name, f"'{value}' is not a valid {kind}") from error
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise invalid(name, f"'{value}' is not true or false")
        return value.lower() == "true"
    return value
