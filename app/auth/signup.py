"""Self sign-up with an e-mail address, its verification, password reset, e-mail change.

Every e-mail is queued in the request's transaction (app/notifications); a link carries a
single-use token of which only the digest is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import accounts_repository as repository
from app.auth import emails
from app.auth.models import User
from app.auth.names import checked_display_name
from app.auth.security import hash_password, verify_password
from app.config import Settings
from app.errors import Conflict, FieldError, ValidationFailed
from app.i18n import Language
from app.notifications.service import Delivery, queue_email


@dataclass(frozen=True, slots=True)
class Mailing:
    """Where links point and in which language e-mails go when the user has none."""

    settings: Settings
    base_url: str
    language: Language

    def language_of(self, user: User) -> Language:
        return "fr" if user.language == "fr" else "en" if user.language else self.language


async def add_account(session: AsyncSession, user: User) -> User:
    """Insert ``user``; 409 ``email_taken`` when another account has the address."""
    try:
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as error:
        if user.email and await repository.user_by_email(session, user.email):
            raise Conflict("email_taken") from error
        raise Conflict("conflict_username", username=user.username) from error
    return user


async def sign_up(
    session: AsyncSession, mailing: Mailing, email: str, password: str, display_name: str
) -> tuple[User, Delivery]:
    """A new contributor, unverified, and the verification e-mail queued."""
    user = User(
        display_name=checked_display_name(display_name),
        email=email,
        password_hash=hash_password(emails.checked_password(password, email)),
        language=mailing.language,
    )
    await add_account(session, user)
    return user, await send_verification(session, mailing, user)


async def send_verification(session: AsyncSession, mailing: Mailing, user: User) -> Delivery:
    assert user.email is not None
    secret = await emails.new_token(session, user.id, "verify", user.email)
    return await queue_email(
        session, mailing.settings, user.email, "verify_email", mailing.language_of(user),
        name=user.display_name, email=user.email, hours=emails.hours("verify"),
        link=emails.link(mailing.base_url, "verify", secret),
    )  # fmt: skip


async def verify(session: AsyncSession, secret: str) -> User:
    """Follow a verification or e-mail change link: the address is now the user's, verified."""
    row = await emails.consume(session, secret, "verify", "email_change")
    user = await session.get(User, row.user_id)
    if user is None or row.email is None:
        raise emails.Gone()
    if row.purpose == "verify" and (user.email or "").casefold() != row.email.casefold():
        raise emails.Gone()  # the address changed since this link was sent
    if row.purpose == "email_change":
        await repository.retire_tokens(session, user.id, "verify")
        other = await repository.user_by_email(session, row.email)
        if other is not None and other.id != user.id:
            raise Conflict("email_taken")
        user.email = row.email
    user.email_verified_at = datetime.now(UTC)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as error:  # another account took the address meanwhile
        raise Conflict("email_taken") from error
    return user


async def request_reset(session: AsyncSession, mailing: Mailing, email: str) -> None:
    """Queue a reset link when an active account has this address; say nothing either way."""
    user = await repository.user_by_email(session, email)
    if user is None or user.blocked_at is not None or user.is_device or user.email is None:
        return
    await repository.retire_tokens(session, user.id, "reset")
    secret = await emails.new_token(session, user.id, "reset", user.email)
    await queue_email(
        session, mailing.settings, user.email, "password_reset", mailing.language_of(user),
        name=user.display_name, hours=emails.hours("reset"),
        link=emails.link(mailing.base_url, "reset", secret),
    )  # fmt: skip


async def confirm_reset(session: AsyncSession, secret: str, password: str) -> User:
    """Set the new password; every bearer token of the user is revoked."""
    row = await emails.consume(session, secret, "reset")
    user = await session.get(User, row.user_id)
    if user is None or user.blocked_at is not None:
        raise emails.Gone()
    user.password_hash = hash_password(emails.checked_password(password, user.email))
    if user.email and row.email and user.email.casefold() == row.email.casefold():
        user.email_verified_at = user.email_verified_at or datetime.now(UTC)
    await repository.retire_tokens(session, user.id, "reset")
    await repository.revoke_api_tokens(session, user.id, datetime.now(UTC))
    await session.flush()
    return user


async def change_email(
    session: AsyncSession, mailing: Mailing, user: User, email: str, password: str
) -> Delivery:
    """Send a link to the new address (the change happens when it is followed) and a notice
    to the current one."""
    if not verify_password(password, user.password_hash):
        raise ValidationFailed([FieldError("/password", "wrong_password")])
    other = await repository.user_by_email(session, email)
    if other is not None and other.id != user.id:
        raise Conflict("email_taken")
    await repository.retire_tokens(session, user.id, "email_change")
    secret = await emails.new_token(session, user.id, "email_change", email)
    language = mailing.language_of(user)
    delivery = await queue_email(
        session, mailing.settings, email, "email_change", language, name=user.display_name,
        email=email, hours=emails.hours("email_change"),
        link=emails.link(mailing.base_url, "email_change", secret),
    )  # fmt: skip
    if user.email:
        await queue_email(
            session, mailing.settings, user.email, "email_change_notice", language,
            name=user.display_name, email=email, link=f"{mailing.base_url.rstrip('/')}/account",
        )  # fmt: skip
    return delivery
