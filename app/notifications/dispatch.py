"""Turning queued notifications into messages: instant e-mails and daily digests go to the
e-mail outbox (in one transaction with the notification's change of status, so each is
queued exactly once; the e-mail worker sends it, with retries), Web Push messages are sent
under a lease like the e-mails.

A digest is due once a day per person, from ``notification_digest_hour`` (UTC): it gathers
every digest notification queued before that hour and not yet sent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from app.config import Settings
from app.db.session import Database
from app.notifications import notices_repository as repository
from app.notifications.alerts import queue_backlog_alerts
from app.notifications.notice_emails import (
    digest_email,
    event_line,
    instant_email,
    language_of,
    observation_link,
    unsubscribe_link,
)
from app.notifications.push import PushSender, vapid_key, vapid_subject
from app.notifications.repository import enqueue
from app.notifications.secrets import UnsubscribeScope, sign_unsubscribe, signing_key
from app.notifications.sender import LogSender
from app.notifications.worker import LEASE, MAX_ATTEMPTS, EmailWorker, retry_delay
from app.sync.targets import TargetPolicy, TargetRefused

logger = logging.getLogger(__name__)
BATCH_SIZE = 20


def _stop_link(
    settings: Settings, key: bytes, user_id: uuid.UUID, campaign: uuid.UUID | None
) -> str:
    return unsubscribe_link(settings, sign_unsubscribe(key, UnsubscribeScope(user_id, campaign)))


async def queue_instant_emails(database: Database, settings: Settings, now: datetime) -> int:
    """Write one e-mail per due instant notification to the outbox; returns how many."""
    queued = 0
    while True:
        async with database.session() as session:
            rows = await repository.claim_instant_emails(session, now, BATCH_SIZE)
            if not rows:
                return queued
            key = await signing_key(session)
            for row in rows:
                stop = _stop_link(settings, key, row.user_id, row.campaign_id)
                email = await enqueue(session, instant_email(settings, row, stop))
                await repository.mark_queued(session, [row.id], email.id, now)
            await session.commit()
        queued += len(rows)


def digest_cutoff(settings: Settings, now: datetime) -> tuple[date, datetime] | None:
    """Today's digest day and hour once that hour has come, else None (not due yet)."""
    moment = now.astimezone(UTC)
    cutoff = datetime.combine(moment.date(), time(settings.notification_digest_hour), UTC)
    return (moment.date(), cutoff) if moment >= cutoff else None


async def queue_digests(database: Database, settings: Settings, now: datetime) -> int:
    """Write today's digest e-mail of each person who has one due; returns how many."""
    due = digest_cutoff(settings, now)
    if due is None:
        return 0
    day, cutoff = due
    async with database.session() as session:
        people = await repository.digest_due_users(session, day, cutoff, BATCH_SIZE)
    return sum([await _queue_digest(database, settings, person, day, cutoff) for person in people])


async def _queue_digest(
    database: Database, settings: Settings, user_id: uuid.UUID, day: date, cutoff: datetime
) -> int:
    async with database.session() as session:
        # The (person, day) row is the lock: a second worker waits on it, then finds it taken.
        if not await repository.start_digest(session, user_id, day):
            return 0
        rows = await repository.claim_digest(session, user_id, cutoff)
        if not rows:
            await session.rollback()
            return 0
        stop = _stop_link(settings, await signing_key(session), user_id, None)
        email = await enqueue(session, digest_email(settings, rows, stop))
        await repository.link_digest(session, user_id, day, email.id)
        await repository.mark_queued(session, [row.id for row in rows], email.id, cutoff)
        await session.commit()
    return 1


def push_message(settings: Settings, row: Any) -> dict[str, str]:
    """What the field app's service worker shows (pwa/sw.js, ``push`` handler)."""
    language = language_of(row.language)
    return {"title": row.campaign_title, "body": event_line(row, language),
            "url": observation_link(settings, row), "tag": f"observation-{row.observation_id}",
            "lang": language}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PushResult:
    notification_id: int
    status: str
    error: str | None
    gone: tuple[int, ...]


async def _push_one(
    sender: PushSender, policy: TargetPolicy, row: Any, subscriptions: Sequence[Any],
    message: dict[str, str],
) -> PushResult:  # fmt: skip
    """Sent when one browser took it; retried only when none did and one failed."""
    sent, gone, error = False, [], None
    for subscription in subscriptions:
        try:
            await policy.check(subscription.endpoint)
            if await sender.send(subscription, message) == "gone":
                gone.append(subscription.id)
            else:
                sent = True
        except TargetRefused as refused:  # a private address, or DNS away for a while
            logger.warning("push %s not sent to %s: %s", row.id, subscription.id, refused)
            error = "TargetRefused"
        except Exception as failure:  # push service down, timeouts: retry later
            logger.warning("push %s not sent: %r", row.id, failure)
            error = type(failure).__name__
    if sent:
        return PushResult(row.id, "sent", None, tuple(gone))
    if error is None:
        return PushResult(row.id, "dropped", "no subscription", tuple(gone))
    status = "failed" if row.attempts + 1 >= MAX_ATTEMPTS else "pending"
    return PushResult(row.id, status, error, tuple(gone))


async def deliver_pushes(
    database: Database, settings: Settings, policy: TargetPolicy, now: datetime
) -> int:
    """Send every due push notification; returns the attempts made."""
    attempts = 0
    while True:
        async with database.session() as session:
            rows = await repository.claim_pushes(session, now, now + LEASE, BATCH_SIZE)
            people = {row.user_id for row in rows}
            subscriptions = {p: await repository.subscriptions_of(session, p) for p in people}
            sender = PushSender(await vapid_key(session), vapid_subject(settings)) if rows else None
            await session.commit()
        if sender is None:
            return attempts
        results = [await _push_one(sender, policy, row, subscriptions[row.user_id],
                                   push_message(settings, row)) for row in rows]  # fmt: skip
        async with database.session() as session:
            for row, result in zip(rows, results, strict=True):
                retry_at = now + retry_delay(row.attempts + 1)
                await repository.record_push(
                    session, result.notification_id, result.status, retry_at, result.error, now
                )
                for subscription_id in result.gone:
                    await repository.drop_subscription(session, subscription_id)
            await session.commit()
        attempts += len(rows)


async def dispatch_round(
    database: Database, settings: Settings, policy: TargetPolicy, now: datetime | None = None
) -> int:
    """One pass of everything due at ``now`` (default: the clock); returns the work done."""
    moment = now or datetime.now(UTC)
    done = await queue_instant_emails(database, settings, moment)
    done += await queue_digests(database, settings, moment)
    done += await queue_backlog_alerts(database, settings, moment)
    return done + await deliver_pushes(database, settings, policy, moment)


class NotificationWorker(EmailWorker):
    """A background task that runs ``dispatch_round`` every few seconds until stopped."""

    name = "releve-notification-worker"

    def __init__(self, database: Database, settings: Settings, policy: TargetPolicy) -> None:
        super().__init__(database, LogSender())
        self.settings = settings
        self.policy = policy

    async def _round(self) -> None:
        await dispatch_round(self.database, self.settings, self.policy)


def start_notification_worker(
    database: Database, settings: Settings, policy: TargetPolicy
) -> NotificationWorker:
    worker = NotificationWorker(database, settings, policy)
    worker.start()
    return worker
