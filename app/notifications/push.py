"""Web Push (RFC 8030) with encrypted payloads (RFC 8291) and VAPID (RFC 8292): the server's
key pair, made on first use and kept in the database, and the sender."""

from __future__ import annotations

import asyncio
import base64
import email.utils
from dataclasses import dataclass
from typing import Literal

import orjson
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.notifications.models import PushSubscription
from app.notifications.secrets import instance_secret

VAPID_KEY = "vapid_private_key"
# How long a push service keeps a message for an offline browser (seconds).
PUSH_TTL_S = 24 * 3600
PUSH_TIMEOUT_S = 15.0
# The push service says the subscription no longer exists: drop it.
GONE_STATUSES = (404, 410)

PushOutcome = Literal["sent", "gone"]


def _new_private_pem() -> str:
    vapid = Vapid02()
    vapid.generate_keys()
    return str(vapid.private_pem().decode())


async def vapid_key(session: AsyncSession) -> Vapid02:
    """The server's VAPID key pair (made and stored the first time it is needed)."""
    pem = await instance_secret(session, VAPID_KEY, _new_private_pem)
    return Vapid02.from_pem(pem.encode())


def application_server_key(vapid: Vapid02) -> str:
    """The public key as browsers' ``pushManager.subscribe`` takes it (base64url, X9.62)."""
    raw = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_subject(settings: Settings) -> str:
    """Who the push services may contact: RELEVE_PUSH_CONTACT, else the sender address."""
    if settings.push_contact:
        return settings.push_contact
    _, address = email.utils.parseaddr(settings.smtp_from)
    return f"mailto:{address}" if address else "mailto:noreply@localhost"


@dataclass
class PushSender:
    vapid: Vapid02
    subject: str

    async def send(self, subscription: PushSubscription, message: dict[str, str]) -> PushOutcome:
        """Deliver ``message`` to one browser; raise on a failure worth retrying."""
        info = {"endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}  # fmt: skip
        try:
            await asyncio.to_thread(
                webpush, info, orjson.dumps(message).decode(), vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject}, ttl=PUSH_TTL_S, timeout=PUSH_TIMEOUT_S,
            )  # fmt: skip
        except WebPushException as error:
            if error.response is not None and error.response.status_code in GONE_STATUSES:
                return "gone"
            raise
        return "sent"
