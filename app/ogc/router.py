"""OGC API - Features endpoints (mounted at ``/ogc``): thin, JSON or HTML by negotiation."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.db.session import SessionDep
from app.errors import BadRequest
from app.i18n import Language
from app.ogc import documents, openapi, service, tilesets_router, views
from app.ogc.crs import content_crs_header, parse_crs
from app.ogc.query import COMMON_PARAMETERS, DEFAULT_LIMIT
from app.ogc.responses import (
    METADATA_MAX_AGE,
    cached,
    language,
    link_header,
    output_format,
)

router = APIRouter(prefix="/ogc", tags=["OGC API - Features"])
# OGC API - Tiles metadata: tile matrix sets, tilesets and styles of the collections.
router.include_router(tilesets_router.router)
HTML_DEFAULT_LIMIT = 100


def base_url(request: Request) -> str:
    public = request.app.state.settings.public_url
    root = public.rstrip("/") + "/" if public else str(request.base_url)
    return root + "ogc"


def _check_parameters(request: Request, allowed: frozenset[str] = COMMON_PARAMETERS) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise BadRequest("ogc_unknown_parameter", name=", ".join(unknown))


def _respond(
    request: Request,
    document: object,
    html: Callable[[str, Language], bytes],
    media_type: str = documents.JSON,
    max_age: int = METADATA_MAX_AGE,
) -> Response:
    if output_format(request) == "html":
        body = html(base_url(request), language(request))
        return cached(request, body, "text/html; charset=utf-8", max_age=max_age)
    return cached(request, orjson.dumps(document), media_type, max_age=max_age)


@router.get("", summary="Landing page")
async def landing(request: Request) -> Response:
    _check_parameters(request)
    document = documents.landing(base_url(request), "Relevé")
    return _respond(request, document, lambda base, lang: views.landing(document, base, lang))


@router.get("/conformance", summary="Conformance classes")
async def conformance(request: Request) -> Response:
    _check_parameters(request)
    document = documents.conformance()
    return _respond(request, document, lambda base, lang: views.conformance(document, base, lang))


@router.get("/api", summary="OpenAPI 3.0 description of the OGC API")
async def api(request: Request, session: SessionDep) -> Response:
    _check_parameters(request)
    if output_format(request) == "html":
        return RedirectResponse("/docs", status_code=303)
    collections = await service.list_collections(session)
    document = openapi.document(base_url(request), collections)
    return cached(request, orjson.dumps(document), documents.OPENAPI_JSON, max_age=METADATA_MAX_AGE)


@router.get("/collections", summary="Published campaigns and reference layers")
async def collections(request: Request, session: SessionDep) -> Response:
    _check_parameters(request)
    document = documents.collections(await service.list_collections(session), base_url(request))
    items = document["collections"]
    return _respond(request, document, lambda base, lang: views.collections(items, base, lang))


@router.get("/collections/{collection_id}", summary="A collection")
async def collection(collection_id: str, request: Request, session: SessionDep) -> Response:
    _check_parameters(request)
    item = await service.get_collection(session, collection_id, with_extent=True)
    document = documents.collection(item, base_url(request))
    return _respond(
        request, document, lambda base, lang: views.collection(item, document, base, lang)
    )


@router.get("/collections/{collection_id}/queryables", summary="Queryable properties")
async def queryables(collection_id: str, request: Request, session: SessionDep) -> Response:
    _check_parameters(request)
    item = await service.get_collection(session, collection_id)
    document = documents.queryables(item, base_url(request))
    return _respond(
        request,
        document,
        lambda base, lang: views.queryables(item, document, base, lang),
        documents.SCHEMA_JSON,
    )


@router.get("/collections/{collection_id}/schema", summary="JSON Schema of the features")
async def schema(collection_id: str, request: Request, session: SessionDep) -> Response:
    _check_parameters(request)
    item = await service.get_collection(session, collection_id)
    document = documents.feature_schema(item, base_url(request))
    return cached(request, orjson.dumps(document), documents.SCHEMA_JSON)


@router.get("/collections/{collection_id}/items", summary="Features (GeoJSON)")
async def items(collection_id: str, request: Request, session: SessionDep) -> Response:
    """Filter with bbox, datetime, CQL2 `filter` or `<property>=<value>`; page with links."""
    fmt = output_format(request)
    item = await service.get_collection(session, collection_id)
    params = dict(request.query_params)
    default_limit = HTML_DEFAULT_LIMIT if fmt == "html" else DEFAULT_LIMIT
    result = await service.read_items(session, item, params, default_limit)
    url = f"{base_url(request)}/collections/{collection_id}/items"
    links = documents.items_links(url, params, result)
    body = documents.feature_collection(item, result, links)
    headers = {
        "Content-Crs": content_crs_header(result.query.crs),
        "Link": link_header(links, ("self", "alternate", "next", "prev", "collection")),
    }
    if fmt == "html":
        html = views.items(item, body, links, base_url(request), language(request))
        return cached(request, html, "text/html; charset=utf-8", headers)
    return cached(request, body, documents.GEOJSON, headers)


@router.get("/collections/{collection_id}/items/{feature_id}", summary="A feature")
async def feature(
    collection_id: str, feature_id: str, request: Request, session: SessionDep
) -> Response:
    _check_parameters(request, COMMON_PARAMETERS | {"crs"})
    fmt = output_format(request)
    crs = parse_crs(request.query_params.get("crs"), "crs")
    item = await service.get_collection(session, collection_id)
    text = await service.get_feature(session, item, feature_id, crs)
    base = base_url(request)
    links = documents.feature_links(base, collection_id, feature_id)
    headers = {
        "Content-Crs": content_crs_header(crs),
        "Link": link_header(links, ("self", "alternate", "collection")),
    }
    if fmt == "html":
        return cached(request, views.feature(item, text, base, language(request)),
                      "text/html; charset=utf-8", headers)  # fmt: skip
    body = text[:-1] + ',"links":' + orjson.dumps(links).decode() + "}"
    return cached(request, body.encode(), documents.GEOJSON, headers)
