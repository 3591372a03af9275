"""SQL of sign-in through OpenID Connect: identities, and sign-ins under way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.oidc_models import OidcLogin, UserIdentity


async def add_login(session: AsyncSession, login: OidcLogin) -> None:
    session.add(login)
    await session.flush()


async def drop_expired_logins(session: AsyncSession) -> None:
    """Sign-ins abandoned at the provider: their rows go at the next sign-in (indexed)."""
    await session.execute(delete(OidcLogin).where(OidcLogin.expires_at <= func.now()))


async def take_login(session: AsyncSession, cookie_hash: bytes) -> OidcLogin | None:
    """The sign-in of this cookie, deleted as it is read (one use), if it has not expired.
    One DELETE: of two callbacks racing with the same cookie, only one gets it."""
    result = await session.execute(
        delete(OidcLogin)
        .where(OidcLogin.cookie_hash == cookie_hash, OidcLogin.expires_at > func.now())
        .returning(OidcLogin)
    )
    return result.scalar_one_or_none()


async def user_of_identity(session: AsyncSession, issuer: str, subject: str) -> User | None:
    query = (
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    )
    return await session.scalar(query)


async def add_identity(session: AsyncSession, identity: UserIdentity) -> None:
    session.add(identity)
    await session.flush()


async def note_login(
    session: AsyncSession, issuer: str, subject: str, email: str | None, when: datetime
) -> None:
    await session.execute(
        update(UserIdentity)
        .where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
        .values(last_login_at=when, email=email)
    )
