"""Sign-in through OpenID Connect (see ``app.auth.oidc_service``): the console's button leads
to ``/auth/oidc/login``, the provider sends the browser back to ``/auth/oidc/callback``.

The sign-in under way is a row of ``oidc_logins`` named by a random secret in a short-lived
HttpOnly cookie (SameSite=Lax: it must come back with the provider's redirect, a navigation
from another site), so any process of the app can finish it and only the browser that started
it can. The session opened at the end is the one of POST /auth/session (same cookies).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from app.auth import oidc_service, sessions
from app.auth.oidc_client import CALLBACK_PATH, OidcProvider
from app.auth.oidc_schemas import OidcInfo
from app.auth.security import SESSION_COOKIE
from app.db.session import SessionDep
from app.errors import STATUS_BY_ERROR, DomainError, NotFound, problem_response, request_language

router = APIRouter(tags=["accounts"])
LOGIN_COOKIE = "releve_oidc"
LOGIN_COOKIE_PATH = "/api/v1/auth/oidc"
# Where a browser is sent when a sign-in fails, with the reason in ?oidc_error=.
CONSOLE = "/console/"
NO_STORE = {"Cache-Control": "no-store"}


def _problem(description: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"type": {"type": "string"}}}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


def provider_of(request: Request) -> OidcProvider | None:
    """The configured provider of this app (made at first use, then kept by the process)."""
    state = request.app.state
    if not hasattr(state, "oidc_provider"):
        state.oidc_provider = OidcProvider.from_settings(state.settings)
    provider: OidcProvider | None = state.oidc_provider
    return provider


def _configured(request: Request) -> OidcProvider:
    provider = provider_of(request)
    if provider is None:
        raise NotFound("oidc_not_configured")
    return provider


def _redirect_uri(request: Request) -> str:
    public_url = request.app.state.settings.public_url
    base = public_url or str(request.base_url)
    return base.rstrip("/") + CALLBACK_PATH


@router.get("/auth/oidc", response_model=OidcInfo)
async def oidc_info(request: Request) -> OidcInfo:
    """Whether sign-in through OpenID Connect is offered, and the provider's name."""
    if provider_of(request) is None:
        return OidcInfo(configured=False)
    settings = request.app.state.settings
    return OidcInfo(configured=True, name=settings.oidc_name, login_url="/api/v1/auth/oidc/login")


@router.get(
    "/auth/oidc/login",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "To the provider's sign-in page"},
        400: _problem("`oidc_bad_next`: `next` is not a path of this site"),
        404: _problem("`oidc_not_configured`"),
        502: _problem("`oidc_provider_unreachable`"),
    },
)
async def oidc_login(
    request: Request,
    session: SessionDep,
    next: Annotated[str, Query(max_length=2000, description="A path of this site")] = "/console/",
) -> Response:
    """Start a sign-in at the provider (code flow, PKCE S256, state and nonce); come back to
    ``next`` (a path of this site) once signed in."""
    provider = _configured(request)
    next_path = oidc_service.safe_next(next)
    lifetime = _login_lifetime(request)
    try:
        started = await oidc_service.start_login(
            session, provider, _redirect_uri(request), next_path, request_language(request),
            lifetime,
        )  # fmt: skip
    except DomainError as failure:  # the provider is unreachable: said on the console
        return _failed(request, failure)
    response = RedirectResponse(started.url, status_code=303, headers=NO_STORE)
    response.set_cookie(
        LOGIN_COOKIE, started.cookie, max_age=int(lifetime.total_seconds()),
        path=LOGIN_COOKIE_PATH, secure=request.url.scheme == "https", httponly=True,
        samesite="lax",
    )  # fmt: skip
    return response


def _login_lifetime(request: Request) -> timedelta:
    return timedelta(minutes=request.app.state.settings.oidc_login_minutes)


@router.get(
    "/auth/oidc/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "Signed in: to `next` (a browser that failed: the console)"},
        400: _problem("`oidc_bad_state`, `oidc_access_denied`, `oidc_bad_id_token`..."),
        403: _problem("`oidc_blocked`"),
        404: _problem("`oidc_not_configured`"),
        409: _problem("`oidc_email_in_use`"),
        502: _problem("`oidc_provider_unreachable`"),
    },
)
async def oidc_callback(
    request: Request,
    session: SessionDep,
    state: Annotated[str | None, Query(max_length=2000)] = None,
    code: Annotated[str | None, Query(max_length=4000)] = None,
    error: Annotated[str | None, Query(max_length=2000)] = None,
    iss: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """The provider's answer: the ID token is verified, the user found or created, and the
    browser session opened. A failure goes back to the console with its reason when a browser
    asks (``Accept: text/html``), else it is a problem+json."""
    provider = _configured(request)
    answer = oidc_service.ProviderAnswer(state, code, error, iss)
    try:
        user, next_path = await oidc_service.finish_login(
            session, provider, _redirect_uri(request), request.cookies.get(LOGIN_COOKIE),
            answer, request_language(request),
        )  # fmt: skip
    except DomainError as failure:
        return _failed(request, failure)
    lifetime = sessions.session_lifetime(request)
    previous = request.cookies.get(SESSION_COOKIE)
    issued = await oidc_service.open_session(session, user, previous, lifetime)
    response = RedirectResponse(next_path, status_code=303, headers=NO_STORE)
    sessions.set_session_cookies(request, response, issued.secret, lifetime)
    _forget_login(request, response)
    return response


def _failed(request: Request, failure: DomainError) -> Response:
    """The failure as the console shows it, or as a problem+json. Returned, not raised: the
    sign-in stays used up (the transaction commits)."""
    if "text/html" in request.headers.get("accept", ""):
        query = urlencode({"oidc_error": failure.code})
        response: Response = RedirectResponse(f"{CONSOLE}?{query}", 303, headers=NO_STORE)
    else:
        status = next(s for cls, s in STATUS_BY_ERROR.items() if isinstance(failure, cls))
        language = request_language(request)
        response = problem_response(status, failure.code, language, failure.params, failure.extra)
    _forget_login(request, response)
    return response


def _forget_login(request: Request, response: Response) -> None:
    response.delete_cookie(
        LOGIN_COOKIE, path=LOGIN_COOKIE_PATH, secure=request.url.scheme == "https",
        httponly=True, samesite="lax",
    )  # fmt: skip
