"""Browser sessions: sign in (a cookie) and sign out. See ``app.auth.sessions``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.auth import service, sessions
from app.auth.deps import OptionalCredentials
from app.auth.ratelimit import SignInAttempt
from app.auth.schemas import SessionOut, TokenRequest, UserOut
from app.auth.security import BROWSER_TOKEN_NAME, SESSION_COOKIE, csrf_token_for
from app.db.session import SessionDep
from app.web import json_response

router = APIRouter(tags=["accounts"])


def _problem(description: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"type": {"type": "string"}}}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


@router.post(
    "/auth/session",
    response_model=SessionOut,
    responses={
        401: _problem("`invalid_credentials`"),
        403: _problem("`csrf_failed`: sent from another site"),
        429: _problem("Too many failed sign-ins: wait `Retry-After` seconds"),
    },
)
async def sign_in(
    body: TokenRequest,
    request: Request,
    session: SessionDep,
    _: Annotated[None, Depends(sessions.refuse_cross_origin)],
    attempt: SignInAttempt,
) -> Response:
    """Sign in from a browser: sets the HttpOnly session cookie and the readable CSRF cookie.
    A sign-in another site sends is refused before it is counted. Failed attempts are limited
    exactly as for POST /auth/token (the same counters). The session this browser had before
    (its cookie) is revoked: signing in again does not pile up sessions."""
    user = await service.login(session, body.username, body.password, attempt)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        await service.revoke_browser_session(session, previous)
    lifetime = sessions.session_lifetime(request)
    issued = await service.issue(session, user, BROWSER_TOKEN_NAME, lifetime)
    out = SessionOut(
        expires_at=issued.row.expires_at,
        csrf_token=csrf_token_for(issued.secret),
        user=UserOut.model_validate(user),
    )
    response = json_response(out.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
    sessions.set_session_cookies(request, response, issued.secret, lifetime)
    return response


@router.delete("/auth/session", status_code=204, responses={403: _problem("`csrf_failed`")})
async def sign_out(request: Request, session: SessionDep, caller: OptionalCredentials) -> Response:
    """Sign out: the session the cookie names is revoked and both cookies are cleared. A
    bearer token sent here is left alone (POST /auth/logout revokes it)."""
    if caller is not None and caller.by_cookie:
        await service.logout(session, caller)
    response = Response(status_code=204)
    sessions.clear_session_cookies(request, response)
    return response
