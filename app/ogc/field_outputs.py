"""How the newer question types are published (OGC API items, queryables, exports).

- photo, audio: the list of the URLs (``/media/<sha256>.<ext>``, as the media listing's
  ``href``) of the files uploaded so far, in the question's order; files still pending are
  left out. A GIS analyst gets links that open in QGIS or a browser, not digests to look up.
- geopoint: the GeoJSON Point in JSON outputs, WKT in CSV and GeoPackage.
- repeat: the JSON array of its instances in JSON outputs; in CSV and GeoPackage the main
  table holds the number of instances and each repeat gets a child table (``repeat_table``).
- note: never a value, never published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by

from app.i18n import label_text
from app.media.models import Media
from app.media.service import EXTENSIONS
from app.observations.models import Observation

NEW_TYPES = frozenset({"photo", "audio", "geopoint", "repeat", "note"})
_POINT_SCHEMA = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"const": "Point"},
        "coordinates": {"type": "array", "minItems": 2, "maxItems": 3,
                        "items": {"type": "number"}},
    },
}  # fmt: skip


def _extension(content_type: Any) -> ColumnElement[str]:
    return case(*((content_type == kind, ext) for kind, ext in EXTENSIONS.items()), else_="bin")


def media_urls(json: Any) -> ColumnElement[Any]:
    """The URLs of the uploaded files among the digests ``json`` lists (jsonb array)."""
    digests = (
        func.jsonb_array_elements_text(
            case((func.jsonb_typeof(json) == "array", json), else_=cast(literal("[]"), JSONB))
        )
        .table_valued("value", with_ordinality="ord")
        .render_derived()
    )
    url = func.concat("/media/", Media.sha256, ".", _extension(Media.content_type))
    uploaded = (
        select(func.jsonb_agg(aggregate_order_by(url, digests.c.ord)))
        .select_from(digests)
        .join(Media, and_(Media.observation_id == Observation.id,
                          Media.upload_sha256 == digests.c.value))
        .scalar_subquery()
    )  # fmt: skip
    return case((json.is_(None), null()), else_=func.coalesce(uploaded, cast(literal("[]"), JSONB)))


@dataclass(frozen=True, slots=True)
class Output:
    kind: Literal["array", "geometry", "repeat"]  # the Property kind
    value: ColumnElement[Any]  # typed SQL value (CSV/GeoPackage cell)
    json: ColumnElement[Any]  # JSON value
    schema: dict[str, Any]


def output(spec: dict[str, Any], json: Any) -> Output | None:
    """How ``spec``'s answers (``json``, a jsonb expression) are published; None for a note."""
    kind = spec["type"]
    title = label_text(spec["label"])
    if kind in ("photo", "audio"):
        urls = media_urls(json)
        schema = {"title": title, "type": "array",
                  "items": {"type": "string", "format": "uri-reference"},
                  "x-releve-media": kind}  # fmt: skip
        return Output("array", urls, urls, schema)
    if kind == "geopoint":
        value = func.ST_SetSRID(func.ST_GeomFromGeoJSON(cast(json, Text)), 4326)
        return Output("geometry", value, json, {"title": title, **_POINT_SCHEMA})
    if kind == "repeat":
        count = type_coerce(func.jsonb_array_length(json), Integer)
        return Output("repeat", count, json, {"title": title, "type": "array",
                                              "items": _instance_schema(spec)})  # fmt: skip
    return None


def _instance_schema(spec: dict[str, Any]) -> dict[str, Any]:
    from app.ogc.sources import field_schema

    members: dict[str, Any] = {}
    for child in spec.get("fields") or []:
        if child["type"] in ("photo", "audio"):
            members[child["name"]] = {"type": "array", "items": {"type": "string",
                                      "pattern": "^[0-9a-f]{64}$"}}  # fmt: skip
        elif child["type"] == "geopoint":
            members[child["name"]] = _POINT_SCHEMA
        elif child["type"] != "note":
            members[child["name"]] = field_schema(child)[1]
    return {"type": "object", "properties": members}
