"""The columns of tabular exports (CSV, GeoPackage, FlatGeobuf), as SQL expressions.

A multiple-choice answer (a JSON array) becomes one text cell, its values joined with ';'
(so do the URLs of a photo or audio question); a geopoint is WKT; a repeat is its number of
instances here, its instances being in a child table (``app/exports/repeats.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, LargeBinary, Text, cast, func, select, type_coerce

from app.ogc.crs import CRS84
from app.ogc.sources import Collection, Property

LIST_SEPARATOR = ";"


def joined(json_array: Any) -> ColumnElement[str]:
    elements = func.jsonb_array_elements_text(json_array).table_valued("value")
    return select(func.string_agg(elements.c.value, LIST_SEPARATOR)).scalar_subquery()


def text_value(prop: Property) -> ColumnElement[str]:
    """The property as CSV text: ISO 8601 dates and times, plain numbers and booleans."""
    if prop.kind == "array":
        return joined(prop.json)
    if prop.kind == "geometry":
        return func.ST_AsText(prop.value, CRS84.decimals)
    if prop.kind == "repeat":
        return cast(prop.value, Text)
    return func.jsonb_build_array(prop.json).op("->>")(0)


def typed_value(prop: Property) -> ColumnElement[Any]:
    """The property with its SQL type, for formats with typed fields."""
    if prop.kind == "geometry":
        return func.ST_AsText(prop.value, CRS84.decimals)
    return joined(prop.json) if prop.kind == "array" else prop.value


def feature_id(collection: Collection) -> ColumnElement[str]:
    return cast(collection.keys[-1], Text)


def wkt(collection: Collection) -> ColumnElement[str]:
    return func.ST_AsText(collection.geometry, CRS84.decimals)


def wkb(collection: Collection) -> ColumnElement[bytes]:
    return type_coerce(func.ST_AsBinary(collection.geometry), LargeBinary)
