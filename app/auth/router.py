from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from starlette.responses import Response

from app.auth import account, service
from app.auth.deps import AdminUser, CurrentUser
from app.auth.ratelimit import RateLimit
from app.auth.schemas import DeviceRequest, PreferencesIn, TokenOut, TokenRequest, UserOut
from app.db.session import SessionDep
from app.web import json_response

router = APIRouter(tags=["accounts"])


@router.post("/auth/token", response_model=TokenOut)
async def create_token(body: TokenRequest, session: SessionDep) -> TokenOut:
    """Exchange a user name and password for a bearer token."""
    user = await service.login(session, body.username, body.password)
    token = await service.issue_token(session, user, name="login")
    return TokenOut(access_token=token, user=UserOut.model_validate(user))


@router.post("/auth/device", response_model=TokenOut, status_code=status.HTTP_201_CREATED)
async def create_device_account(
    session: SessionDep, _: RateLimit, body: DeviceRequest | None = None
) -> TokenOut:
    """One tap: a pseudonymous contributor account (no e-mail, no password) and its token."""
    user = await service.create_device_account(session, body.display_name if body else None)
    token = await service.issue_token(session, user, name="device")
    return TokenOut(access_token=token, user=UserOut.model_validate(user))


@router.get("/me", response_model=UserOut)
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.patch("/me", response_model=UserOut)
async def update_me(body: PreferencesIn, session: SessionDep, user: CurrentUser) -> UserOut:
    """Change your pseudonym and your opt-ins (named in open data, listed on leaderboards)."""
    changes = body.model_dump(exclude_unset=True)
    return UserOut.model_validate(await account.update_preferences(session, user, changes))


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
