"""The OpenAPI 3.0 description of ``/ogc`` (the OGC "oas30" conformance class).

GDAL and QGIS read the ``limit`` parameter's ``maximum`` and ``default`` here to choose their
page size, so both are large: big pages are cheap (one statement each, see features.py).
"""

from __future__ import annotations

from typing import Any

from app import __version__
from app.ogc.cql2 import FILTER_LANGUAGES
from app.ogc.crs import SUPPORTED
from app.ogc.query import DEFAULT_LIMIT, MAX_LIMIT

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


def document(base: str) -> dict[str, Any]:
    """The OpenAPI document of the OGC API served at ``base``."""
    common = _ref("f", "lang")
    json_html = ["application/json", "text/html"]
    features = ["application/geo+json", "text/html"]
    collection = _ref("collectionId", "f", "lang")
    items_parameters = _ref(
        "collectionId", "limit", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang",
        "filter-crs", "cursor", "f", "lang",
    )  # fmt: skip
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
        },
        "components": {"parameters": PARAMETERS},
    }
