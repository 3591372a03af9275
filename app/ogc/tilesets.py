"""OGC API - Tiles documents (Part 1: Core 1.0, with OGC 17-083r4 Two Dimensional Tile Matrix
Set and Tileset Metadata 2.0): the tile matrix set, a collection's list of tilesets and its one
tileset's metadata.

A client such as GDAL's OGCAPI driver follows links: the collection's ``tilesets-vector``
to the list, the list's ``self`` to the tileset, the tileset's ``tiling-scheme`` to the tile
matrix set and its ``item`` template to the tiles. The tiles keep the XYZ path they always had
(``{z}/{x}/{y}``, column before row), so the template names the variables in that order:
``{tileMatrix}/{tileCol}/{tileRow}``.
"""

from __future__ import annotations

import math
from typing import Any

from app.ogc import tiles
from app.ogc.sources import Collection, Property
from app.ogc.tiles_repository import LonLatBox

JSON = "application/json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
WEB_MERCATOR = "http://www.opengis.net/def/crs/EPSG/0/3857"
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
REL_GEODATA = "http://www.opengis.net/def/rel/ogc/1.0/geodata"
REL_STYLES = "http://www.opengis.net/def/rel/ogc/1.0/styles"

# The registered definition's zoom 0 (OGC 17-083r4, annex D.1); deeper ones halve both.
_SCALE_0 = 559082264.028717
_CELL_SIZE_0 = 156543.033928041
_ORIGIN = [-20037508.3427892, 20037508.3427892]
_REGISTERED_ZOOMS = 25


def _tile_matrix(zoom: int) -> dict[str, Any]:
    return {
        "id": str(zoom),
        "identifier": str(zoom),  # 1.0 (17-083r2) name, as GDAL before 3.7 reads it
        "scaleDenominator": float(f"{_SCALE_0 / (1 << zoom):.15g}"),
        "cellSize": float(f"{_CELL_SIZE_0 / (1 << zoom):.15g}"),
        "cornerOfOrigin": "topLeft",
        "pointOfOrigin": _ORIGIN,
        "topLeftCorner": _ORIGIN,  # 1.0 name
        "tileWidth": 256,
        "tileHeight": 256,
        "matrixWidth": 1 << zoom,
        "matrixHeight": 1 << zoom,
    }


# The registered 2.0 definition, with the members of 1.0 (OGC 17-083r2: type, identifier,
# supportedCRS, boundingBox, topLeftCorner) beside it: GDAL before 3.7 (Debian 12's) reads
# only those, newer clients the 2.0 ones.
WEB_MERCATOR_QUAD: dict[str, Any] = {
    "id": tiles.TILE_MATRIX_SET,
    "title": "Google Maps Compatible for the World",
    "uri": tiles.TILE_MATRIX_SET_URI,
    "crs": WEB_MERCATOR,
    "orderedAxes": ["X", "Y"],
    "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
    "type": "TileMatrixSetType",
    "identifier": tiles.TILE_MATRIX_SET,
    "supportedCRS": WEB_MERCATOR,
    "boundingBox": {
        "type": "BoundingBoxType",
        "crs": WEB_MERCATOR,
        "lowerCorner": [_ORIGIN[0], -_ORIGIN[1]],
        "upperCorner": [-_ORIGIN[0], _ORIGIN[1]],
    },
    "tileMatrices": [_tile_matrix(zoom) for zoom in range(_REGISTERED_ZOOMS)],
}


def tile_matrix_set_url(base: str) -> str:
    """``base`` is the public root URL, ending with '/'."""
    return f"{base}ogc/tileMatrixSets/{tiles.TILE_MATRIX_SET}"


def tile_matrix_sets(base: str) -> dict[str, Any]:
    """The tiling schemes of this server: WebMercatorQuad only."""
    return {
        "links": [{"rel": "self", "type": JSON, "href": f"{base}ogc/tileMatrixSets"}],
        "tileMatrixSets": [
            {
                "id": tiles.TILE_MATRIX_SET,
                "title": WEB_MERCATOR_QUAD["title"],
                "uri": tiles.TILE_MATRIX_SET_URI,
                "crs": WEB_MERCATOR,
                "links": [{"rel": "self", "type": JSON, "href": tile_matrix_set_url(base)}],
            }
        ],
    }


# Tile ranges -------------------------------------------------------------------------------


def _column(lon: float, zoom: int) -> int:
    n = 1 << zoom
    return min(n - 1, max(0, math.floor((lon + 180.0) / 360.0 * n)))


def _row(lat: float, zoom: int) -> int:
    n = 1 << zoom
    lat = max(-tiles.MAX_LATITUDE, min(tiles.MAX_LATITUDE, lat))
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return min(n - 1, max(0, math.floor(y)))


def limits(box: LonLatBox) -> list[dict[str, Any]]:
    """Rows and columns holding ``box`` at each zoom a client needs to fetch (OGC 17-083r4
    TileMatrixLimits): GDAL reads only these tiles."""
    west, south, east, north = box
    return [
        {
            "tileMatrix": str(zoom),
            "minTileRow": _row(north, zoom),
            "maxTileRow": _row(south, zoom),
            "minTileCol": _column(west, zoom),
            "maxTileCol": _column(east, zoom),
        }
        for zoom in range(tiles.TILEJSON_MAX_ZOOM + 1)
    ]


# Tilesets ----------------------------------------------------------------------------------


def _tileset_links(collection: Collection, url: str, base: str) -> list[dict[str, Any]]:
    own = f"{url}/{tiles.TILE_MATRIX_SET}"
    return [
        {"rel": "self", "type": JSON, "href": own, "title": collection.title},
        {"rel": REL_TILING_SCHEME, "type": JSON, "href": tile_matrix_set_url(base),
         "title": f"{tiles.TILE_MATRIX_SET} tile matrix set"},
        {"rel": "describedby", "type": JSON, "title": "TileJSON", "href": f"{own}/tilejson.json"},
    ]  # fmt: skip


def tilesets(collection: Collection, url: str, base: str) -> dict[str, Any]:
    """The collection's tilesets (one, vector, on WebMercatorQuad); ``url`` is ``.../tiles``."""
    summary = {
        "title": collection.title,
        "dataType": "vector",
        "crs": WEB_MERCATOR,
        "tileMatrixSetURI": tiles.TILE_MATRIX_SET_URI,
        "links": _tileset_links(collection, url, base),
    }
    return {"links": [{"rel": "self", "type": JSON, "href": url}], "tilesets": [summary]}


def tileset(collection: Collection, url: str, base: str, box: LonLatBox | None) -> dict[str, Any]:
    """The metadata of the collection's tileset: where its tiles are, which tiles hold data,
    its one layer and that layer's attributes."""
    west, south, east, north = tiles.clamp(box or tiles.WORLD)
    document: dict[str, Any] = {
        "title": collection.title,
        "description": collection.description,
        "dataType": "vector",
        "crs": WEB_MERCATOR,
        "tileMatrixSetURI": tiles.TILE_MATRIX_SET_URI,
        "tileMatrixSetLimits": limits((west, south, east, north)),
        "boundingBox": {"lowerLeft": [west, south], "upperRight": [east, north], "crs": CRS84},
        "centerPoint": {
            "coordinates": [(west + east) / 2, (south + north) / 2],
            "tileMatrix": str(tiles.fitting_zoom(west, south, east, north)),
            "crs": CRS84,
        },
        "attribution": tiles.attribution_html(collection),
        "license": collection.licence,
        "layers": [_layer(collection)],
        "links": [*_tileset_links(collection, url, base), *_more_links(collection, url, base)],
    }
    return document


def _more_links(collection: Collection, url: str, base: str) -> list[dict[str, Any]]:
    own = f"{url}/{tiles.TILE_MATRIX_SET}"
    collection_url = url.removesuffix("/tiles")
    links: list[dict[str, Any]] = [
        {"rel": "item", "type": tiles.MVT_MEDIA_TYPE, "templated": True,
         "href": f"{own}/{{tileMatrix}}/{{tileCol}}/{{tileRow}}", "title": "Mapbox Vector Tiles"},
        {"rel": REL_GEODATA, "type": JSON, "href": collection_url, "title": collection.title},
        {"rel": REL_STYLES, "type": JSON, "href": f"{collection_url}/styles",
         "title": "Map styles"},
    ]  # fmt: skip
    if collection.licence:
        links.append({"rel": "license", "href": collection.licence_url,
                      "title": collection.licence})  # fmt: skip
    return links


_DIMENSIONS = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 2}
_SCHEMA_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean"}


def _layer(collection: Collection) -> dict[str, Any]:
    layer: dict[str, Any] = {
        "id": collection.id,
        "title": collection.title,
        "dataType": "vector",
        "minTileMatrix": "0",
        "maxTileMatrix": str(tiles.TILEJSON_MAX_ZOOM),
        "propertiesSchema": {"type": "object", "properties": _properties(collection)},
    }
    dimensions = {_DIMENSIONS.get(kind) for kind in collection.geometry_types}
    if len(dimensions) == 1 and None not in dimensions:
        layer["geometryDimension"] = dimensions.pop()
    return layer


def _properties(collection: Collection) -> dict[str, Any]:
    """The attributes of the features in the tiles, and the zoom each appears from."""
    found: dict[str, Any] = {}
    if collection.kind != "layer":  # a UUID cannot be an MVT feature id: it is an attribute
        found["id"] = {"type": "string", "format": "uuid", "x-ogc-role": "id"}
    for prop in tiles.tile_properties(collection):
        found[prop.name] = _property_schema(prop)
    return found


def _property_schema(prop: Property) -> dict[str, Any]:
    # Lists of choices travel as "a,b" text (MVT values are scalars).
    schema: dict[str, Any] = {"type": _SCHEMA_TYPES.get(prop.kind, "string")}
    if "title" in prop.schema:
        schema["title"] = prop.schema["title"]
    if prop.kind == "string" and "enum" in prop.schema:
        schema["enum"] = prop.schema["enum"]
    schema["x-releve-minTileMatrix"] = str(tiles.property_min_zoom(prop))
    return schema
