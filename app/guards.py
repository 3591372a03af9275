"""Refuse, at the door, text that PostgreSQL cannot store.

PostgreSQL ``text`` and ``jsonb`` refuse U+0000, and a lone UTF-16 surrogate (``"\\ud800"`` in
JSON) cannot be encoded as UTF-8 at all: either one reaching the database fails the whole
statement. So they are refused once, centrally, with the place they were found:

- ``UnstorableTextMiddleware``: the URL path and the query string (400, naming the path segment
  or the query parameter), before any route runs;
- ``refuse_unstorable_body``: a dependency on every API route whose body is a pydantic model
  (422 with the JSON Pointer of each bad string or member name);
- ``unstorable_errors``: the same check for bodies read by ``app.web.read_json`` and for each
  feature of a batch, which answers that feature ``invalid`` and stores the others.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, unquote

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import FieldError, ValidationFailed, pointer, problem_response
from app.i18n import negotiate_language

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_REPORTED = 20


def _shown(text: str) -> str:
    """The text with each unstorable character written as its escape, safe to echo back."""
    return UNSTORABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def unstorable_errors(value: Any, path: str = "") -> list[FieldError]:
    """One error per string or member name holding U+0000 or a lone surrogate (at most 20)."""
    errors: list[FieldError] = []
    _walk(value, path, errors)
    return errors


def _walk(value: Any, path: str, errors: list[FieldError]) -> None:
    if len(errors) >= MAX_REPORTED:
        return
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            errors.append(FieldError(path, "unstorable_character"))
    elif isinstance(value, dict):
        for name, member in value.items():
            member_path = path + pointer(_shown(str(name)))
            if UNSTORABLE.search(str(name)):
                errors.append(FieldError(member_path, "unstorable_member_name"))
            _walk(member, member_path, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}/{index}", errors)


def refuse_unstorable(value: Any, path: str = "") -> None:
    errors = unstorable_errors(value, path)
    if errors:
        raise ValidationFailed(errors, "unstorable_text")


async def refuse_unstorable_body(request: Request) -> None:
    """Dependency: a JSON body that FastAPI parsed for a pydantic model is checked before the
    model sees it (bodies read by ``read_json`` or as multipart are checked where they are read).
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return
    if "json" not in request.headers.get("content-type", ""):
        return
    try:
        body = await request.json()  # already parsed by FastAPI: served from its cache
    except ValueError:
        return  # FastAPI answers malformed JSON itself
    refuse_unstorable(body, "/body")  # the paths pydantic's own errors have


class UnstorableTextMiddleware:
    """400 problem+json for U+0000 (or a lone surrogate) in the URL path or query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _url_problem(scope)
        if problem is None:
            await self.app(scope, receive, send)
            return
        code, params = problem
        headers = dict(scope.get("headers") or [])
        language = negotiate_language(headers.get(b"accept-language", b"").decode("latin-1"))
        response = problem_response(400, code, language, params)
        await response(scope, receive, send)


def _url_problem(scope: Scope) -> tuple[str, dict[str, Any]] | None:
    for segment in str(scope.get("path", "")).split("/"):
        if UNSTORABLE.search(segment):
            return "unstorable_in_path", {"segment": _shown(segment)}
    query = bytes(scope.get("query_string") or b"").decode("latin-1")
    if "%" not in query and not UNSTORABLE.search(query):
        return None
    for name, value in parse_qsl(query, keep_blank_values=True):
        if UNSTORABLE.search(name) or UNSTORABLE.search(value):
            return "unstorable_in_query", {"parameter": _shown(name)}
    if UNSTORABLE.search(unquote(query)):
        return "unstorable_in_query", {"parameter": ""}
    return None
