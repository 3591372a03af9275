from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.auth.deps import OptionalUser
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.search import service
from app.search.schemas import GazetteerOut, SearchResults
from app.web import etag_matches

router = APIRouter(tags=["search"])

CampaignSlug = Annotated[
    str, Query(min_length=1, max_length=200, description="Slug of the campaign to search in.")
]


def search_text(
    q: Annotated[
        str | None, Query(description="Name of a commune, street, address or place.")
    ] = None,
    limit: Annotated[int, Query(description=f"1 to {service.MAX_LIMIT}.")] = service.DEFAULT_LIMIT,
) -> tuple[str, int]:
    return service.check_query(q, limit), limit


@router.get("/search", response_model=SearchResults)
async def search_places(
    campaign: CampaignSlug,
    query: Annotated[tuple[str, int], Depends(search_text)],
    session: SessionDep,
    user: OptionalUser,
) -> SearchResults:
    """Places of the campaign's reference layers and targets by name, ignoring accents and
    case, forgiving a typo; exact names first, then those that begin with the text."""
    found = await campaigns.get_campaign(session, campaign, user)
    text, limit = query
    return SearchResults(results=await service.search(session, found, text, limit))


@router.get(
    "/search/gazetteer",
    response_class=Response,
    responses={200: {"model": GazetteerOut}, 304: {"description": "Not modified"}},
)
async def gazetteer(
    campaign: CampaignSlug, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    """Every name the search finds in the campaign, as compact rows for the field app to
    search offline; send its ETag back in If-None-Match to learn whether it changed."""
    found = await campaigns.get_campaign(session, campaign, user)
    scope = await service.scope_of(session, found)
    etag = '"' + await service.gazetteer_version(session, found, scope) + '"'
    # A draft's names are for its members only: no shared cache may keep them.
    cache = "public, no-cache" if found.status != "draft" else "private, no-cache"
    headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Authorization"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    body = await service.gazetteer(session, found, scope, etag.strip('"'))
    return Response(body, 200, headers, "application/json")
