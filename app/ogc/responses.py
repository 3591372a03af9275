"""HTTP side of the OGC API: format and language negotiation, and cacheable responses.

ETags are a hash of the body: a page whose features did not change keeps its ETag, and a
client sending it back in If-None-Match gets 304 with no body.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from fastapi import Request
from starlette.responses import Response

from app.i18n import Language, negotiate_language
from app.ogc.query import invalid
from app.web import etag_matches

Format = Literal["json", "html"]
_FORMATS: dict[str, Format] = {"json": "json", "geojson": "json", "html": "html"}
# Data changes as contributors submit; a minute of caching is a fair trade for open data.
DATA_MAX_AGE = 60
METADATA_MAX_AGE = 300


def output_format(request: Request) -> Format:
    """``f=`` when given, else JSON unless the client prefers HTML (a browser)."""
    given = request.query_params.get("f")
    if given is not None:
        if given not in _FORMATS:
            raise invalid("f", f"'{given}' is not one of json, html")
        return _FORMATS[given]
    return "html" if _prefers_html(request.headers.get("accept", "")) else "json"


def _prefers_html(accept: str) -> bool:
    html, json = 0.0, 0.0
    for part in accept.split(","):
        media_type, _, params = part.strip().partition(";")
        quality = _quality(params)
        if media_type.strip() in ("text/html", "application/xhtml+xml"):
            html = max(html, quality)
        elif "json" in media_type:
            json = max(json, quality)
    return html > 0 and html > json


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def language(request: Request) -> Language:
    given = request.query_params.get("lang")
    if given in ("fr", "en"):
        return given  # type: ignore[return-value]
    return negotiate_language(request.headers.get("accept-language"))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def cached(
    request: Request,
    body: bytes,
    media_type: str,
    headers: dict[str, str] | None = None,
    max_age: int = DATA_MAX_AGE,
) -> Response:
    """``body`` with ETag and Cache-Control, or 304 when the client already has it."""
    etag = etag_of(body)
    common = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept, Accept-Language",
        **(headers or {}),
    }
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=common)
    return Response(body, 200, common, media_type)


def link_header(links: list[dict[str, str]], rels: tuple[str, ...]) -> str:
    """An RFC 8288 Link header with the links of the given relations."""
    parts = [
        f'<{found["href"]}>; rel="{found["rel"]}"; type="{found["type"]}"'
        for found in links
        if found["rel"] in rels
    ]
    return ", ".join(parts)
