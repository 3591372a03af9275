"""Vector tiles of the published collections (Mapbox Vector Tile, WebMercatorQuad) and TileJSON.

Tiles are encoded by PostGIS in one statement each (see ``tiles_repository``). What a tile
carries depends on its zoom band: at small scales only the id, the status and short coded
attributes, and at most a few thousand features, simplified to a pixel; from zoom 14 on every
published property. Empty tiles are answered ``204 No Content``; every tile has a strong
``ETag`` (a hash of its bytes) and answers ``If-None-Match`` with 304.

Paths are ``{z}/{x}/{y}`` (column then row), as XYZ clients and tipg spell them; OGC API -
Tiles writes ``{tileMatrix}/{tileRow}/{tileCol}`` (row first), so its clients must follow the
templated link of the tileset rather than build the path themselves.
"""

from __future__ import annotations

import dataclasses
import html
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.db.session import SessionDep
from app.errors import BadRequest, NotFound
from app.observations.schemas import STATUSES
from app.ogc import service
from app.ogc import tiles_repository as repository
from app.ogc.responses import etag_of
from app.ogc.sources import Collection, Property
from app.ogc.tiles_http import cached_document
from app.web import etag_matches

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
TILE_MATRIX_SET = "WebMercatorQuad"
TILE_MATRIX_SET_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
MAX_ZOOM = 22
# Deepest zoom a client needs to fetch: from 14 on tiles carry everything, and MapLibre
# over-zooms the zoom-16 tiles (4096 units over 611 m: 15 cm a unit) past it.
TILEJSON_MAX_ZOOM = 16
MVT_EXTENT = 4096
MVT_BUFFER = 64
_HALF_WORLD = 20037508.342789244  # Web Mercator metres from the origin to the antimeridian
_EARTH_RADIUS = 6378137.0
MAX_LATITUDE = 85.0511287798066
WORLD = (-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE)
_CACHE_SECONDS = {
    "campaign": 60,
    "targets": 60,
    "layer": 3600,
}  # observations change, layers seldom do


@dataclass(frozen=True, slots=True)
class ZoomBand:
    """What tiles from ``min_zoom`` up to the next band carry."""

    min_zoom: int
    feature_cap: int
    # Simplification tolerance in tile units: 8 units of 4096 are one pixel of a 512 px tile.
    simplify_units: float


BANDS = (ZoomBand(0, 3_000, 8), ZoomBand(10, 6_000, 4), ZoomBand(14, 10_000, 0))
_SHORT_TEXT = 40  # longest text (in characters) sent below the full band
# Record-keeping members of an observation: a map does not draw them, and the whole feature
# is one request away (OGC API items), so tiles do not carry them.
_NOT_IN_TILES = frozenset({"created_at", "updated_at", "version", "quality_score", "accuracy_m"})


def band_for(zoom: int) -> ZoomBand:
    return next(band for band in reversed(BANDS) if zoom >= band.min_zoom)


def property_min_zoom(prop: Property) -> int:
    """First zoom whose tiles carry ``prop``: coded values first, then short ones, and values
    that are mostly unique per feature (measures, long texts, instants) at full detail only:
    the tile's table of values cannot share them between features."""
    schema = prop.schema
    if prop.name == "status" or prop.kind == "boolean" or "enum" in schema:
        return BANDS[0].min_zoom
    short_text = prop.kind == "string" and schema.get("maxLength", math.inf) <= _SHORT_TEXT
    coded_list = prop.kind == "array" and "enum" in schema.get("items", {})
    if prop.kind in ("integer", "date") or short_text or coded_list:
        return BANDS[1].min_zoom
    return BANDS[2].min_zoom


def tile_properties(collection: Collection) -> tuple[Property, ...]:
    return tuple(p for p in collection.properties if p.name not in _NOT_IN_TILES)


# Tile grid ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tile:
    z: int
    x: int
    y: int

    @classmethod
    def parse(cls, z: str, x: str, y: str) -> Tile:
        """The tile at z/x/y: 400 for what is not a number, 404 for a tile not in the grid."""
        y = y.removesuffix(".mvt").removesuffix(".pbf")
        if not all(part.isascii() and part.isdigit() and len(part) < 9 for part in (z, x, y)):
            raise BadRequest("tile_coordinates_invalid", z=z, x=x, y=y)
        tile = cls(int(z), int(x), int(y))
        last = (1 << min(tile.z, MAX_ZOOM)) - 1
        if tile.z > MAX_ZOOM or tile.x > last or tile.y > last:
            raise NotFound("tile_out_of_range", z=z, x=x, y=y, max_zoom=MAX_ZOOM, last=last)
        return tile

    def lon_lat_box(self, margin: float) -> repository.LonLatBox:
        """The tile's box in longitude/latitude, grown by ``margin`` tile widths each side."""
        size = 2 * _HALF_WORLD / (1 << self.z)
        west = -_HALF_WORLD + (self.x - margin) * size
        east = -_HALF_WORLD + (self.x + 1 + margin) * size
        north = _HALF_WORLD - (self.y - margin) * size
        south = _HALF_WORLD - (self.y + 1 + margin) * size
        return (_lon(west), _lat(south), _lon(east), _lat(north))


def _lon(x: float) -> float:
    return math.degrees(x / _EARTH_RADIUS)


def _lat(y: float) -> float:
    return math.degrees(math.atan(math.sinh(y / _EARTH_RADIUS)))


def _intersects(a: repository.LonLatBox, b: list[float] | tuple[float, ...]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


# Collections --------------------------------------------------------------------------------


def parse_statuses(value: str | None) -> tuple[str, ...] | None:
    """Statuses named by a ``status=a,b`` query parameter (None: no filter)."""
    if value is None or not value.strip():
        return None
    names = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [name for name in names if name not in STATUSES]
    if unknown:
        raise BadRequest("status_filter_unknown", value=unknown[0], allowed=", ".join(STATUSES))
    return names


async def published_collection(
    session: AsyncSession, collection_id: str, statuses: tuple[str, ...] | None = None
) -> Collection:
    """The collection as the OGC API publishes it, narrowed to ``statuses`` when given."""
    collection = await service.get_collection(session, collection_id)
    if statuses is None or collection.kind != "campaign":
        return collection
    shown = tuple(status for status in collection.statuses if status in statuses)
    status_column = collection.property("status").value  # type: ignore[union-attr]
    return dataclasses.replace(
        collection, statuses=shown, where=(*collection.where, status_column.in_(shown))
    )


# Tiles --------------------------------------------------------------------------------------


def tile_query(collection: Collection, tile: Tile) -> repository.TileQuery | None:
    """How to encode ``tile``; None when it lies outside the collection's known extent."""
    band = band_for(tile.z)
    west, south, east, north = tile.lon_lat_box(MVT_BUFFER / MVT_EXTENT)
    if collection.grid is not None:  # a snapped point may move by up to one cell
        dx, dy = collection.grid
        west, south, east, north = west - dx, south - dy, east + dx, north + dy
    box = (west, max(south, -90.0), east, min(north, 90.0))
    # A layer's extent is measured from its features at import: a tile outside it is empty.
    # A campaign's published extent is its area's, which observations may overstep: its
    # empty tiles cost one probe of the (campaign_id, geom) index instead.
    known_extent = collection.extent if collection.kind == "layer" else None
    if known_extent is not None and not _intersects(box, known_extent):
        return None
    properties = tuple(p for p in tile_properties(collection) if property_min_zoom(p) <= tile.z)
    full = band is BANDS[-1]
    return repository.TileQuery(
        z=tile.z,
        x=tile.x,
        y=tile.y,
        filter_box=box,
        extent=MVT_EXTENT,
        buffer=MVT_BUFFER,
        simplify_m=band.simplify_units * 2 * _HALF_WORLD / (1 << tile.z) / MVT_EXTENT,
        feature_cap=band.feature_cap,
        properties=properties,
        raw_properties=full,
    )


async def render_tile(session: AsyncSession, collection: Collection, tile: Tile) -> bytes:
    query = tile_query(collection, tile)
    return b"" if query is None else await repository.tile(session, collection, query)


def tile_response(data: bytes, collection: Collection, request: Request) -> Response:
    # Any site's map may read them: CORS comes from app/http_conventions.py, as everywhere.
    headers = {"Cache-Control": f"public, max-age={_CACHE_SECONDS[collection.kind]}"}
    if not data:
        return Response(status_code=204, headers=headers)
    headers["ETag"] = etag = etag_of(data)
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=MVT_MEDIA_TYPE, headers=headers)


# TileJSON ----------------------------------------------------------------------------


def base_url(request: Request) -> str:
    """The public root URL, ending with '/': the configured one, else the request's."""
    public_url: str | None = request.app.state.settings.public_url
    return public_url.rstrip("/") + "/" if public_url else str(request.base_url)


def tiles_url(request: Request, collection_id: str) -> str:
    return f"{base_url(request)}ogc/collections/{quote(collection_id)}/tiles"


def tilejson(
    collection: Collection,
    bounds: repository.LonLatBox | None,
    url: str,
    statuses: tuple[str, ...] | None,
) -> dict[str, Any]:
    """TileJSON 3.0.0 of the collection's tileset; ``url`` is its ``.../tiles`` URL."""
    query = "?" + urlencode({"status": ",".join(statuses)}) if statuses is not None else ""
    west, south, east, north = clamp(bounds or WORLD)
    layer: dict[str, Any] = {
        "id": collection.id,
        "description": collection.title,
        "minzoom": 0,
        "maxzoom": TILEJSON_MAX_ZOOM,
        "fields": _fields(collection),
    }
    return {
        "tilejson": "3.0.0",
        "name": collection.title,
        "description": collection.description,
        "attribution": attribution_html(collection),
        "scheme": "xyz",
        "tiles": [f"{url}/{TILE_MATRIX_SET}/{{z}}/{{x}}/{{y}}{query}"],
        "minzoom": 0,
        "maxzoom": TILEJSON_MAX_ZOOM,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, fitting_zoom(west, south, east, north)],
        "vector_layers": [layer],
    }


def attribution_html(collection: Collection) -> str:
    """Licence link and attribution text, escaped: MapLibre shows it as HTML."""
    parts = []
    if collection.licence:
        url, name = html.escape(collection.licence_url), html.escape(collection.licence)
        parts.append(f'<a href="{url}" target="_blank" rel="noopener">{name}</a>')
    if collection.attribution:
        parts.append(html.escape(collection.attribution))
    return " — ".join(parts)


_MVT_TYPES = {"integer": "Number", "number": "Number", "boolean": "Boolean"}


def _fields(collection: Collection) -> dict[str, str]:
    """Attribute names and descriptions: the type, and the zoom they appear from. A layer's
    feature id is the MVT feature id, not an attribute; an observation's UUID cannot be."""
    fields = {"id": "String"} if collection.kind != "layer" else {}
    for prop in tile_properties(collection):
        kind = _MVT_TYPES.get(prop.kind, "String")
        zoom = property_min_zoom(prop)
        fields[prop.name] = f"{kind}, from zoom {zoom}" if zoom else kind
    return fields


def clamp(box: repository.LonLatBox) -> repository.LonLatBox:
    west, south, east, north = box
    return (
        max(west, -180.0),
        max(south, -MAX_LATITUDE),
        min(east, 180.0),
        min(north, MAX_LATITUDE),
    )


def fitting_zoom(west: float, south: float, east: float, north: float) -> int:
    span = max(east - west, (north - south) * 1.5, 1e-6)
    return max(0, min(TILEJSON_MAX_ZOOM, math.floor(math.log2(360 / span))))


async def collection_extent(session: AsyncSession, collection: Collection) -> repository.Extent:
    """Box of the published features and their last change (TileJSON, tileset metadata)."""
    if collection.kind == "layer":
        box = tuple(collection.extent) if collection.extent else None
        return repository.Extent(box, collection.updated_at)  # type: ignore[arg-type]
    extent = await repository.campaign_extent(session, collection)
    changed = max(filter(None, (extent.changed_at, collection.updated_at)))
    return repository.Extent(extent.box, changed)


# Endpoints ----------------------------------------------------------------------------------

router = APIRouter(prefix="/collections/{collection_id}/tiles", tags=["tiles"])
StatusQuery = Query(
    None, description="Comma-separated statuses to keep (among the published ones)."
)


@router.get(f"/{TILE_MATRIX_SET}/tilejson.json")
async def get_tilejson(
    collection_id: str, request: Request, session: SessionDep, status: str | None = StatusQuery
) -> Response:
    statuses = parse_statuses(status)
    collection = await published_collection(session, collection_id, statuses)
    extent = await collection_extent(session, collection)
    body = tilejson(collection, extent.box, tiles_url(request, collection_id), statuses)
    return cached_document(request, body, extent.changed_at)


@router.get(
    f"/{TILE_MATRIX_SET}/{{z}}/{{x}}/{{y}}",
    responses={200: {"content": {MVT_MEDIA_TYPE: {}}}, 204: {"description": "Empty tile"}},
)
async def get_tile(
    collection_id: str,
    z: str,
    x: str,
    y: str,
    request: Request,
    session: SessionDep,
    status: str | None = StatusQuery,
) -> Response:
    tile = Tile.parse(z, x, y)
    collection = await published_collection(session, collection_id, parse_statuses(status))
    return tile_response(await render_tile(session, collection, tile), collection, request)
