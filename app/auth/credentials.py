"""A device account gets an e-mail address and a password, and so becomes an ordinary
account: the same row, so its observations, timeline and read marks, memberships and tokens
all stay; it can then sign in with the address and password anywhere (the console too), and
reset its password by e-mail. Its recovery code dies: the address is its way back now."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import accounts_repository, emails, signup
from app.auth import recovery_repository as repository
from app.auth.models import User
from app.auth.security import hash_password
from app.auth.signup import Mailing
from app.errors import Conflict
from app.notifications.service import Delivery


async def add_credentials(
    session: AsyncSession, mailing: Mailing, user: User, email: str, password: str
) -> Delivery:
    """Give the device account this address (unverified: a link is e-mailed) and password;
    409 ``email_taken`` exactly as sign-up says it, and nothing more about the other account."""
    if not user.is_device:
        raise Conflict("credentials_exist")
    password_hash = hash_password(emails.checked_password(password, email))
    other = await accounts_repository.user_by_email(session, email)
    if other is not None and other.id != user.id:
        raise Conflict("email_taken")
    user.email, user.email_verified_at = email, None
    user.password_hash, user.is_device = password_hash, False
    user.language = user.language or mailing.language
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as error:  # another account took the address meanwhile
        raise Conflict("email_taken") from error
    await repository.drop_code(session, user.id)
    return await signup.send_verification(session, mailing, user)
