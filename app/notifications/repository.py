from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications.models import OutgoingEmail


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one attempt did: ``status`` sent, logged, pending (retry at ``next_attempt_at``)
    or failed."""

    id: int
    status: str
    next_attempt_at: datetime
    error: str | None


async def enqueue(session: AsyncSession, email: OutgoingEmail) -> OutgoingEmail:
    session.add(email)
    await session.flush()
    return email


async def claim_due(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int
) -> list[OutgoingEmail]:
    """Due messages, leased until ``lease_until`` (SKIP LOCKED: processes share the outbox)."""
    query = (
        select(OutgoingEmail)
        .where(OutgoingEmail.status == "pending", OutgoingEmail.next_attempt_at <= now)
        .order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    batch = list(await session.scalars(query))
    for email in batch:
        email.next_attempt_at = lease_until
        email.attempts += 1
    await session.flush()
    return batch


async def record(session: AsyncSession, results: Sequence[SendResult], now: datetime) -> None:
    """Store each attempt's outcome. A message sent (or logged) loses its body: it holds a
    link's token in clear, which the database keeps no longer than it must."""
    for result in results:
        done = result.status in ("sent", "logged")
        values = {"status": result.status, "next_attempt_at": result.next_attempt_at,
                  "last_error": result.error, "sent_at": now if done else None}  # fmt: skip
        if done:
            values["body"] = ""
            values["html_body"] = None
        await session.execute(
            update(OutgoingEmail).where(OutgoingEmail.id == result.id).values(**values)
        )
