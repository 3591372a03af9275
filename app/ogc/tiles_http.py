"""Cacheable JSON documents of the tiles (TileJSON, tilesets, tile matrix sets, styles).

A document's ETag is a hash of its bytes: they are built only from the collection's metadata
and the extent of its published features, so the ETag changes exactly when one of them does
and is the same on every process. ``Last-Modified`` is the last change of the collection's
metadata or of its published features (informative: conditional requests use the ETag).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from app.ogc.responses import etag_of
from app.web import etag_matches

DOCUMENT_MAX_AGE = 60


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def cached_document(
    request: Request,
    document: Any,
    last_modified: datetime | None,
    media_type: str = "application/json",
    max_age: int = DOCUMENT_MAX_AGE,
    headers: dict[str, str] | None = None,
) -> Response:
    """``document`` as JSON with its ETag and Last-Modified, or 304 when the client has it."""
    body = orjson.dumps(document)
    headers = {
        "ETag": etag_of(body),
        "Cache-Control": f"public, max-age={max_age}",
        **(headers or {}),
    }
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, 200, headers, media_type)
