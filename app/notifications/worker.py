"""Sending queued e-mails: claim due messages (leased, SKIP LOCKED), send them with no
transaction open, record the result. Delivery is at least once (a process dying mid-send
leaves the lease to expire); the Message-ID stays the same for a resend.

Retries after a failure: 1, 2, 4, 8, 16, 32 and 60 min, then every 2 h; after
``MAX_ATTEMPTS`` the message is marked failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from app.db.session import Database
from app.notifications import repository
from app.notifications.models import OutgoingEmail
from app.notifications.repository import SendResult
from app.notifications.sender import Sender

logger = logging.getLogger(__name__)

RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 120))
MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)
BATCH_SIZE = 20
POLL_SECONDS = 5.0
STOP_SECONDS = 30.0


def retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


async def _attempt(sender: Sender, email: OutgoingEmail, now: datetime) -> SendResult:
    try:
        await sender.send(email)
    except Exception as error:  # SMTP refusals, timeouts, connection errors: retry later
        logger.warning("e-mail %s not sent (attempt %s): %r", email.id, email.attempts, error)
        status = "failed" if email.attempts >= MAX_ATTEMPTS else "pending"
        return SendResult(email.id, status, now + retry_delay(email.attempts), type(error).__name__)
    return SendResult(email.id, sender.status, now, None)


async def deliver_due(database: Database, sender: Sender, now: datetime | None = None) -> int:
    """Attempt every message due at ``now`` (default: the clock); returns the attempts made."""
    attempts = 0
    while True:
        moment = now or datetime.now(UTC)
        async with database.session() as session:
            batch = await repository.claim_due(session, moment, moment + LEASE, BATCH_SIZE)
            await session.commit()
        if not batch:
            return attempts
        results = [await _attempt(sender, email, moment) for email in batch]
        async with database.session() as session:
            await repository.record(session, results, moment)
            await session.commit()
        attempts += len(batch)


class EmailWorker:
    """A background task that sends due e-mails every few seconds until stopped."""

    def __init__(self, database: Database, sender: Sender, poll_seconds: float = POLL_SECONDS):
        self.database = database
        self.sender = sender
        self.poll_seconds = poll_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    name = "releve-email-worker"

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def _round(self) -> None:
        await deliver_due(self.database, self.sender)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, timeout=STOP_SECONDS)
        except TimeoutError:
            logger.warning("%s did not stop in time; cancelled", self.name)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._round()
            except Exception:  # the database may be away for a while: keep the worker
                logger.exception("%s round failed", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)


def start_email_worker(
    database: Database, sender: Sender, poll_seconds: float = POLL_SECONDS
) -> EmailWorker:
    worker = EmailWorker(database, sender, poll_seconds)
    worker.start()
    return worker
