"""Sign-in through OpenID Connect: start a sign-in, and finish it into a user of this app.

A provider's account is known by (issuer, subject) in ``user_identities``. At its first sign-in
it is linked to an existing account by e-mail only when both sides vouch for the address: the
provider says ``email_verified`` and the account here verified it too (otherwise whoever
registered an address without proving it could take over the account of its owner). An
address held by an account that cannot be linked is refused (409), never shared. Otherwise a
new named account is made (no user name, no password: it signs in through the provider).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import accounts_repository, oidc_repository, repository, service
from app.auth.models import User
from app.auth.names import checked_display_name
from app.auth.oidc_client import (
    OidcProvider,
    OidcRefused,
    ProviderAccount,
    authorization_url,
    exchange_code,
)
from app.auth.oidc_models import OidcLogin, UserIdentity
from app.auth.security import BROWSER_TOKEN_NAME, token_digest
from app.errors import BadRequest, Conflict, Forbidden, ValidationFailed

DEFAULT_NEXT = "/console/"
MAX_NEXT_LENGTH = 2000


@dataclass(frozen=True, slots=True)
class LoginStarted:
    """Where to send the browser, and the secret its cookie keeps until the provider answers."""

    url: str
    cookie: str


@dataclass(frozen=True, slots=True)
class ProviderAnswer:
    """The query of the callback: a code and the state, or an error."""

    state: str | None
    code: str | None
    error: str | None
    # RFC 9207: the provider names itself, so an answer of another provider is not taken.
    issuer: str | None = None


def safe_next(value: str | None) -> str:
    """``next`` when it is a path of this site, else 400 ``oidc_bad_next`` (no open redirect:
    ``//other.example``, ``/\\other.example``, ``https://...`` and control characters are
    refused; browsers read a backslash as a slash)."""
    if value is None or value == "":
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)
        or parts.scheme
        or parts.netloc
        or len(value) > MAX_NEXT_LENGTH
    ):
        raise BadRequest("oidc_bad_next", next=value[:200])
    return value


async def start_login(
    session: AsyncSession,
    provider: OidcProvider,
    redirect_uri: str,
    next_path: str,
    locale: str,
    lifetime: timedelta,
) -> LoginStarted:
    """Record a new sign-in (state, nonce, PKCE verifier) and build the provider's URL."""
    await provider.load_metadata()
    cookie = secrets.token_urlsafe(32)
    login = OidcLogin(
        cookie_hash=token_digest(cookie),
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        next_path=next_path,
        expires_at=datetime.now(UTC) + lifetime,
    )
    await oidc_repository.drop_expired_logins(session)
    await oidc_repository.add_login(session, login)
    url = authorization_url(
        provider, redirect_uri, login.state, login.nonce, login.code_verifier, locale
    )
    return LoginStarted(url, cookie)


async def finish_login(
    session: AsyncSession,
    provider: OidcProvider,
    redirect_uri: str,
    cookie: str | None,
    answer: ProviderAnswer,
    language: str,
) -> tuple[User, str]:
    """The user the provider's answer signs in, and where to go next. The sign-in is used up
    whatever the outcome; it must come back to the browser that started it, with its state."""
    login = await oidc_repository.take_login(session, token_digest(cookie)) if cookie else None
    if answer.error:
        code = "oidc_access_denied" if answer.error == "access_denied" else "oidc_provider_error"
        raise OidcRefused(code, error=answer.error[:100])
    if login is None or not hmac.compare_digest(
        (answer.state or "").encode(), login.state.encode()
    ):
        raise OidcRefused("oidc_bad_state")
    if answer.issuer is not None and answer.issuer.rstrip("/") != provider.issuer:
        raise OidcRefused("oidc_bad_id_token", reason="the answer names another issuer")
    if not answer.code:
        raise OidcRefused("oidc_no_code")
    account = await exchange_code(
        provider, redirect_uri, answer.code, login.code_verifier, login.nonce
    )
    return await user_for(session, account, language), login.next_path


async def user_for(session: AsyncSession, account: ProviderAccount, language: str) -> User:
    """The user of this provider account, linked or created at its first sign-in; 403
    ``oidc_blocked`` for a blocked user."""
    user = await oidc_repository.user_of_identity(session, account.issuer, account.subject)
    if user is None:
        user = await _first_sign_in(session, account, language)
    if user.blocked_at is not None:
        raise Forbidden("oidc_blocked")
    await oidc_repository.note_login(
        session, account.issuer, account.subject, account.email, datetime.now(UTC)
    )
    return user


async def _first_sign_in(session: AsyncSession, account: ProviderAccount, language: str) -> User:
    existing = None
    if account.email:
        existing = await accounts_repository.user_by_email(session, account.email)
    if existing is not None and not (account.email_verified and existing.email_verified):
        raise Conflict("oidc_email_in_use", email=account.email)
    if existing is not None and existing.blocked_at is not None:
        raise Forbidden("oidc_blocked")
    try:
        async with session.begin_nested():
            user = existing or await repository.add_user(session, _new_user(account, language))
            identity = UserIdentity(
                user_id=user.id, issuer=account.issuer, subject=account.subject,
                email=account.email,
            )  # fmt: skip
            await oidc_repository.add_identity(session, identity)
    except IntegrityError as error:
        # Another callback of the same account (or address) got there first.
        found = await oidc_repository.user_of_identity(session, account.issuer, account.subject)
        if found is None:
            raise Conflict("oidc_email_in_use", email=account.email) from error
        return found
    return user


def _new_user(account: ProviderAccount, language: str) -> User:
    verified = account.email if account.email_verified else None
    return User(
        username=None,
        display_name=_display_name(account),
        email=verified,
        email_verified_at=datetime.now(UTC) if verified else None,
        language=language,
    )


def _display_name(account: ProviderAccount) -> str:
    """The provider's name for the person, when it is an acceptable display name here."""
    wanted = account.name or (account.email.split("@")[0] if account.email else None)
    if wanted:
        try:
            return checked_display_name(wanted)
        except ValidationFailed:
            pass
    return service.pseudonym()


async def open_session(
    session: AsyncSession, user: User, previous: str | None, lifetime: timedelta
) -> service.IssuedToken:
    """A browser session, as POST /auth/session opens it (the previous one is revoked)."""
    if previous:
        await service.revoke_browser_session(session, previous)
    return await service.issue(session, user, BROWSER_TOKEN_NAME, lifetime)
