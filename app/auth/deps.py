"""Who is calling: ``OptionalUser``, ``CurrentUser``, ``AdminUser`` and ``CurrentCredentials``
(the user and the token they called with) dependency aliases.

A request authenticates with ``Authorization: Bearer`` (the API, the field app) or, when it
sends none, with the browser session cookie (the console), whose writes are CSRF-checked
(see ``app.auth.sessions``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth import service, sessions
from app.auth.models import User
from app.auth.service import Credentials
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


async def optional_credentials(request: Request, session: SessionDep) -> Credentials | None:
    token = bearer_token(request)
    if token:
        return await service.authenticate(session, token)
    return await sessions.cookie_credentials(request, session)


async def current_credentials(
    credentials: Annotated[Credentials | None, Depends(optional_credentials)],
) -> Credentials:
    if credentials is None:
        raise Unauthenticated()
    return credentials


async def optional_user(
    credentials: Annotated[Credentials | None, Depends(optional_credentials)],
) -> User | None:
    return credentials.user if credentials else None


async def current_user(credentials: Annotated[Credentials, Depends(current_credentials)]) -> User:
    return credentials.user


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden(action="administer")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
CurrentCredentials = Annotated[Credentials, Depends(current_credentials)]
OptionalCredentials = Annotated[Credentials | None, Depends(optional_credentials)]
