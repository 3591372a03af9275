"""The change feed: every change to a published observation, in a stable order, never skipped.

Every change writes a row in ``observation_versions`` carrying ``change_seq`` (one sequence) and
``xid``, the id of the transaction that wrote it. Sequence values are taken when a change is
written, not when it commits: a slow transaction can hold seq 10 while a fast one commits seq 11,
so a reader paging on ``change_seq`` alone would pass 11 and never see 10.

So a page only holds changes of transactions older than the oldest transaction still running
when the page's statement took its snapshot: ``xid < pg_snapshot_xmin(pg_current_snapshot())``.
Why that never skips:

- every transaction with an id below that ``xmin`` has finished, so its changes are committed
  (and visible to the same statement) or rolled back for good;
- ids are handed out in increasing order, so no transaction that is running or will start can
  get an id below ``xmin``: the set of changes below it is final;
- the cursor is the keyset ``(xid, change_seq)`` of the last change delivered, and pages are read
  in that order. Everything at or before the cursor was read from a final set, and anything
  committed later has a larger ``xid`` than the cursor's, so it comes after it.

The one cost: a writing transaction that runs long anywhere in the PostgreSQL cluster (even in
another database; read-only transactions do not count) holds every reader at its ``xid`` until it
ends. The feed is then delayed, never wrong: nothing is lost, and it catches up at once.

Order is by transaction, then by change within it. Two changes of one observation are always in
two transactions, the second waiting for the first's row lock; in the rare case where the second
took its id before waiting, its change comes first. Items carry the observation's *current*
public state, so a mirror that keeps the last item it saw for each id ends right either way.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import BadRequest
from app.sync import repository

START = (0, 0)


@dataclass(slots=True, frozen=True)
class FeedPage:
    items: list[str]  # JSON objects built by PostgreSQL
    next_cursor: str


def encode_cursor(position: tuple[int, int]) -> str:
    raw = orjson.dumps(list(position))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[int, int]:
    """The ``(xid, change_seq)`` a cursor stands for; BadRequest when it is not one of ours."""
    if not cursor:
        return START
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        xid, change_seq = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError) as error:
        raise BadRequest("feed_cursor_invalid", cursor=cursor[:100]) from error
    valid = all(type(part) is int and 0 <= part < 2**63 for part in (xid, change_seq))
    if not valid:
        raise BadRequest("feed_cursor_invalid", cursor=cursor[:100])
    return xid, change_seq


async def read_changes(
    session: AsyncSession, since: str | None, campaign_id: uuid.UUID | None, limit: int
) -> FeedPage:
    """The next changes after ``since`` and the cursor to ask with next time (the same cursor
    when there is nothing new, so a client can simply poll with it)."""
    after = decode_cursor(since)
    rows = await repository.changes_after(session, after, campaign_id, limit)
    last = (rows[-1].xid, rows[-1].change_seq) if rows else after
    return FeedPage([row.json for row in rows], encode_cursor(last))
