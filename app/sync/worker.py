"""Sending queued webhook events: claim due deliveries, POST them, record what happened.

Several app processes share the outbox: a delivery is claimed with ``FOR UPDATE SKIP LOCKED`` and
leased for a few minutes in a short transaction, then sent with no transaction open. A process
that dies mid-send leaves the lease to expire and the event is sent again: delivery is at least
once, so receivers deduplicate on the event ``id``. Events of one observation are sent to a
webhook in order; a failing event holds back the later ones of the same observation only.

Each send first checks the URL again (``targets.py``: public addresses only, unless allowed) and
connects to the address it checked; the log records only generic errors ("target refused",
"timeout", "connection failed", "HTTP 500").

Retry schedule after a failure (non-2xx, timeout, connection error, refused target): 30 s,
1, 2, 4, 8, 16 and 32 min, 1, 2, 4 and 8 h, then every 12 h; the first failure that comes 24 h
or more after the event was queued marks the delivery failed (13 attempts over about 28 h).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

from app import __version__
from app.db.session import Database
from app.sync import repository
from app.sync.repository import AttemptResult, ClaimedDelivery
from app.sync.targets import Target, TargetPolicy, TargetRefused
from app.sync.webhooks import SIGNATURE_HEADER, sign

logger = logging.getLogger(__name__)

RETRY_DELAYS = tuple(
    timedelta(minutes=minutes) for minutes in (0.5, 1, 2, 4, 8, 16, 32, 60, 120, 240, 480, 720)
)
GIVE_UP_AFTER = timedelta(hours=24)
# Longer than a send can take (TIMEOUT), so a lease never expires while its send is running.
LEASE = timedelta(minutes=5)
TIMEOUT = httpx.Timeout(10.0)
# A receiver that answers slowly, or endlessly, is cut off: the whole send (resolution,
# connection, request, answer) has this long, and only this much of the answer is read.
SEND_DEADLINE_SECONDS = 15.0
RESPONSE_READ_LIMIT = 64 * 1024
# The log's error for a URL that now resolves to an address that may not be called.
REFUSED = "target refused"
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
    client: httpx.AsyncClient, delivery: ClaimedDelivery, policy: TargetPolicy
) -> tuple[int | None, str | None]:
    """POST one event; (HTTP status, error or None when the receiver accepted it).

    The errors are generic on purpose: the log is read by campaign owners, and connect
    errors, ports or timings would let it map the network the worker sits in."""
    try:
        async with asyncio.timeout(SEND_DEADLINE_SECONDS):
            target = await policy.check(delivery.url)
            body = delivery.body.encode()
            status = await _post(client, target, body, _headers(delivery, body))
    except TargetRefused as refused:
        logger.warning("webhook delivery %s refused: %s", delivery.id, refused.reason)
        return None, REFUSED
    except (TimeoutError, httpx.TimeoutException):
        return None, "timeout"
    except httpx.HTTPError:  # connection refused, TLS, protocol...
        return None, "connection failed"
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"


def _headers(delivery: ClaimedDelivery, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"Releve-Webhooks/{__version__}",
        SIGNATURE_HEADER: sign(delivery.secret, body),
        "X-Releve-Event": delivery.event_kind,
        "X-Releve-Delivery": str(delivery.id),
    }


async def _post(
    client: httpx.AsyncClient, target: Target, body: bytes, headers: dict[str, str]
) -> int:
    """Connect to the checked address, never to a fresh DNS answer; Host and TLS SNI (so the
    certificate check) keep the URL's host name. Redirects are not followed and at most
    RESPONSE_READ_LIMIT bytes of the answer are read."""
    extensions = {} if _is_address(target.host) else {"sni_hostname": target.host}
    request = client.build_request(
        "POST", target.pinned_url(), content=body, extensions=extensions,
        headers={**headers, "Host": target.host_header()},
    )  # fmt: skip
    response = await client.send(request, stream=True, follow_redirects=False)
    try:
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read >= RESPONSE_READ_LIMIT:
                break
    finally:
        await response.aclose()
    return response.status_code


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


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
    database: Database, now: datetime | None, client: httpx.AsyncClient, policy: TargetPolicy
) -> int:
    attempts = 0
    # Each round ends with every claimed delivery delivered or due later than ``now``, so
    # the loop stops; it goes on while a delivery unblocks the next event of its observation.
    while batch := await _claim(database, now or datetime.now(UTC)):
        sent = await asyncio.gather(*(_send(client, delivery, policy) for delivery in batch))
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
    database: Database,
    now: datetime | None = None,
    client: httpx.AsyncClient | None = None,
    policy: TargetPolicy | None = None,
) -> int:
    """Attempt every delivery due at ``now`` (default: the clock); returns the attempts made.

    ``policy`` (default: public addresses only) is applied to each URL before its delivery.
    Tests pass a later ``now`` to step through the retry schedule without waiting.
    """
    policy = policy or TargetPolicy()
    if client is not None:
        return await _deliver_batches(database, now, client, policy)
    async with delivery_client() as own_client:
        return await _deliver_batches(database, now, own_client, policy)


def delivery_client(verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """No proxies from the environment (they would connect for us, unchecked), no redirects,
    and no kept-alive connection, whose TLS session was checked for another host name.
    ``verify``: the certificate authorities trusted (tests bring their own)."""
    return httpx.AsyncClient(
        verify=verify,
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


class WebhookWorker:
    """A background task that delivers due events every few seconds until stopped."""

    def __init__(
        self,
        database: Database,
        poll_seconds: float = POLL_SECONDS,
        policy: TargetPolicy | None = None,
    ) -> None:
        self.database = database
        self.poll_seconds = poll_seconds
        self.policy = policy or TargetPolicy()
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
        async with delivery_client() as client:
            while not self._stopping.is_set():
                try:
                    await deliver_due(self.database, client=client, policy=self.policy)
                except Exception:  # the database may be away for a while: keep the worker
                    logger.exception("webhook delivery round failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)


def start_worker(
    database: Database, poll_seconds: float = POLL_SECONDS, policy: TargetPolicy | None = None
) -> WebhookWorker:
    worker = WebhookWorker(database, poll_seconds, policy)
    worker.start()
    return worker
