"""Basemaps served by the instance itself: list, TileJSON, MapLibre style, tiles, glyphs and
the cost of an offline copy of an area. Public, cacheable and open to any origin, as the
tiles of collections are; no database access.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import re
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from starlette.responses import FileResponse, Response

from app.basemaps import registry
from app.basemaps.archive import MEDIA_TYPES
from app.basemaps.planning import plan
from app.basemaps.registry import Basemap
from app.basemaps.style import style_for
from app.config import Settings
from app.errors import BadRequest, NotFound
from app.ogc.tiles import Tile, base_url
from app.web import etag_matches, json_response

router = APIRouter(prefix="/basemaps", tags=["basemaps"])

OPEN = {"Access-Control-Allow-Origin": "*"}
# Tiles of an archive change only when the operator replaces it (new ETag): a day in caches.
TILE_CACHE = "public, max-age=86400"
DOCUMENT_CACHE = "public, max-age=300"
_FONT = re.compile(r"^[A-Za-z0-9 _-]{1,64}$")
_RANGE = re.compile(r"^(\d{1,5})-(\d{1,5})(\.pbf)?$")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _basemap(request: Request, name: str) -> Basemap:
    basemap = registry.find(_settings(request), name)
    if basemap is None:
        raise NotFound("basemap_not_found", name=name)
    return basemap


def _stamp(basemap: Basemap) -> str:
    stat = basemap.path.stat()
    return f"{stat.st_mtime_ns:x}-{stat.st_size:x}"


def describe(basemap: Basemap, base: str) -> dict[str, Any]:
    info = basemap.archive.info
    url = f"{base}basemaps/{quote(basemap.name)}"
    return {
        "name": basemap.name,
        "title": info.name or basemap.name,
        "description": info.description,
        "attribution": info.attribution,
        "format": info.format,
        "vector": info.vector,
        "minzoom": info.minzoom,
        "maxzoom": info.maxzoom,
        "bounds": list(info.bounds),
        "links": {
            "style": f"{url}/style.json",
            "tilejson": f"{url}/tilejson.json",
            "tiles": f"{url}/{{z}}/{{x}}/{{y}}",
            "plan": f"{url}/plan",
        },
    }


@router.get("")
async def list_basemaps(request: Request) -> Response:
    """The basemaps of this instance, for a campaign's owner to choose from."""
    base = base_url(request)
    body = {"basemaps": [describe(b, base) for b in registry.all_basemaps(_settings(request))]}
    return json_response(body, headers={"Cache-Control": "no-cache", **OPEN})


@router.get("/fonts/{fontstack}/{glyph_range}")
async def get_glyphs(fontstack: str, glyph_range: str, request: Request) -> Response:
    """Signed-distance-field glyphs (MapLibre's ``glyphs``): the first font of the stack that
    has the range."""
    match = _RANGE.match(glyph_range)
    first = int(match.group(1)) if match else -1
    if not match or first % 256 or int(match.group(2)) != first + 255 or first > 65280:
        raise NotFound("glyphs_not_found", fontstack=fontstack, range=glyph_range)
    for font in (part.strip() for part in fontstack.split(",")):
        path = registry.font_file(_settings(request), font, first) if _FONT.match(font) else None
        if path is not None:
            headers = {"Cache-Control": "public, max-age=604800", **OPEN}
            return FileResponse(path, media_type="application/x-protobuf", headers=headers)
    raise NotFound("glyphs_not_found", fontstack=fontstack, range=glyph_range)


@router.get("/{name}/style.json")
async def get_style(name: str, request: Request) -> Response:
    basemap = _basemap(request, name)
    headers = {"Cache-Control": DOCUMENT_CACHE, "ETag": f'"{_stamp(basemap)}"', **OPEN}
    return json_response(style_for(basemap, base_url(request)), headers=headers)


@router.get("/{name}/tilejson.json")
async def get_tilejson(name: str, request: Request) -> Response:
    basemap = _basemap(request, name)
    info = basemap.archive.info
    body: dict[str, Any] = {
        "tilejson": "3.0.0",
        "name": info.name or basemap.name,
        "description": info.description,
        "attribution": info.attribution,
        "scheme": "xyz",
        "tiles": [f"{base_url(request)}basemaps/{quote(name)}/{{z}}/{{x}}/{{y}}"],
        "minzoom": info.minzoom,
        "maxzoom": info.maxzoom,
        "bounds": list(info.bounds),
        "center": list(info.center),
    }
    if info.vector:
        body["vector_layers"] = info.vector_layers
    headers = {"Cache-Control": DOCUMENT_CACHE, "ETag": f'"{_stamp(basemap)}"', **OPEN}
    return json_response(body, headers=headers)


@router.get("/{name}/plan")
async def get_plan(
    name: str,
    request: Request,
    bbox: str = Query(..., description="west,south,east,north in degrees (WGS 84)"),
    budget: int | None = Query(None, ge=0, description="Bytes the copy may take"),
) -> Response:
    """Tiles and bytes of the box at each zoom, and the deepest zoom that fits the budget."""
    basemap = _basemap(request, name)
    costs, fitting = plan(basemap.archive, _parse_bbox(bbox), budget)
    body = {
        "basemap": name,
        "budget": budget,
        "maxzoom_within_budget": fitting,
        "zooms": [asdict(cost) for cost in costs],
    }
    return json_response(body, headers={"Cache-Control": DOCUMENT_CACHE, **OPEN})


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadRequest("bbox_invalid", bbox=text[:100])
    west, south, east, north = values
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BadRequest("bbox_invalid", bbox=text[:100])
    return west, south, east, north


@router.get(
    "/{name}/{z}/{x}/{y}",
    responses={
        200: {"content": {media: {} for media in MEDIA_TYPES.values()}},
        204: {"description": "No tile here"},
    },
)
async def get_tile(name: str, z: str, x: str, y: str, request: Request) -> Response:
    basemap = _basemap(request, name)
    for suffix in (".png", ".jpg", ".jpeg", ".webp"):
        y = y.removesuffix(suffix)
    tile = Tile.parse(z, x, y)
    info = basemap.archive.info
    headers = {"Cache-Control": TILE_CACHE, **OPEN}
    data = basemap.archive.tile(tile.z, tile.x, tile.y)
    if data is None:
        return Response(status_code=204, headers=headers)
    tag = hashlib.blake2b(f"{_stamp(basemap)}/{z}/{x}/{y}".encode(), digest_size=12).hexdigest()
    headers["ETag"] = etag = f'"{tag}"'
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if info.gzipped:
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
        else:
            data = gzip.decompress(data)
    headers["Vary"] = "Accept-Encoding"
    return Response(data, media_type=MEDIA_TYPES[info.format], headers=headers)
