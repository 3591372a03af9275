"""The JSON documents of the OGC API: landing page, conformance, collections, queryables,
feature schemas and the FeatureCollection envelope around features PostGIS wrote."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import orjson

from app.ogc.crs import CRS84, SUPPORTED
from app.ogc.service import ItemsResult
from app.ogc.sources import Collection

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
SCHEMA_JSON = "application/schema+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

_FEATURES = "http://www.opengis.net/spec/ogcapi-features-{part}/1.0/conf/{name}"
_CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/{name}"
_TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{name}"
CONFORMANCE = [
    *(_FEATURES.format(part=1, name=n) for n in ("core", "geojson", "html", "oas30")),
    _FEATURES.format(part=2, name="crs"),
    *(_FEATURES.format(part=3, name=n)
      for n in ("queryables", "queryables-query-parameters", "filter", "features-filter")),
    *(_CQL2.format(name=n)
      for n in ("cql2-text", "cql2-json", "basic-cql2", "advanced-comparison-operators",
                "case-insensitive-comparison", "accent-insensitive-comparison",
                "basic-spatial-functions", "basic-spatial-functions-plus", "spatial-functions",
                "property-property", "arithmetic")),
    # OGC API - Tiles: vector tiles of each collection (app/ogc/tilesets.py).
    *(_TILES.format(name=n)
      for n in ("core", "tileset", "tilesets-list", "geodata-tilesets", "mvt")),
]  # fmt: skip


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    found = {"href": href, "rel": rel, "type": media_type}
    return found | {"title": title} if title else found


def landing(base: str, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": "OGC API - Features of Relevé: published campaigns and reference layers.",
        "links": [
            link(base, "self", JSON),
            link(f"{base}?f=html", "alternate", HTML),
            link(f"{base}/api", "service-desc", OPENAPI_JSON),
            link(f"{base}/api?f=html", "service-doc", HTML),
            link(f"{base}/conformance", "conformance", JSON),
            link(f"{base}/collections", "data", JSON),
            link(
                f"{base}/tileMatrixSets",
                "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
                JSON,
                "Tiling schemes of the vector tiles",
            ),
        ],
    }


def conformance() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


def collection(item: Collection, base: str) -> dict[str, Any]:
    url = f"{base}/collections/{item.id}"
    document: dict[str, Any] = {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "itemType": "feature",
        "crs": [crs.uri for crs in SUPPORTED],
        "storageCrs": CRS84.uri,
        "license": item.licence,
        "attribution": item.attribution,
        "links": [
            link(url, "self", JSON),
            link(f"{url}?f=html", "alternate", HTML),
            link(f"{url}/items", "items", GEOJSON),
            link(f"{url}/items?f=html", "items", HTML),
            link(f"{url}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                 SCHEMA_JSON),
            link(f"{url}/schema", "describedby", SCHEMA_JSON),
            # Relation names compare case-insensitively (RFC 8288), but GDAL up to 3.6 looks
            # for this spelling only; without it QGIS guesses field types from one page.
            link(f"{url}/schema", "describedBy", SCHEMA_JSON),
            link(f"{url}/tiles", "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", JSON,
                 "Vector tiles"),
            link(f"{url}/styles", "http://www.opengis.net/def/rel/ogc/1.0/styles", JSON,
                 "Map styles"),
        ],
    }  # fmt: skip
    if item.licence:
        document["links"].append(link(item.licence_url, "license", HTML, item.licence))
    if item.kind == "campaign":
        document["links"].extend(_outcome_links(base, item.id))
    document["extent"] = _extent(item)
    if item.precision_m:
        # Locations are snapped to a grid of this many metres (privacy).
        document["locationPrecisionMetres"] = item.precision_m
    return document


def _outcome_links(base: str, slug: str) -> list[dict[str, str]]:
    """What became of the contributions: the outcomes API and their public page."""
    root = base.removesuffix("ogc")
    campaign = quote(slug, safe="")
    return [
        link(f"{root}api/v1/campaigns/{campaign}/outcomes", "related", JSON,
             "Outcomes: what became of the contributions"),
        link(f"{root}campaigns/{campaign}/outcomes.html", "related", HTML,
             "What became of your contributions"),
    ]  # fmt: skip


def _extent(item: Collection) -> dict[str, Any]:
    extent: dict[str, Any] = {}
    if item.extent:
        extent["spatial"] = {"bbox": [[round(v, 7) for v in item.extent]], "crs": CRS84.uri}
    if item.temporal_extent:
        extent["temporal"] = {"interval": [item.temporal_extent], "trs": GREGORIAN}
    return extent


def collections(items: list[Collection], base: str) -> dict[str, Any]:
    return {
        "links": [
            link(f"{base}/collections", "self", JSON),
            link(f"{base}/collections?f=html", "alternate", HTML),
        ],
        "crs": [crs.uri for crs in SUPPORTED],
        "collections": [collection(item, base) for item in items],
    }


_GEOMETRY_FORMATS = {
    "Point": "geometry-point",
    "LineString": "geometry-linestring",
    "Polygon": "geometry-polygon",
    "MultiPolygon": "geometry-multipolygon",
}


def _geometry_schema(item: Collection) -> dict[str, Any]:
    types = item.geometry_types
    fmt = _GEOMETRY_FORMATS.get(types[0], "geometry-any") if len(types) == 1 else "geometry-any"
    return {"title": "Geometry", "format": fmt, "x-ogc-role": "primary-geometry"}


def queryables(item: Collection, base: str) -> dict[str, Any]:
    properties = {"geometry": _geometry_schema(item)}
    properties |= {prop.name: prop.schema for prop in item.properties}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{item.id}/queryables",
        "type": "object",
        "title": item.title,
        "properties": properties,
        "additionalProperties": False,
    }


def feature_schema(item: Collection, base: str) -> dict[str, Any]:
    """A JSON Schema of the collection's GeoJSON Features (GDAL reads field types from it)."""
    id_type = {"type": "integer"} if item.kind == "layer" else {"type": "string", "format": "uuid"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{item.id}/schema",
        "title": item.title,
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": id_type | {"x-ogc-role": "id"},
            "geometry": _geometry_schema(item),
            "properties": {
                "type": "object",
                "properties": {prop.name: prop.schema for prop in item.properties},
            },
        },
    }


def items_links(url: str, params: dict[str, str], result: ItemsResult) -> list[dict[str, str]]:
    """self, alternate, next, prev and collection links of an items page."""

    def href(**changes: str | None) -> str:
        merged = {k: v for k, v in (params | changes).items() if v is not None}
        return f"{url}?{urlencode(merged)}" if merged else url

    links = [
        link(href(f="json"), "self", GEOJSON),
        link(href(f="html"), "alternate", HTML),
        link(url.rsplit("/items", 1)[0], "collection", JSON),
    ]
    # Pages after an offset page go on by cursor: offset is only a way in.
    if result.next_cursor:
        links.append(link(href(cursor=result.next_cursor, offset=None, f=None), "next", GEOJSON))
    if result.prev_cursor:
        links.append(link(href(cursor=result.prev_cursor, offset=None, f=None), "prev", GEOJSON))
    return links


def feature_links(base: str, collection_id: str, feature_id: str) -> list[dict[str, str]]:
    url = f"{base}/collections/{collection_id}/items/{feature_id}"
    return [
        link(url, "self", GEOJSON),
        link(f"{url}?f=html", "alternate", HTML),
        link(f"{base}/collections/{collection_id}", "collection", JSON),
    ]


def feature_collection(item: Collection, result: ItemsResult, links: list[Any]) -> bytes:
    """The FeatureCollection: envelope members first, then the features PostGIS wrote."""
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if result.number_matched is not None:
        head["numberMatched"] = result.number_matched
    head["numberReturned"] = result.page.count
    if result.view.hits:
        head.pop("numberReturned")  # resultType=hits: the count only, no features
    # No timeStamp (optional in Part 1): it would change the ETag every second and defeat
    # HTTP caching of pages whose content has not changed.
    head |= {"license": item.licence, "attribution": item.attribution, "links": links}
    envelope = orjson.dumps(head)
    if result.view.hits:
        return envelope
    features = result.page.features.encode()
    return b"".join((envelope[:-1], b',"features":[', features, b"]}"))
