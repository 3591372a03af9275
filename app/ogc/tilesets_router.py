"""OGC API - Tiles metadata endpoints under ``/ogc``: tile matrix sets, a collection's tilesets
and tileset, and its MapLibre styles. The tiles and TileJSON themselves are in ``tiles.py``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.basemaps import registry
from app.basemaps.registry import Basemap
from app.campaigns.models import Campaign
from app.db.session import SessionDep
from app.ogc import styles, tiles, tilesets
from app.ogc.query import invalid
from app.ogc.sources import Collection
from app.ogc.tiles_http import cached_document

router = APIRouter(tags=["OGC API - Tiles"])
# The tile matrix set is a standard's definition: it never changes.
_DEFINITION_MAX_AGE = 86400


@router.get("/tileMatrixSets", summary="Tiling schemes")
async def list_tile_matrix_sets(request: Request) -> Response:
    document = tilesets.tile_matrix_sets(tiles.base_url(request))
    return cached_document(request, document, None, max_age=_DEFINITION_MAX_AGE)


@router.get(f"/tileMatrixSets/{tiles.TILE_MATRIX_SET}", summary="WebMercatorQuad")
async def get_tile_matrix_set(request: Request) -> Response:
    document = tilesets.WEB_MERCATOR_QUAD
    return cached_document(request, document, None, max_age=_DEFINITION_MAX_AGE)


@router.get("/collections/{collection_id}/tiles", summary="Vector tilesets of a collection")
async def list_tilesets(collection_id: str, request: Request, session: SessionDep) -> Response:
    collection = await tiles.published_collection(session, collection_id)
    url = tiles.tiles_url(request, collection_id)
    document = tilesets.tilesets(collection, url, tiles.base_url(request))
    return cached_document(request, document, collection.updated_at)


@router.get(
    f"/collections/{{collection_id}}/tiles/{tiles.TILE_MATRIX_SET}",
    summary="Vector tileset metadata",
)
async def get_tileset(collection_id: str, request: Request, session: SessionDep) -> Response:
    collection = await tiles.published_collection(session, collection_id)
    extent = await tiles.collection_extent(session, collection)
    url = tiles.tiles_url(request, collection_id)
    document = tilesets.tileset(collection, url, tiles.base_url(request), extent.box)
    return cached_document(request, document, extent.changed_at)


def _styles_url(request: Request, collection_id: str) -> str:
    return tiles.tiles_url(request, collection_id).removesuffix("/tiles") + "/styles"


@router.get("/collections/{collection_id}/styles", summary="Map styles of a collection")
async def list_styles(collection_id: str, request: Request, session: SessionDep) -> Response:
    collection = await tiles.published_collection(session, collection_id)
    document = styles.styles_list(collection, _styles_url(request, collection_id))
    return cached_document(request, document, collection.updated_at)


@router.get(
    f"/collections/{{collection_id}}/styles/{styles.DEFAULT_STYLE}",
    summary="MapLibre style of a collection",
    responses={200: {"content": {styles.MAPBOX_STYLE: {}}}},
)
async def get_style(collection_id: str, request: Request, session: SessionDep) -> Response:
    given = request.query_params.get("f")
    if given not in (None, "mapbox", "json"):
        raise invalid("f", f"'{given}' is not one of mapbox, json")
    collection = await tiles.published_collection(session, collection_id)
    basemap, raster = await _basemap(request, session, collection)
    url = tiles.tiles_url(request, collection_id)
    tilejson = f"{url}/{tiles.TILE_MATRIX_SET}/tilejson.json"
    document = styles.style(collection, tilejson, tiles.base_url(request), basemap, raster)
    return cached_document(request, document, collection.updated_at, styles.MAPBOX_STYLE)


async def _basemap(
    request: Request, session: AsyncSession, collection: Collection
) -> tuple[Basemap | None, str | None]:
    """The basemap a campaign names: one this instance serves, else a raster tile template."""
    if collection.kind == "layer":
        return None, None
    campaign = await session.get(Campaign, collection.record_id)
    if campaign is None:
        return None, None
    if campaign.basemap:
        served = registry.find(request.app.state.settings, campaign.basemap)
        if served is not None:
            return served, None
    url = campaign.basemap_url
    return None, url if url and "{z}" in url else None
