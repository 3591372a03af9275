"""The child tables of repeat questions in exports: one row per instance, with the id of its
observation, its index (from 0) and one column per child question.

The GeoPackage gets a table ``<campaign>_<repeat>`` (no geometry: join it on
``observation_id``); the CSV zip a related ``<repeat>.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    Float,
    Select,
    Text,
    cast,
    func,
    select,
    true,
)

from app.exports.columns import joined
from app.exports.service import Export
from app.observations.models import Observation
from app.ogc.crs import CRS84
from app.ogc.field_outputs import media_urls

_CASTS = {"integer": BigInteger, "number": Float, "boolean": Boolean, "date": Date}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str  # a GeoPackage column kind (files._array): integer, number, boolean, date, string
    typed: ColumnElement[Any]
    text: ColumnElement[str]


@dataclass(frozen=True, slots=True)
class RepeatTable:
    name: str  # the repeat question's name
    columns: tuple[Column, ...]
    query: Select[Any]  # observation_id, index, then the columns' typed values
    text_query: Select[Any]  # the same as CSV text


def _column(child: dict[str, Any], element: Any) -> Column | None:
    name, kind = child["name"], child["type"]
    json = element.op("->")(name)
    text = element.op("->>")(name)
    if kind in ("photo", "audio") or (kind == "choice" and child.get("multiple")):
        values = media_urls(json) if kind in ("photo", "audio") else json
        return Column(name, "string", joined(values), joined(values))
    if kind == "geopoint":
        wkt = func.ST_AsText(func.ST_GeomFromGeoJSON(cast(json, Text)), CRS84.decimals)
        return Column(name, "string", wkt, wkt)
    if kind in _CASTS:
        return Column(name, kind, cast(text, _CASTS[kind]), text)
    if kind in ("text", "choice"):
        return Column(name, "string", text, text)
    return None  # note, calculate (not stored in a repeat by this version)


def repeat_tables(export: Export) -> list[RepeatTable]:
    """A child table for each repeat question of the exported campaign."""
    collection = export.collection
    tables = []
    for spec in collection.repeats:
        elements = (
            func.jsonb_array_elements(Observation.properties.op("->")(spec["name"]))
            .table_valued("value", with_ordinality="ord")
            .render_derived()
            .lateral()
        )
        found = [_column(child, elements.c.value) for child in spec.get("fields") or []]
        columns = tuple(column for column in found if column is not None)
        head = (cast(Observation.id, Text), (elements.c.ord - 1).label("index"))

        def query(values: list[Any], head: Any = head, elements: Any = elements) -> Select[Any]:
            return (
                select(*head, *values)
                .select_from(Observation)
                .join(elements, true())
                .where(*collection.where, *export.where)
                .order_by(*collection.keys, elements.c.ord)
            )

        tables.append(RepeatTable(spec["name"], columns, query([c.typed for c in columns]),
                                  query([c.text for c in columns])))  # fmt: skip
    return tables


def header(table: RepeatTable) -> list[str]:
    return ["observation_id", "index", *(column.name for column in table.columns)]
