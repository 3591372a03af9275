"""First run: while no administrator exists, each start of the server prints a one-time
link; opening it creates the first administrator in the browser."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import accounts_repository as repository
from app.auth import emails
from app.auth.models import User
from app.auth.security import hash_password
from app.auth.signup import Mailing, add_account, send_verification
from app.errors import Conflict
from app.notifications.service import Delivery

# Two setups racing (two tabs, two tokens of two starts) are serialised by this lock, so
# that only one of them creates the first administrator.
_SETUP_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('releve-first-run-setup'))")


async def issue_setup_token(session: AsyncSession) -> str | None:
    """A new setup token (earlier ones stop working), or None once an administrator exists."""
    await repository.drop_setup_tokens(session)
    if await repository.admin_exists(session):
        return None
    return await emails.new_token(session, None, "setup")


async def admin_exists(session: AsyncSession) -> bool:
    return await repository.admin_exists(session)


async def create_first_admin(
    session: AsyncSession, mailing: Mailing, secret: str, username: str, email: str, password: str
) -> tuple[User, Delivery]:
    """The first administrator, from the setup token (410 when used, expired or unknown;
    409 ``setup_done`` once an administrator exists)."""
    await session.execute(_SETUP_LOCK)
    if await repository.admin_exists(session):
        raise Conflict("setup_done")
    await emails.consume(session, secret, "setup")
    user = User(
        username=username,
        display_name=username,
        email=email,
        password_hash=hash_password(emails.checked_password(password, email)),
        is_admin=True,
        language=mailing.language,
    )
    await add_account(session, user)
    await repository.drop_setup_tokens(session)
    return user, await send_verification(session, mailing, user)


def setup_link(base_url: str, secret: str) -> str:
    return emails.link(base_url, "setup", secret)
