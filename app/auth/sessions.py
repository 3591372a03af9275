"""Browser sessions for the owners' console: a session cookie, and CSRF protection.

A session is an API token named ``browser`` (stored hashed, listed and revoked like any other),
carried by an HttpOnly cookie instead of the Authorization header. SameSite=Strict: the console
is served by this app and calls it from its own pages, so the cookie is never needed on a
request another site starts (Lax would still send it on a link followed from another site).

A browser adds cookies by itself, so every cookie-authenticated write must prove it comes from
the console (both checks, each enough to refuse):

- the CSRF token: the ``X-CSRF-Token`` header equals a value derived from the session token
  (``security.csrf_token_for``). The console reads it from the sign-in answer or from the
  readable ``releve_csrf`` cookie; another site can neither read it nor compute it, and a
  cookie it manages to plant (a sibling subdomain) does not match the HttpOnly session;
- the origin: ``Sec-Fetch-Site``, when sent, is ``same-origin`` (or ``none``: typed by the
  user), and ``Origin``, when sent, is this server's own (or the configured public URL's).

Bearer-token requests need neither: a browser never adds an Authorization header by itself.
"""

from __future__ import annotations

import dataclasses
import hmac
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.auth import service
from app.auth.security import (
    BROWSER_TOKEN_NAME,
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_token_for,
)
from app.auth.service import Credentials
from app.errors import Forbidden, Unauthenticated

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SITES_ALLOWED = frozenset({"same-origin", "none"})


class CsrfFailed(Forbidden):
    code = "csrf_failed"


def session_lifetime(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.session_lifetime_hours)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _own_origins(request: Request) -> set[str]:
    origins = {_origin_of(str(request.base_url))}
    public_url = request.app.state.settings.public_url
    if public_url:
        origins.add(_origin_of(public_url))
    return origins


def cross_origin(request: Request) -> bool:
    """True when the browser says another site (or another origin of this one) sent this."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in _SITES_ALLOWED:
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin.lower() not in _own_origins(request)


def refuse_cross_origin(request: Request) -> None:
    """403 ``csrf_failed`` for a request another origin sent (sign-in: no session to check)."""
    if cross_origin(request):
        raise _failed("origin")


def _failed(reason: str) -> CsrfFailed:
    error = CsrfFailed(header=CSRF_HEADER)
    error.extra["reason"] = reason
    return error


def check_csrf(request: Request, session_token: str) -> None:
    """Refuse a cookie-authenticated write that does not prove it comes from the console."""
    refuse_cross_origin(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), csrf_token_for(session_token).encode()):
        raise _failed("token")


async def cookie_credentials(request: Request, session: AsyncSession) -> Credentials | None:
    """The caller of the session cookie, CSRF-checked on writes. A cookie that no longer works
    (revoked, expired, not a browser session) is ignored: the browser is simply signed out, and
    the public pages it also sends the cookie to keep working."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        credentials = await service.authenticate(session, token)
    except Unauthenticated:
        return None
    if credentials.token.name != BROWSER_TOKEN_NAME:
        return None
    if request.method.upper() not in SAFE_METHODS:
        check_csrf(request, token)
    return dataclasses.replace(credentials, by_cookie=True)


def set_session_cookies(
    request: Request, response: Response, token: str, lifetime: timedelta
) -> None:
    """The HttpOnly session cookie and the readable CSRF cookie, Secure over https."""
    secure = request.url.scheme == "https"
    seconds = int(lifetime.total_seconds())
    for name, value, http_only in (
        (SESSION_COOKIE, token, True),
        (CSRF_COOKIE, csrf_token_for(token), False),
    ):
        response.set_cookie(
            name, value, max_age=seconds, path="/", secure=secure, httponly=http_only,
            samesite="strict",
        )  # fmt: skip


def clear_session_cookies(request: Request, response: Response) -> None:
    secure = request.url.scheme == "https"
    for name, http_only in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, path="/", secure=secure, httponly=http_only, samesite="strict")
