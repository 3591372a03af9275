"""Domain exceptions and their one mapping to RFC 9457 problem+json responses.

Services raise these without knowing HTTP; ``install_problem_handlers`` registers the table that
turns each into a status code, a stable ``type`` and a French or English ``detail``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.db.session import DATABASE_ERRORS, is_database_unavailable
from app.i18n import Language, negotiate_language
from app.messages import render
from app.validation_messages import validation_detail

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"
# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_S = 5


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid member of a request body, located by a JSON Pointer (RFC 6901)."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    # Already-worded messages by language (a quality rule's own wording), else the catalogue.
    messages: dict[str, str] | None = None

    def to_json(self, language: Language) -> dict[str, Any]:
        detail = (
            self.messages[language] if self.messages else render(self.code, language, self.params)
        )
        return {
            "path": self.path,
            "code": self.code,
            "detail": detail,
            **({"params": self.params} if self.params else {}),
        }


def pointer(*parts: object) -> str:
    """Build a JSON Pointer from path parts, escaping '~' and '/' as RFC 6901 says."""
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "".join("/" + part for part in escaped)


class DomainError(Exception):
    """Base class: ``code`` picks the message, ``params`` fill it, ``extra`` joins the body."""

    code = "internal_error"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        self.extra: dict[str, Any] = {}
        self.headers: dict[str, str] = {}
        super().__init__(self.code)


class NotFound(DomainError):
    code = "not_found"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class BadRequest(DomainError):
    code = "invalid_json"


class PayloadTooLarge(DomainError):
    code = "body_too_large"


class PreconditionRequired(DomainError):
    code = "precondition_required"


class PreconditionFailed(DomainError):
    code = "precondition_failed"


class ServiceUnavailable(DomainError):
    code = "database_unavailable"


class ValidationFailed(DomainError):
    """The body is well-formed JSON but some members are wrong; each error has its path."""

    code = "validation_failed"

    def __init__(self, errors: list[FieldError], code: str | None = None, **params: Any) -> None:
        super().__init__(code, count=len(errors), **params)
        self.errors = errors


STATUS_BY_ERROR: dict[type[DomainError], int] = {
    NotFound: 404,
    Unauthenticated: 401,
    Forbidden: 403,
    Conflict: 409,
    BadRequest: 400,
    PayloadTooLarge: 413,
    PreconditionRequired: 428,
    PreconditionFailed: 412,
    ValidationFailed: 422,
    ServiceUnavailable: 503,
}


def register_status(error_class: type[DomainError], status: int) -> None:
    """Let a domain package map its own exception to a status code."""
    STATUS_BY_ERROR[error_class] = status


def problem_response(
    status: int,
    code: str,
    language: Language,
    params: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code.replace("_", "-"),
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": render(code, language, params),
        "code": code,
        **(extra or {}),
    }
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Content-Language": language, **(headers or {})},
    )


def request_language(request: Request) -> Language:
    return negotiate_language(request.headers.get("accept-language"))


async def _domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    language = request_language(request)
    status = next(s for cls, s in STATUS_BY_ERROR.items() if isinstance(exc, cls))
    extra = dict(exc.extra)
    if isinstance(exc, ValidationFailed):
        extra["errors"] = [error.to_json(language) for error in exc.errors]
    return problem_response(status, exc.code, language, exc.params, extra, exc.headers)


async def _request_validation_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            pointer(*error.get("loc", ())),
            _validation_code(error.get("type", "")),
            {"reason": error.get("msg", ""), "expected": error.get("type"), "got": "?"},
        )
        for error in exc.errors()
    ]
    language = request_language(request)
    body_errors = [
        {**error.to_json(language), "detail": _validation_detail(error, raw, language)}
        for error, raw in zip(errors, exc.errors(), strict=True)
    ]
    return problem_response(
        422, "validation_failed", language, {"count": len(errors)}, {"errors": body_errors}
    )


# Pydantic error types that are codes of the catalogue (raised by our own validators).
CATALOGUED_VALIDATION_TYPES = frozenset({"null_not_allowed"})


def _validation_code(error_type: str) -> str:
    if error_type in CATALOGUED_VALIDATION_TYPES:
        return error_type
    return "wrong_type" if error_type.endswith("_type") else "invalid_value"


def _validation_detail(error: FieldError, raw: Any, language: Language) -> str:
    if error.code in CATALOGUED_VALIDATION_TYPES:
        return render(error.code, language, error.params)
    return validation_detail(raw, language)


async def _http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    language = request_language(request)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    body = problem_response(exc.status_code, code, language, {"what": request.url.path})
    if exc.headers:
        body.headers.update(exc.headers)
    return body


async def _database_error_handler(request: Request, exc: Exception) -> Response:
    """503 while the database cannot be reached; any other database error is unexpected and
    goes on to app.server_errors.UnexpectedErrorMiddleware (a complete 500)."""
    if not is_database_unavailable(exc):
        raise exc
    logger.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    language = request_language(request)
    return problem_response(503, "database_unavailable", language, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error_handler)
    app.add_exception_handler(RequestValidationError, _request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    # Any other exception: app.server_errors.UnexpectedErrorMiddleware (a complete 500).
    # By class: Starlette re-raises what only a catch-all handled, which printed a traceback
    # per request in the server log during a database outage.
    for error_class in DATABASE_ERRORS:
        app.add_exception_handler(error_class, _database_error_handler)
