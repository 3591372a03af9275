"""CQL2 literals as typed bound parameters, and the type checks between operands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
import shapely
from pygeofilter import ast, values
from shapely.errors import GEOSException
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, LargeBinary, Text, cast, func
from sqlalchemy import literal as sql_literal
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from app.errors import BadRequest
from app.ogc.crs import CRS84, Crs, srid_of_geojson_crs

_COMPATIBLE = (
    frozenset({"integer", "number"}),
    frozenset({"date", "datetime"}),
    frozenset({"string"}),
    frozenset({"boolean"}),
    frozenset({"geometry"}),
)


@dataclass(slots=True)
class Operand:
    sql: Any
    kind: str
    value: Any = None
    spatial_column: bool = False


def is_literal(node: Any) -> bool:
    return not isinstance(node, ast.Attribute | ast.Function | ast.Arithmetic)


def bind(value: Any) -> Any:
    """``value`` as a bound parameter of the matching SQL type."""
    if isinstance(value, bool):
        return sql_literal(value, Boolean)
    if isinstance(value, int):
        return sql_literal(value, BigInteger)
    if isinstance(value, float):
        return sql_literal(value, Float)
    if isinstance(value, datetime):
        return sql_literal(value, DateTime(timezone=True))
    if isinstance(value, date):
        return sql_literal(value, Date)
    return sql_literal(str(value), Text)


def literal(node: Any, expected: str | None, crs: Crs) -> Operand:
    """A literal node as an operand, read as ``expected`` where the text allows it."""
    if isinstance(node, values.Geometry):
        return geometry_literal(node.geometry, crs)
    if isinstance(node, values.Envelope):
        return bbox_literal([node.x1, node.x2, node.y1, node.y2], crs)
    if isinstance(node, bool):
        return Operand(bind(node), "boolean", node)
    if isinstance(node, int | float):
        return Operand(bind(node), "integer" if isinstance(node, int) else "number", node)
    if isinstance(node, datetime):
        instant = _utc(node)
        return Operand(bind(instant), "datetime", instant)
    if isinstance(node, date):
        return Operand(bind(node), "date", node)
    if isinstance(node, str):
        return _string_literal(node, expected)
    raise BadRequest("cql2_unsupported", what=f"a {type(node).__name__} value here")


def _string_literal(text: str, expected: str | None) -> Operand:
    """A quoted string; compared with a date or a timestamp, read as one (ISO 8601)."""
    try:
        if expected == "date":
            day = date.fromisoformat(text)
            return Operand(bind(day), "date", day)
        if expected == "datetime":
            instant = _utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
            return Operand(bind(instant), "datetime", instant)
    except ValueError as error:
        raise BadRequest("cql2_type_mismatch", reason=f"'{text}' is not a {expected}") from error
    return Operand(bind(text), "string", text)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def geometry_literal(geometry: dict[str, Any], crs: Crs) -> Operand:
    """A GeoJSON-like geometry (from WKT or JSON) in ``crs``, as SQL in EPSG:4326."""
    geometry = dict(geometry)
    named = geometry.pop("crs", None)
    if named:  # EWKT's SRID=...; PostGIS order (x = longitude) whatever the CRS
        crs = _named_crs(named)
        crs = Crs(crs.uri, crs.srid, False, crs.decimals)
    try:
        shape = shapely.from_geojson(orjson.dumps(geometry))
    except (GEOSException, ValueError, TypeError) as error:
        raise BadRequest("cql2_invalid", reason=f"invalid geometry: {error}") from error
    if shape.is_empty:
        raise BadRequest("cql2_invalid", reason="empty geometry")
    sql = func.ST_GeomFromWKB(sql_literal(shapely.to_wkb(shape), LargeBinary), crs.srid)
    return Operand(_to_storage(sql, crs), "geometry")


def _named_crs(named: Any) -> Crs:
    name = named.get("properties", {}).get("name", "") if isinstance(named, dict) else ""
    found = srid_of_geojson_crs(str(name))
    if found is None:
        raise BadRequest("cql2_invalid", reason=f"unsupported CRS of a geometry: {name}")
    return found


def _to_storage(sql: Any, crs: Crs) -> Any:
    if crs.lat_first:
        sql = func.ST_FlipCoordinates(sql)
    if crs.srid != CRS84.srid:
        sql = func.ST_Transform(sql, CRS84.srid)
    return sql


def bbox_literal(numbers: list[Any], crs: Crs) -> Operand:
    """A bbox (minx, miny, maxx, maxy in the order of ``crs``'s axes) as a polygon."""
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    valid = len(numbers) == 4 and all(
        isinstance(n, int | float) and not isinstance(n, bool) for n in numbers
    )
    if not valid:
        raise BadRequest("cql2_invalid", reason="a bbox has 4 or 6 numbers")
    envelope = func.ST_MakeEnvelope(*(sql_literal(float(n), Float) for n in numbers), crs.srid)
    return Operand(_to_storage(envelope, crs), "geometry")


def require(operand: Operand, kinds: tuple[str, ...], node: Any) -> None:
    if operand.kind not in kinds:
        raise BadRequest(
            "cql2_type_mismatch",
            reason=f"{_describe(node)} expects {' or '.join(kinds)}, got {operand.kind}",
        )


def require_comparable(left: Operand, right: Operand, node: Any) -> None:
    if not any(left.kind in group and right.kind in group for group in _COMPATIBLE):
        raise BadRequest(
            "cql2_type_mismatch",
            reason=f"{_describe(node)} compares a {left.kind} with a {right.kind}",
        )


def _describe(node: Any) -> str:
    return type(node).__name__


def time_bounds(node: Any) -> tuple[Any, Any]:
    """The (start, end) of a temporal literal as bound parameters; None where open."""
    if isinstance(node, values.Interval):
        return _bound(node.start, start=True), _bound(node.end, start=False)
    if isinstance(node, datetime):
        instant = bind(_utc(node))
        return instant, instant
    if isinstance(node, date):
        return _bound(node, start=True), _bound(node, start=False)
    raise BadRequest("cql2_type_mismatch", reason="a temporal predicate needs a time literal")


def _bound(value: Any, start: bool) -> Any:
    if value is None or value == "..":
        return None
    if isinstance(value, datetime):
        return bind(_utc(value))
    if isinstance(value, date):
        moment = datetime.combine(value, time.min if start else time.max, UTC)
        return bind(moment)
    if isinstance(value, timedelta):
        raise BadRequest("cql2_unsupported", what="durations in intervals")
    raise BadRequest("cql2_type_mismatch", reason=f"'{value}' is not a date or a timestamp")


def text_array(items: list[Any]) -> Any:
    return sql_literal([str(item) for item in items], ARRAY(Text))


def jsonb_array(items: list[Any]) -> Any:
    return cast(sql_literal(orjson.dumps([str(i) for i in items]).decode(), Text), JSONB)
