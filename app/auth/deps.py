"""Who is calling: ``OptionalUser``, ``CurrentUser`` and ``AdminUser`` dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth import service
from app.auth.models import User
from app.db.session import SessionDep
from app.errors import Forbidden, Unauthenticated


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("invalid_token")
    return token.strip()


async def optional_user(request: Request, session: SessionDep) -> User | None:
    token = bearer_token(request)
    return await service.authenticate(session, token) if token else None


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthenticated()
    return user


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden(action="administer")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
