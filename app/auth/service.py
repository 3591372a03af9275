"""Accounts: named users with passwords, one-tap device accounts, bearer tokens."""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import repository
from app.auth.models import User
from app.auth.security import hash_password, new_token, token_digest, verify_password
from app.errors import Conflict, Unauthenticated

# Pseudonyms for device accounts: friendly, not identifying, easy to say aloud.
_PSEUDONYM_WORDS = (
    "Mésange", "Hirondelle", "Rougegorge", "Chouette", "Martinet", "Héron", "Loutre",
    "Renard", "Blaireau", "Hérisson", "Chêne", "Tilleul", "Platane", "Saule", "Érable",
    "Garonne", "Ariège", "Pyrène", "Cèdre", "Lavande",
)  # fmt: skip


def pseudonym() -> str:
    return f"{secrets.choice(_PSEUDONYM_WORDS)}-{secrets.randbelow(9000) + 1000}"


async def issue_token(session: AsyncSession, user: User, name: str = "api") -> str:
    """Create a token for ``user``; the clear token is returned once and never stored."""
    token = new_token()
    await repository.add_token(session, user.id, token_digest(token), name)
    return token


async def create_user(
    session: AsyncSession, username: str, password: str | None, is_admin: bool = False
) -> User:
    user = User(
        username=username,
        display_name=username,
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
    )
    try:
        async with session.begin_nested():
            await repository.add_user(session, user)
    except IntegrityError as error:
        raise Conflict("conflict_username", username=username) from error
    return user


async def create_device_account(session: AsyncSession, display_name: str | None) -> User:
    user = User(display_name=display_name or pseudonym(), is_device=True)
    return await repository.add_user(session, user)


async def login(session: AsyncSession, username: str, password: str) -> User:
    user = await repository.user_by_username(session, username)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        raise Unauthenticated("invalid_credentials")
    if user.blocked_at is not None:
        raise Unauthenticated("invalid_credentials")
    return user


async def authenticate(session: AsyncSession, token: str) -> User:
    user = await repository.user_by_token(session, token_digest(token))
    if user is None:
        raise Unauthenticated("invalid_token")
    return user
