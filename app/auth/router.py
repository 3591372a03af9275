from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, status
from starlette.responses import Response

from app.auth import account, service, sessions
from app.auth.deps import AdminUser, CurrentCredentials, CurrentUser
from app.auth.device_router import router as device_router
from app.auth.oidc_router import router as oidc_router
from app.auth.ratelimit import DeviceAccountLimit, RateLimit, SignInAttempt
from app.auth.schemas import (
    DeviceRequest,
    PreferencesIn,
    TokenInfo,
    TokenList,
    TokenOut,
    TokenRequest,
    UserOut,
)
from app.auth.security import BROWSER_TOKEN_NAME
from app.auth.service import IssuedToken
from app.auth.sessions_router import router as sessions_router
from app.db.session import SessionDep
from app.web import json_response

router = APIRouter(tags=["accounts"])
router.include_router(sessions_router)
router.include_router(oidc_router)
router.include_router(device_router)


def _problem(description: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"type": {"type": "string"}}}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


Responses = dict[int | str, dict[str, Any]]
UNAUTHORISED: Responses = {
    401: _problem("No token, or `invalid_token` (unknown, revoked) or `token_expired`")
}
INVALID: Responses = {422: _problem("A member of the body is invalid; `errors` names each one")}
LIMITED: Responses = {429: _problem("Too many attempts: wait `Retry-After` seconds")}


def _lifetime(request: Request) -> timedelta:
    return timedelta(days=request.app.state.settings.token_lifetime_days)


def _token_out(issued: IssuedToken, user: Any) -> TokenOut:
    return TokenOut(
        access_token=issued.secret,
        expires_at=issued.row.expires_at,
        user=UserOut.model_validate(user),
    )


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses={401: _problem("`invalid_credentials`"), **INVALID, **LIMITED},
)
async def create_token(
    body: TokenRequest, request: Request, session: SessionDep, attempt: SignInAttempt
) -> TokenOut:
    """Exchange a user name (or e-mail address) and password for a bearer token. Failed
    attempts are limited per account and per client address (429 with Retry-After, before
    any password check)."""
    user = await service.login(session, body.username, body.password, attempt)
    issued = await service.issue(session, user, "login", _lifetime(request))
    return _token_out(issued, user)


@router.post(
    "/auth/device",
    response_model=TokenOut,
    status_code=status.HTTP_201_CREATED,
    responses={**INVALID, **LIMITED},
)
async def create_device_account(
    request: Request,
    session: SessionDep,
    _: RateLimit,
    __: DeviceAccountLimit,
    body: DeviceRequest | None = None,
) -> TokenOut:
    """One tap: a pseudonymous contributor account (no e-mail, no password) and its token.
    Each client address may create a limited number an hour."""
    user = await service.create_device_account(session, body.display_name if body else None)
    issued = await service.issue(session, user, "device", _lifetime(request))
    return _token_out(issued, user)


@router.post("/auth/token/renew", response_model=TokenOut, responses={**UNAUTHORISED, **LIMITED})
async def renew_token(
    request: Request, session: SessionDep, caller: CurrentCredentials, _: RateLimit
) -> TokenOut:
    """A new token for the one sent, which is revoked. An expired token cannot renew."""
    issued = await service.renew(session, caller, _lifetime(request))
    return _token_out(issued, caller.user)


@router.post("/auth/logout", status_code=204, responses=UNAUTHORISED)
async def logout(session: SessionDep, caller: CurrentCredentials) -> Response:
    """Revoke the token this request is sent with."""
    await service.logout(session, caller)
    return Response(status_code=204)


@router.get("/me", response_model=UserOut, responses=UNAUTHORISED)
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut, responses={**UNAUTHORISED, **INVALID})
async def update_me(body: PreferencesIn, session: SessionDep, user: CurrentUser) -> UserOut:
    """Change your pseudonym and your opt-ins (named in open data, listed on leaderboards)."""
    changes = body.model_dump(exclude_unset=True)
    return UserOut.model_validate(await account.update_preferences(session, user, changes))


@router.get("/me/tokens", response_model=TokenList, responses=UNAUTHORISED)
async def my_tokens(session: SessionDep, caller: CurrentCredentials) -> TokenList:
    """Your tokens and browser sessions that still work (neither revoked nor expired), newest
    first; ``kind`` tells them apart and ``current`` marks the one this request came with."""
    rows = await service.tokens_of(session, caller.user)
    return TokenList(
        tokens=[
            TokenInfo.model_validate({**_columns(row), "current": row.id == caller.token.id})
            for row in rows
        ]
    )


def _columns(row: Any) -> dict[str, Any]:
    names = ("id", "name", "created_at", "last_used_at", "expires_at")
    kind = "browser_session" if row.name == BROWSER_TOKEN_NAME else "api_token"
    return {"kind": kind, **{name: getattr(row, name) for name in names}}


@router.delete(
    "/me/tokens/{token_id}",
    status_code=204,
    responses={**UNAUTHORISED, 404: _problem("`token_not_found`: not one of your live tokens")},
)
async def revoke_my_token(
    token_id: uuid.UUID, request: Request, session: SessionDep, caller: CurrentCredentials
) -> Response:
    """Revoke one of your tokens or sessions (it stops working at once); revoking the browser
    session this request came with also signs it out (its cookies are cleared)."""
    await service.revoke(session, caller.user, token_id)
    response = Response(status_code=204)
    if caller.by_cookie and caller.token.id == token_id:
        sessions.clear_session_cookies(request, response)
    return response


@router.get("/me/export")
async def export_me(session: SessionDep, user: CurrentUser) -> Response:
    """Everything about you, as one JSON document."""
    content = await account.export(session, user)
    headers = {"Content-Disposition": 'attachment; filename="releve-my-data.json"'}
    return json_response(content, headers=headers)


@router.delete("/me")
async def delete_me(session: SessionDep, user: CurrentUser) -> dict[str, int]:
    """Delete your account; your observations stay, attributed to nobody."""
    return {"observations_kept_anonymously": await account.delete_account(session, user)}


@router.post("/admin/users/{user_id}/block", response_model=UserOut)
async def block_user(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> UserOut:
    """Block an account: its tokens stop working at once."""
    return UserOut.model_validate(await account.set_blocked(session, admin, user_id, True))


@router.post("/admin/users/{user_id}/unblock", response_model=UserOut)
async def unblock_user(user_id: uuid.UUID, session: SessionDep, admin: AdminUser) -> UserOut:
    return UserOut.model_validate(await account.set_blocked(session, admin, user_id, False))
