"""HTTP as stock clients expect it, for every route at once (pure ASGI, outside the app).

- HEAD answers as GET would, without the body: GDAL's /vsicurl/ asks HEAD before reading
  a FlatGeobuf or a tile by ranges, and link checkers and caches ask it too.
- A trailing slash (``/ogc/``, ``/ogc/collections/``) or a doubled one reaches the route
  without it: client libraries join base URLs and paths either way, and QGIS keeps what the
  user typed. Only paths that match a route are rewritten; the static mounts (the field app
  and the console, whose folders need their slash) are left alone.
- Open data is readable from any site: CORS on every answer, preflights answered, never with
  credentials (Starlette's CORSMiddleware; origins configurable, ``*`` by default).
- Compression: Brotli, gzip or zstd as the client asks, on JSON, GeoJSON, HTML, CSV,
  JavaScript and vector tiles (starlette-compress), with ``Vary: Accept-Encoding``. ETags
  stay as the routes set them: an observation's ETag is its version, sent back in If-Match
  to edit it, and If-Match compares strongly (RFC 9110 13.1.1), so weakening it on
  compressed answers, as some servers do, would refuse every edit made after a compressed
  read. If-None-Match compares weakly everywhere (``app.web.etag_matches``).
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from PIL import Image
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_compress import CompressMiddleware, add_compress_type

# What a client on another site may send and read (CORS). Writes too, for a civic app that
# posts with its own bearer token: with credentials never allowed, the browser sends no
# cookie of the console's session along, so a page elsewhere cannot act as a signed-in owner.
CORS_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
CORS_REQUEST_HEADERS = (
    "Accept", "Accept-Language", "Authorization", "Content-Type", "If-Match",
    "If-Modified-Since", "If-None-Match", "If-Range", "Range", "Idempotency-Key",
)  # fmt: skip
CORS_EXPOSED_HEADERS = (
    "ETag", "Last-Modified", "Link", "Location", "Content-Range", "Accept-Ranges",
    "Content-Length", "Content-Crs", "Content-Disposition", "Retry-After", "Preference-Applied",
    "OGC-NumberMatched", "OGC-NumberReturned",
)  # fmt: skip
PREFLIGHT_MAX_AGE_S = 86_400
FAVICON_MAX_AGE_S = 86_400

# Text answers Relevé writes beyond the library's defaults: GeoJSON text sequences, CSV,
# problem details, TileJSON-style and OpenAPI variants.
for media_type in (
    "application/geo+json-seq", "application/problem+json", "application/vnd.oai.openapi+json",
    "application/schema+json", "application/vnd.mapbox.style+json", "text/csv",
    "application/x-ndjson", "application/fg+json",
):  # fmt: skip
    add_compress_type(media_type)


class HttpConventions:
    """HEAD as GET without a body, trailing slashes tolerated."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _tolerated_path(scope, self.routes)
        if path is not None:
            scope = {**scope, "path": path, "raw_path": path.encode()}
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, _answer(send, head=head))


def _answer(send: Send, *, head: bool) -> Send:
    ended = False

    async def answer(message: Message) -> None:
        nonlocal ended
        if message["type"] == "http.response.body" and head:
            # The body is computed (its length stays in Content-Length) but never sent.
            if not ended and not message.get("more_body", False):
                ended = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await send(message)

    return answer


def _tolerated_path(scope: Scope, routes: list[BaseRoute]) -> str | None:
    """The path without its trailing or doubled slashes, when only that form has a route."""
    path: str = scope["path"]
    if path == "/" or not (path.endswith("/") or "//" in path):
        return None
    if _has_route(scope, path, routes) or _in_folder(path, routes):
        return None
    tidy = "/" + "/".join(part for part in path.split("/") if part)
    if tidy != path and _has_route(scope, tidy, routes):
        return tidy
    return None


def _in_folder(path: str, routes: list[BaseRoute]) -> bool:
    """Whether ``path`` is in a static folder other than the root one (``/console/``)."""
    return any(
        isinstance(route, Mount) and route.path and path.startswith(route.path + "/")
        for route in routes
    )


def _has_route(scope: Scope, path: str, routes: list[BaseRoute]) -> bool:
    probe = {**scope, "path": path, "method": "GET"}
    return any(
        not isinstance(route, Mount) and route.matches(probe)[0] is not Match.NONE
        for route in routes
    )


def install_http_conventions(app: FastAPI, origins: list[str]) -> None:
    """Add the conventions to ``app``; added last, they run outermost: conventions, CORS,
    compression, then the app's own middleware."""
    app.add_middleware(CompressMiddleware, minimum_size=512)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_S,
    )
    app.add_middleware(HttpConventions, routes=app.router.routes)


@cache
def _favicon(source: Path) -> bytes:
    """The app's icon as a Windows icon (16, 32 and 48 px), which browsers, feed readers and
    link previews ask for at /favicon.ico whatever the page declares."""
    out = io.BytesIO()
    with Image.open(source) as icon:
        icon.save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()


def favicon_route(source: Path) -> Callable[[], Awaitable[Response]]:
    async def favicon() -> Response:
        headers = {"Cache-Control": f"public, max-age={FAVICON_MAX_AGE_S}"}
        return Response(_favicon(source), media_type="image/x-icon", headers=headers)

    return favicon
