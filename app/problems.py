"""The problem+json answers of the API, described once for the OpenAPI document.

Routers are included with ``responses=problem_responses(...)`` naming the statuses they can
answer; every operation also documents the 500 of an unexpected error.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.errors import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: a stable type, a detail in French or English.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "example": "/problems/validation-failed"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "description": "For validation failures: each bad member with its JSON Pointer.",
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "code", "detail"],
                "properties": {
                    "path": {"type": "string"},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                    "params": {"type": "object"},
                },
            },
        },
    },
}


PROBLEM_REF = "#/components/schemas/Problem"

DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: malformed JSON or parameters, or a NUL character in the URL",
    401: "Authentication required, or the token is invalid",
    403: "Authenticated, but not allowed to do this",
    404: "Not found (or not visible to you)",
    409: "Conflict with the stored state",
    410: "The link's token is unknown, already used or expired",
    412: "The If-Match version is stale",
    413: "The body is too large",
    422: "Validation failed: each bad member is named by its JSON Pointer path",
    428: "If-Match is required",
    429: "Too many requests: retry after the Retry-After delay",
    500: "Unexpected error (logged); the connection is closed",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given statuses (plus 500), each a problem+json body."""
    return {
        status: {
            "description": DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
        }
        for status in sorted({*statuses, 500})
    }


def install_problem_schema(app: FastAPI) -> None:
    """Add the Problem schema the ``responses`` refer to to the app's OpenAPI components."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI caches it: the schema is added once, idempotently
        document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        return document

    app.openapi = openapi  # type: ignore[method-assign]
