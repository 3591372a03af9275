from __future__ import annotations

from fastapi import APIRouter, status

from app.auth import service
from app.auth.deps import CurrentUser
from app.auth.schemas import DeviceRequest, TokenOut, TokenRequest, UserOut
from app.db.session import SessionDep

router = APIRouter(tags=["accounts"])


@router.post("/auth/token", response_model=TokenOut)
async def create_token(body: TokenRequest, session: SessionDep) -> TokenOut:
    """Exchange a user name and password for a bearer token."""
    user = await service.login(session, body.username, body.password)
    token = await service.issue_token(session, user, name="login")
    return TokenOut(access_token=token, user=UserOut.model_validate(user))


@router.post("/auth/device", response_model=TokenOut, status_code=status.HTTP_201_CREATED)
async def create_device_account(session: SessionDep, body: DeviceRequest | None = None) -> TokenOut:
    """One tap: a pseudonymous contributor account (no e-mail, no password) and its token."""
    user = await service.create_device_account(session, body.display_name if body else None)
    token = await service.issue_token(session, user, name="device")
    return TokenOut(access_token=token, user=UserOut.model_validate(user))


@router.get("/me", response_model=UserOut)
async def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)
