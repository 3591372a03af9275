"""Sending one e-mail: through SMTP when ``RELEVE_SMTP_HOST`` is set, else to the log (so a
first run without a mail server still shows the links it would have sent)."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from app.config import Settings
from app.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)
# A whole exchange with the SMTP server (connect, STARTTLS, login, send) has this long.
SMTP_TIMEOUT_S = 20.0


class Sender(Protocol):
    status: str

    async def send(self, email: OutgoingEmail) -> None:
        """Deliver ``email``; raise on failure (the worker retries)."""


def message_of(email: OutgoingEmail, sender_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Content-Language"] = email.language
    # The outbox id makes the Message-ID stable, so a resend after a lost lease is one message.
    message["Message-ID"] = make_msgid(idstring=f"releve-{email.id}")
    for name, value in (email.headers or {}).items():
        message[name] = value
    message.set_content(email.body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
    return message


@dataclass
class LogSender:
    """No SMTP server configured: the message, with its link, goes to the log."""

    status: str = "logged"

    async def send(self, email: OutgoingEmail) -> None:
        logger.warning(
            "E-mail not sent (no RELEVE_SMTP_HOST): to %s, subject %r:\n%s",
            email.to_address, email.subject, email.body,
        )  # fmt: skip


@dataclass
class SmtpSender:
    host: str
    port: int
    sender_address: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    status: str = "sent"

    async def send(self, email: OutgoingEmail) -> None:
        await asyncio.to_thread(self._send, message_of(email, self.sender_address))

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_S) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def sender_for(settings: Settings) -> Sender:
    if not settings.smtp_host:
        return LogSender()
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpSender(
        settings.smtp_host, settings.smtp_port, settings.smtp_from,
        settings.smtp_username, password, settings.smtp_starttls,
    )  # fmt: skip
