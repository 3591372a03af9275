"""CQL2 (as pygeofilter's AST) to one SQLAlchemy condition with bound parameters.

Properties live in a jsonb column, so each is read through its typed expression
(``sources.Property.value``) and every literal is checked against that type first: a filter
comparing a number with a string is refused with the reason, never sent to PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pygeofilter import ast
from pygeofilter.parsers.cql2_json.parser import walk_cql_json
from sqlalchemy import ColumnElement, and_, false, func, not_, or_, true

from app.errors import BadRequest
from app.ogc import literals
from app.ogc.crs import Crs
from app.ogc.literals import Operand
from app.ogc.sources import Collection

GEOMETRY_NAMES = ("geometry", "geom")


@dataclass(slots=True)
class FilterCompiler:
    """Compiles filters for one collection; ``crs`` is the CRS of geometry literals."""

    collection: Collection
    crs: Crs

    def compile(self, node: Any) -> ColumnElement[bool]:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise BadRequest("cql2_unsupported", what=type(node).__name__)
        return handler(self, node)

    # Operands -------------------------------------------------------------------------

    def operand(self, node: Any, expected: str | None = None) -> Operand:
        if isinstance(node, ast.Attribute):
            return self._attribute(node.name)
        if isinstance(node, ast.Function):
            return self._function(node)
        if isinstance(node, ast.Arithmetic):
            left, right = self.operand(node.lhs, "number"), self.operand(node.rhs, "number")
            literals.require(left, ("integer", "number"), node)
            literals.require(right, ("integer", "number"), node)
            return Operand(_ARITHMETIC[type(node)](left.sql, right.sql), "number")
        return literals.literal(node, expected, self.crs)

    def _attribute(self, name: str) -> Operand:
        if name in GEOMETRY_NAMES:
            return Operand(self.collection.geometry, "geometry", spatial_column=True)
        found = self.collection.property(name)
        if found is None:
            known = ", ".join([p.name for p in self.collection.properties] + ["geometry"])
            raise BadRequest("cql2_unknown_property", name=name, known=known)
        return Operand(found.value, found.kind)

    def _function(self, node: ast.Function) -> Operand:
        name = node.name.lower()
        if name == "bbox":
            return literals.bbox_literal(node.arguments, self.crs)
        if name not in ("lower", "casei", "accenti") or len(node.arguments) != 1:
            raise BadRequest("cql2_unsupported", what=f"function {node.name}()")
        inner = self.operand(node.arguments[0], "string")
        literals.require(inner, ("string",), node)
        sql = func.unaccent(inner.sql) if name == "accenti" else func.lower(inner.sql)
        return Operand(sql, "string")

    def pair(self, left_node: Any, right_node: Any) -> tuple[Operand, Operand]:
        """Both sides of a binary predicate, literals typed after the other side."""
        left_is_literal = literals.is_literal(left_node)
        if left_is_literal and not literals.is_literal(right_node):
            right = self.operand(right_node)
            return self.operand(left_node, right.kind), right
        left = self.operand(left_node)
        return left, self.operand(right_node, left.kind)


# Handlers ---------------------------------------------------------------------------------


def _and(compiler: FilterCompiler, node: ast.And) -> ColumnElement[bool]:
    return and_(compiler.compile(node.lhs), compiler.compile(node.rhs))


def _or(compiler: FilterCompiler, node: ast.Or) -> ColumnElement[bool]:
    return or_(compiler.compile(node.lhs), compiler.compile(node.rhs))


def _not(compiler: FilterCompiler, node: ast.Not) -> ColumnElement[bool]:
    return not_(compiler.compile(node.sub_node))


def _include(compiler: FilterCompiler, node: ast.Include) -> ColumnElement[bool]:
    return false() if node.not_ else true()


_COMPARATORS: dict[type, Callable[[Any, Any], ColumnElement[bool]]] = {
    ast.Equal: lambda a, b: a == b,
    ast.NotEqual: lambda a, b: a != b,
    ast.LessThan: lambda a, b: a < b,
    ast.LessEqual: lambda a, b: a <= b,
    ast.GreaterThan: lambda a, b: a > b,
    ast.GreaterEqual: lambda a, b: a >= b,
}
_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mul: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _comparison(compiler: FilterCompiler, node: ast.Comparison) -> ColumnElement[bool]:
    left, right = compiler.pair(node.lhs, node.rhs)
    if "array" in (left.kind, right.kind):
        return _array_equality(left, right, node)
    literals.require_comparable(left, right, node)
    if left.kind == "geometry":
        raise BadRequest("cql2_unsupported", what="comparing geometries with =, <, >")
    return _COMPARATORS[type(node)](left.sql, right.sql)


def _array_equality(left: Operand, right: Operand, node: ast.Comparison) -> ColumnElement[bool]:
    """``uses = 'shade'`` on a multiple-choice field: the answer includes that value."""
    array, value = (left, right) if left.kind == "array" else (right, left)
    if not isinstance(node, ast.Equal | ast.NotEqual) or value.kind != "string":
        raise BadRequest("cql2_type_mismatch", reason="a list of choices is compared with = only")
    contains = array.sql.op("?")(value.sql)
    return contains if isinstance(node, ast.Equal) else not_(contains)


def _between(compiler: FilterCompiler, node: ast.Between) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    literals.require(subject, ("integer", "number", "date", "datetime", "string"), node)
    low = compiler.operand(node.low, subject.kind)
    high = compiler.operand(node.high, subject.kind)
    condition = subject.sql.between(low.sql, high.sql)
    return not_(condition) if node.not_ else condition


def _like(compiler: FilterCompiler, node: ast.Like) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    literals.require(subject, ("string",), node)
    pattern_node = walk_cql_json(node.pattern) if isinstance(node.pattern, dict) else node.pattern
    pattern = compiler.operand(pattern_node, "string")
    literals.require(pattern, ("string",), node)
    # CQL2 wildcards are SQL's own: '%', '_' and '\' as the escape character.
    condition = subject.sql.ilike(pattern.sql) if node.nocase else subject.sql.like(pattern.sql)
    return not_(condition) if node.not_ else condition


def _in(compiler: FilterCompiler, node: ast.In) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    if subject.kind == "array":
        options = [compiler.operand(option, "string") for option in node.sub_nodes]
        condition = subject.sql.op("?|")(literals.text_array([o.value for o in options]))
    else:
        options = [compiler.operand(option, subject.kind) for option in node.sub_nodes]
        for option in options:
            literals.require_comparable(subject, option, node)
        condition = subject.sql.in_([option.sql for option in options])
    return not_(condition) if node.not_ else condition


def _is_null(compiler: FilterCompiler, node: ast.IsNull) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    return subject.sql.is_not(None) if node.not_ else subject.sql.is_(None)


def _exists(compiler: FilterCompiler, node: ast.Exists) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    return subject.sql.is_(None) if node.not_ else subject.sql.is_not(None)


def _temporal(compiler: FilterCompiler, node: ast.TemporalPredicate) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    literals.require(subject, ("datetime", "date"), node)
    start, end = literals.time_bounds(node.rhs)
    return _TEMPORAL[type(node)](subject.sql, start, end)


def _after(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    return value > end if end is not None else false()


def _before(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    return value < start if start is not None else false()


def _intersects(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    conditions = [value.is_not(None)]
    conditions += [value >= start] if start is not None else []
    conditions += [value <= end] if end is not None else []
    return and_(*conditions)


def _during(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    conditions = [value.is_not(None)]
    conditions += [value > start] if start is not None else []
    conditions += [value < end] if end is not None else []
    return and_(*conditions)


def _starts(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    """An instant starts an interval when it is its start (and the interval lasts)."""
    if start is None or start is end:
        return false()
    return and_(value == start, value < end) if end is not None else value == start


def _finishes(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    if end is None or start is end:
        return false()
    return and_(value == end, value > start) if start is not None else value == end


def _equals(value: Any, start: Any, end: Any) -> ColumnElement[bool]:
    return value == start if start is not None and start is end else false()


_TEMPORAL: dict[type, Callable[[Any, Any, Any], ColumnElement[bool]]] = {
    ast.TimeAfter: _after,
    ast.TimeBefore: _before,
    # pygeofilter reads T_INTERSECTS as TimeOverlaps; on an instant they mean the same.
    ast.TimeOverlaps: _intersects,
    ast.TimeDuring: _during,
    ast.TimeEquals: _equals,
    ast.TimeDisjoint: lambda value, start, end: and_(
        value.is_not(None), not_(_intersects(value, start, end))
    ),
    ast.TimeBegins: _starts,
    ast.TimeEnds: _finishes,
    ast.TimeBeforeOrDuring: lambda value, start, end: _before(value, start, end) | _intersects(
        value, start, end
    ),
    ast.TimeDuringOrAfter: lambda value, start, end: _after(value, start, end) | _intersects(
        value, start, end
    ),
}  # fmt: skip
_SPATIAL: dict[type, Callable[[Any, Any], ColumnElement[bool]]] = {
    ast.GeometryIntersects: func.ST_Intersects,
    ast.GeometryDisjoint: func.ST_Disjoint,
    ast.GeometryContains: func.ST_Contains,
    ast.GeometryWithin: func.ST_Within,
    ast.GeometryTouches: func.ST_Touches,
    ast.GeometryCrosses: func.ST_Crosses,
    ast.GeometryOverlaps: func.ST_Overlaps,
    ast.GeometryEquals: func.ST_Equals,
}


def _spatial(compiler: FilterCompiler, node: ast.SpatialComparisonPredicate) -> Any:
    left, right = compiler.pair(node.lhs, node.rhs)
    literals.require(left, ("geometry",), node)
    literals.require(right, ("geometry",), node)
    condition = _SPATIAL[type(node)](left.sql, right.sql)
    if isinstance(node, ast.GeometryDisjoint):
        return condition
    return and_(_index_prefilter(compiler.collection, left, right), condition)


def _index_prefilter(collection: Collection, left: Operand, right: Operand) -> Any:
    """``stored && literal``, so the GiST index narrows the rows even when the predicate
    reads the generalised geometry (a point moves at most one cell from its stored shape)."""
    literal = right if left.spatial_column else left
    column = left if left.spatial_column else right
    if not column.spatial_column or literal.spatial_column:
        return true()
    margin = max(collection.grid) if collection.grid else 0.0
    box = func.ST_Expand(literal.sql, margin) if margin else literal.sql
    return collection.stored_geometry.op("&&")(box)


def _bbox(compiler: FilterCompiler, node: ast.BBox) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    literals.require(subject, ("geometry",), node)
    box = literals.bbox_literal([node.minx, node.miny, node.maxx, node.maxy], compiler.crs)
    return and_(_index_prefilter(compiler.collection, subject, box), func.ST_Intersects(
        subject.sql, box.sql
    ))  # fmt: skip


def _relate(compiler: FilterCompiler, node: ast.Relate) -> ColumnElement[bool]:
    left, right = compiler.pair(node.lhs, node.rhs)
    literals.require(left, ("geometry",), node)
    literals.require(right, ("geometry",), node)
    return func.ST_Relate(left.sql, right.sql, literals.bind(node.pattern))


def _distance(compiler: FilterCompiler, node: ast.SpatialDistancePredicate) -> Any:
    left, right = compiler.pair(node.lhs, node.rhs)
    if node.units not in ("m", "meters", "metres", "metre", "meter"):
        raise BadRequest("cql2_unsupported", what=f"distance unit '{node.units}' (use metres)")
    within = func.ST_DWithin(
        func.geography(left.sql), func.geography(right.sql), literals.bind(float(node.distance))
    )
    return within if isinstance(node, ast.DistanceWithin) else not_(within)


def _array(compiler: FilterCompiler, node: ast.ArrayPredicate) -> ColumnElement[bool]:
    subject = compiler.operand(node.lhs)
    literals.require(subject, ("array",), node)
    items = node.rhs if isinstance(node.rhs, list) else [node.rhs]
    wanted = literals.jsonb_array([compiler.operand(item, "string").value for item in items])
    if isinstance(node, ast.ArrayContains):
        return subject.sql.op("@>")(wanted)
    if isinstance(node, ast.ArrayContainedBy):
        return subject.sql.op("<@")(wanted)
    if isinstance(node, ast.ArrayOverlaps):
        return subject.sql.op("?|")(literals.text_array([compiler.operand(i).value for i in items]))
    return and_(subject.sql.op("@>")(wanted), subject.sql.op("<@")(wanted))


_HANDLERS: dict[type, Callable[[FilterCompiler, Any], Any]] = {
    ast.And: _and,
    ast.Or: _or,
    ast.Not: _not,
    ast.Include: _include,
    ast.Between: _between,
    ast.Like: _like,
    ast.In: _in,
    ast.IsNull: _is_null,
    ast.Exists: _exists,
    ast.BBox: _bbox,
    ast.Relate: _relate,
    ast.DistanceWithin: _distance,
    ast.DistanceBeyond: _distance,
    **{kind: _comparison for kind in _COMPARATORS},
    **{kind: _temporal for kind in _TEMPORAL},
    **{kind: _spatial for kind in _SPATIAL},
    **{kind: _array for kind in (ast.ArrayEquals, ast.ArrayContains, ast.ArrayContainedBy,
                                 ast.ArrayOverlaps)},
}  # fmt: skip
