"""Secrets the server makes for itself on first use and keeps in the database, so that every
process shares them: the key that signs unsubscribe links and the VAPID key pair."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import DomainError, register_status
from app.notifications.models import InstanceSecret

SIGNING_KEY = "unsubscribe_signing_key"


class InvalidUnsubscribeToken(DomainError):
    code = "unsubscribe_token_invalid"


register_status(InvalidUnsubscribeToken, 400)


async def instance_secret(session: AsyncSession, name: str, make: Callable[[], str]) -> str:
    """The secret ``name``, made by ``make`` the first time (the first writer wins a race)."""
    found = await session.scalar(select(InstanceSecret.value).where(InstanceSecret.name == name))
    if found is not None:
        return found
    statement = insert(InstanceSecret).values(name=name, value=make())
    await session.execute(statement.on_conflict_do_nothing(index_elements=[InstanceSecret.name]))
    value = await session.scalar(select(InstanceSecret.value).where(InstanceSecret.name == name))
    assert value is not None
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class UnsubscribeScope:
    """Whose e-mails stop: one person's, for one campaign or (no campaign) all of them."""

    user_id: uuid.UUID
    campaign_id: uuid.UUID | None


async def signing_key(session: AsyncSession) -> bytes:
    value = await instance_secret(session, SIGNING_KEY, lambda: _b64(secrets.token_bytes(32)))
    return _unb64(value)


def sign_unsubscribe(key: bytes, scope: UnsubscribeScope) -> str:
    """A token that needs no sign-in: it can only turn e-mails off, for its own scope."""
    claims = {"u": str(scope.user_id), "c": str(scope.campaign_id) if scope.campaign_id else None}
    body = _b64(orjson.dumps(claims))
    mac = hmac.new(key, b"unsubscribe." + body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify_unsubscribe(key: bytes, token: str) -> UnsubscribeScope:
    body, _, mac = token.partition(".")
    expected = hmac.new(key, b"unsubscribe." + body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(mac), expected):
            raise InvalidUnsubscribeToken()
        claims = orjson.loads(_unb64(body))
        campaign = uuid.UUID(claims["c"]) if claims["c"] else None
        return UnsubscribeScope(uuid.UUID(claims["u"]), campaign)
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as error:
        raise InvalidUnsubscribeToken() from error
