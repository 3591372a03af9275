"""``/embed/{slug}``: the campaign's live map, for other sites' iframes."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.db.session import SessionDep
from app.embed import page
from app.errors import STATUS_BY_ERROR, DomainError
from app.messages import render
from app.ogc.tiles import TILE_MATRIX_SET, parse_statuses, tiles_url

router = APIRouter(prefix="/embed", tags=["embed"])


@router.get("/{slug}", response_class=HTMLResponse)
async def embed_map(
    slug: str,
    request: Request,
    session: SessionDep,
    bbox: str | None = None,
    status: str | None = None,
    lang: str | None = None,
) -> Response:
    """The map page; ``bbox``, ``status`` (comma-separated) and ``lang`` (fr|en) tune it."""
    language = page.choose_language(lang, request.headers.get("accept-language"))
    try:
        options = page.EmbedOptions(language, page.parse_bbox(bbox), parse_statuses(status))
        campaign = await campaigns.get_campaign(session, slug, None)
    except DomainError as error:
        if "text/html" not in request.headers.get("accept", ""):
            raise  # API clients get the usual problem+json
        return _error_page(error, language=language)
    statuses = _shown_statuses(campaign, options.statuses)
    style = campaigns.basemap_style(campaign, str(request.base_url))
    basemap = page.basemap_option(style, campaign.basemap_url)
    tilejson = _tilejson_url(request, slug, options)
    config = page.page_config(campaign.title, statuses, options, tilejson, basemap)
    ancestors = request.app.state.settings.embed_frame_ancestors
    headers = {
        "Content-Security-Policy": f"frame-ancestors {ancestors}",
        "Vary": "Accept-Language",
        "Cache-Control": "public, max-age=300",
    }
    return HTMLResponse(page.render_page(campaign.title, config, language), headers=headers)


def _shown_statuses(campaign: Campaign, wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    published = campaigns.published_statuses(campaign)
    return published if wanted is None else tuple(s for s in published if s in wanted)


def _tilejson_url(request: Request, slug: str, options: page.EmbedOptions) -> str:
    url = f"{tiles_url(request, slug)}/{TILE_MATRIX_SET}/tilejson.json"
    if options.statuses is not None:
        url += "?" + urlencode({"status": ",".join(options.statuses)})
    return url


def _error_page(error: DomainError, language: page.Language) -> Response:
    """A plain page for a person looking at the frame, in the page's language."""
    status = next(code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls))
    detail = render(error.code, language, error.params)
    return HTMLResponse(page.render_error_page(status, detail, language), status)
