"""Sending queued webhook events: claim due deliveries, POST them, record what happened.

Several app processes share the outbox: a delivery is claimed with ``FOR UPDATE SKIP LOCKED`` and
leased for a few minutes in a short transaction, then sent with no transaction open. A process
that dies mid-send leaves the lease to expire and the event is sent again: delivery is at least
once, so receivers deduplicate on the event ``id``. Events of one observation are sent to a
webhook in order; a failing event holds back the later ones of the same observation only.

Retry schedule after a failure (non-2xx, timeout, connection error): 30 s, 1, 2, 4, 8, 16 and
32 min, 1, 2, 4 and 8 h, then every 12 h; the first failure that comes 24 h or more after the
event was queued marks the delivery failed (13 attempts over about 28 h).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

from app import __version__
from app.db.session import Database
from app.sync import repository
from app.sync.repository import AttemptResult, ClaimedDelivery
from app.sync.webhooks import SIGNATURE_HEADER, sign

logger = logging.getLogger(__name__)

RETRY_DELAYS = tuple(
    timedelta(minutes=minutes) for minutes in (0.5, 1, 2, 4, 8, 16, 32, 60, 120, 240, 480, 720)
)
GIVE_UP_AFTER = timedelta(hours=24)
# Longer than a send can take (TIMEOUT), so a lease never expires while its send is running.
LEASE = timedelta(minutes=5)
TIMEOUT = httpx.Timeout(10.0)
BATCH_SIZE = 20
POLL_SECONDS = 5.0
STOP_SECONDS = 20.0


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1-based)."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _result(
    delivery: ClaimedDelivery, status: int | None, error: str | None, now: datetime
) -> AttemptResult:
    if error is None:
        return AttemptResult(delivery.id, "delivered", now, status, None, now)
    if now - delivery.created_at >= GIVE_UP_AFTER:
        return AttemptResult(delivery.id, "failed", now, status, error, None)
    next_attempt = now + retry_delay(delivery.attempts + 1)
    return AttemptResult(delivery.id, "pending", next_attempt, status, error, None)


async def _send(
    client: httpx.AsyncClient, delivery: ClaimedDelivery
) -> tuple[int | None, str | None]:
    """POST one event; (HTTP status, error or None when the receiver accepted it)."""
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Releve-Webhooks/{__version__}",
        SIGNATURE_HEADER: sign(delivery.secret, body),
        "X-Releve-Event": delivery.event_kind,
        "X-Releve-Delivery": str(delivery.id),
    }
    try:
        response = await client.post(delivery.url, content=body, headers=headers)
    except httpx.TimeoutException:
        return None, "timeout"
    except httpx.HTTPError as error:  # connection refused, DNS, TLS...
        return None, f"{type(error).__name__}: {error}"[:500]
    if response.is_success:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


async def _claim(database: Database, now: datetime) -> list[ClaimedDelivery]:
    async with database.session() as session:
        batch = await repository.claim_due(session, now, now + LEASE, BATCH_SIZE)
        await session.commit()
    return batch


async def _record(database: Database, results: Sequence[AttemptResult]) -> None:
    async with database.session() as session:
        await repository.record_attempts(session, results)
        await session.commit()


async def _deliver_batches(
    database: Database, now: datetime | None, client: httpx.AsyncClient
) -> int:
    attempts = 0
    # Each round ends with every claimed delivery delivered or due later than ``now``, so
    # the loop stops; it goes on while a delivery unblocks the next event of its observation.
    while batch := await _claim(database, now or datetime.now(UTC)):
        sent = await asyncio.gather(*(_send(client, delivery) for delivery in batch))
        moment = now or datetime.now(UTC)
        await _record(
            database,
            [
                _result(d, status, error, moment)
                for d, (status, error) in zip(batch, sent, strict=True)
            ],
        )
        attempts += len(batch)
    return attempts


async def deliver_due(
    database: Database, now: datetime | None = None, client: httpx.AsyncClient | None = None
) -> int:
    """Attempt every delivery due at ``now`` (default: the clock); returns the attempts made.

    Tests pass a later ``now`` to step through the retry schedule without waiting.
    """
    if client is not None:
        return await _deliver_batches(database, now, client)
    async with httpx.AsyncClient(timeout=TIMEOUT) as own_client:
        return await _deliver_batches(database, now, own_client)


class WebhookWorker:
    """A background task that delivers due events every few seconds until stopped."""

    def __init__(self, database: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self.database = database
        self.poll_seconds = poll_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="releve-webhook-worker")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Let the round in progress finish (sends are bounded by TIMEOUT), then end."""
        self._stopping.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, timeout=STOP_SECONDS)
        except TimeoutError:
            logger.warning("webhook worker did not stop in time; cancelled")

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            while not self._stopping.is_set():
                try:
                    await deliver_due(self.database, client=client)
                except Exception:  # the database may be away for a while: keep the worker
                    logger.exception("webhook delivery round failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)


def start_worker(database: Database, poll_seconds: float = POLL_SECONDS) -> WebhookWorker:
    worker = WebhookWorker(database, poll_seconds)
    worker.start()
    return worker
