"""Queueing an e-mail in the caller's transaction (the outbox): it is sent only if that
transaction commits."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.i18n import Language
from app.notifications import repository, templates
from app.notifications.models import OutgoingEmail

# What an API answer says of the e-mail it caused: sent by the worker, or only written to
# the server's log because no SMTP server is configured.
Delivery = Literal["queued", "logged"]


def delivery(settings: Settings) -> Delivery:
    return "queued" if settings.smtp_host else "logged"


async def queue_email(
    session: AsyncSession,
    settings: Settings,
    to_address: str,
    kind: str,
    language: Language,
    **params: object,
) -> Delivery:
    """Queue the ``kind`` template for ``to_address`` in ``language``."""
    text = templates.render(kind, language, params)
    email = OutgoingEmail(
        to_address=to_address, subject=text.subject, body=text.body, language=language
    )
    await repository.enqueue(session, email)
    return delivery(settings)
