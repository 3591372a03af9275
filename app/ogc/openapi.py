"""The OpenAPI 3.0 description of ``/ogc`` (the OGC "oas30" conformance class).

GDAL and QGIS read the ``limit`` parameter's ``maximum`` and ``default`` here to choose their
page size, so both are large: big pages are cheap (one statement each, see features.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app import __version__
from app.ogc.cql2 import FILTER_LANGUAGES
from app.ogc.crs import SUPPORTED
from app.ogc.presentation import MAX_OFFSET
from app.ogc.query import DEFAULT_LIMIT, MAX_LIMIT
from app.ogc.sources import Collection, Property

_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}


def _parameter(name: str, schema: dict[str, Any], description: str, where: str = "query") -> Any:
    found = {"name": name, "in": where, "schema": schema, "description": description}
    return found | {"required": True} if where == "path" else found | {"required": False}


_CRS_SCHEMA = {"type": "string", "format": "uri", "enum": [crs.uri for crs in SUPPORTED]}
PARAMETERS: dict[str, Any] = {
    "collectionId": _parameter(
        "collectionId", {"type": "string"}, "Campaign slug, or layers.<slug>.", "path"
    ),
    "featureId": _parameter("featureId", {"type": "string"}, "Feature id.", "path"),
    "f": _parameter("f", {"type": "string", "enum": ["json", "html"]}, "Output format."),
    "lang": _parameter("lang", {"type": "string", "enum": ["en", "fr"]}, "Language of HTML."),
    "limit": _parameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "Features per page.",
    ),
    "bbox": {
        **_parameter("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                              "items": {"type": "number"}}, "Bounding box, in bbox-crs."),
        "style": "form",
        "explode": False,
    },
    "bbox-crs": _parameter("bbox-crs", _CRS_SCHEMA, "CRS of bbox (default CRS84)."),
    "datetime": _parameter("datetime", {"type": "string"}, "Instant or interval (observed_at)."),
    "crs": _parameter("crs", _CRS_SCHEMA, "CRS of the response (default CRS84)."),
    "filter": _parameter("filter", {"type": "string"}, "CQL2 filter."),
    "filter-lang": _parameter(
        "filter-lang", {"type": "string", "enum": list(FILTER_LANGUAGES)}, "Filter encoding."
    ),
    "filter-crs": _parameter("filter-crs", _CRS_SCHEMA, "CRS of geometry literals in filter."),
    "cursor": _parameter("cursor", {"type": "string"}, "Page cursor (from next/prev links)."),
    "offset": _parameter(
        "offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "Features skipped (beyond the maximum, follow the next links).",
    ),
    "properties": {
        **_parameter("properties", {"type": "array", "items": {"type": "string"}},
                     "Only these properties, comma-separated."),
        "style": "form",
        "explode": False,
    },
    "skipGeometry": _parameter(
        "skipGeometry", {"type": "boolean", "default": False}, "Features without geometry."
    ),
    "resultType": _parameter(
        "resultType", {"type": "string", "enum": ["results", "hits"], "default": "results"},
        "hits: numberMatched only, no features.",
    ),
    "ids": {
        **_parameter("ids", {"type": "array", "items": {"type": "string"}},
                     "Only these feature ids, comma-separated."),
        "style": "form",
        "explode": False,
    },
}  # fmt: skip


def _ref(*names: str) -> list[dict[str, str]]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _get(summary: str, parameters: list[Any], media_types: list[str]) -> dict[str, Any]:
    content = {media_type: {"schema": {"type": "object"}} for media_type in media_types}
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": summary, "content": content},
                "304": {"description": "Not modified (If-None-Match)."},
                "400": {"description": "Bad request.", "content": _PROBLEM},
                "404": {"description": "Not found.", "content": _PROBLEM},
            },
        }
    }


_ITEMS_PARAMETERS = (
    "limit", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang", "filter-crs",
    "cursor", "offset", "properties", "skipGeometry", "resultType", "ids", "f", "lang",
)  # fmt: skip
_FEATURES = ["application/geo+json", "text/html"]


def _property_schema(prop: Property) -> dict[str, Any] | None:
    """The schema of ``<property>=<value>`` on items, or None where equality is refused."""
    if prop.kind in ("geometry", "repeat"):
        return None
    if prop.kind == "array":  # the answer includes that choice
        choices = prop.schema.get("items", {}).get("enum")
        return {"type": "string"} | ({"enum": choices} if choices else {})
    if prop.kind in ("date", "datetime"):
        return {"type": "string", "format": "date" if prop.kind == "date" else "date-time"}
    schema = {"type": prop.kind}
    return schema | {"enum": prop.schema["enum"]} if "enum" in prop.schema else schema


def _collection_items(collection: Collection) -> dict[str, Any]:
    """The items path of one collection: its properties are parameters, so that clients that
    read them (GDAL's OAPIF driver) send ``-where name = 'value'`` to the server."""
    parameters = _ref(*_ITEMS_PARAMETERS)
    for prop in collection.properties:
        schema = _property_schema(prop)
        if schema is not None and prop.name not in _ITEMS_PARAMETERS:
            parameters.append(_parameter(prop.name, schema, f"Features whose {prop.name} is."))
    return _get(f"Features of {collection.id}", parameters, _FEATURES)


def document(base: str, collections: Sequence[Collection] = ()) -> dict[str, Any]:
    """The OpenAPI document of the OGC API served at ``base``, with one items path per
    collection in ``collections`` besides the generic one."""
    common = _ref("f", "lang")
    json_html = ["application/json", "text/html"]
    features = _FEATURES
    collection = _ref("collectionId", "f", "lang")
    items_parameters = _ref("collectionId", *_ITEMS_PARAMETERS)
    per_collection = {
        f"/collections/{item.id}/items": _collection_items(item) for item in collections
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Relevé OGC API - Features", "version": __version__},
        "servers": [{"url": base}],
        "paths": {
            "/": _get("Landing page", common, json_html),
            "/api": _get("This document", common, ["application/vnd.oai.openapi+json"]),
            "/conformance": _get("Conformance classes", common, json_html),
            "/collections": _get("Collections", common, json_html),
            "/collections/{collectionId}": _get("A collection", collection, json_html),
            "/collections/{collectionId}/queryables": _get(
                "Queryables", collection, ["application/schema+json", "text/html"]
            ),
            "/collections/{collectionId}/schema": _get(
                "Feature schema", collection, ["application/schema+json"]
            ),
            "/collections/{collectionId}/items": _get("Features", items_parameters, features),
            "/collections/{collectionId}/items/{featureId}": _get(
                "A feature", _ref("collectionId", "featureId", "crs", "f", "lang"), features
            ),
            **per_collection,
        },
        "components": {"parameters": PARAMETERS},
    }
