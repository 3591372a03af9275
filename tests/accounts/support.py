"""A real SMTP server for the account tests (aiosmtpd on a free loopback port) and helpers
that read what it received."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.live import free_port

SMTP_READY_TIMEOUT_S = 10
LINK = re.compile(r"https?://\S+")


@dataclass
class Mailbox:
    """Every message the SMTP server accepted, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def only_to(self, address: str) -> EmailMessage:
        received = self.to(address)
        assert len(received) == 1, [m["Subject"] for m in received]
        return received[0]


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, ready_timeout=SMTP_READY_TIMEOUT_S
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, mailbox)
    finally:
        controller.stop()


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    found = LINK.findall(body_of(message))
    assert found, body_of(message)
    return str(found[0])


def token_in(link: str, key: str) -> str:
    """The token a link carries in its fragment (``...#key=TOKEN``)."""
    _, _, fragment = link.partition("#")
    name, _, value = fragment.partition("=")
    assert name == key and value, link
    return value
