"""HTTP helpers shared by routers: bounded JSON bodies and pre-serialised JSON responses."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from app.errors import BadRequest, PayloadTooLarge
from app.guards import refuse_unstorable

GEOJSON = "application/geo+json"


async def read_json(request: Request, limit: int, *, check_text: bool = True) -> Any:
    """The request body parsed as JSON, refusing bodies over ``limit`` bytes and (unless the
    caller checks each item itself, as a batch does) any text PostgreSQL cannot store."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(limit=limit)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(limit=limit)
    if not body:
        raise BadRequest(reason="empty body")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest(reason=str(error)) from error
    if check_text:
        refuse_unstorable(document)
    return document


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): ``W/"x"`` matches ``"x"``, and a
    compressed answer's weakened ETag revalidates like the plain one."""
    if not if_none_match:
        return False
    plain = etag.removeprefix("W/")
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or plain in tags


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None,
    media_type: str = "application/json",
) -> Response:  # fmt: skip
    return Response(orjson.dumps(content, default=_fallback), status_code, headers, media_type)


def _fallback(value: Any) -> Any:
    """Types orjson does not know (asyncpg's UUID, Decimal...) are written as text."""
    return str(value)


def raw_json_response(
    body: str | bytes, status_code: int = 200, headers: dict[str, str] | None = None,
    media_type: str = GEOJSON,
) -> Response:  # fmt: skip
    """A response whose JSON was already built (by PostGIS): no Python objects in between."""
    return Response(body, status_code, headers, media_type)
