"""Rate limits on writes, per token and per client address, counted in the database so that
every worker and host shares them (fixed one-minute windows).

The counter is incremented in its own short transaction: the request's transaction may last
(a batch of 1,000 observations), and must not hold the counter's row lock meanwhile.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text

from app.db.session import Database
from app.errors import DomainError, register_status

_BUMP = text(
    """
    INSERT INTO rate_counters (key, window_start, count) VALUES (:key, :window, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1
    RETURNING count
    """
)
_FORGET_OLD = text("DELETE FROM rate_counters WHERE window_start < :before")


class RateLimited(DomainError):
    code = "rate_limited"


register_status(RateLimited, 429)


async def _bump(database: Database, key: str, window: datetime) -> int:
    async with database.engine.begin() as connection:
        count = await connection.scalar(_BUMP, {"key": key, "window": window})
        if count == 1:  # first hit of a window: a good moment to drop old windows
            await connection.execute(_FORGET_OLD, {"before": window})
    return int(count or 0)


async def limit_writes(request: Request) -> None:
    """Refuse with 429 and Retry-After when the token or the address wrote too much."""
    settings = request.app.state.settings
    if settings.rate_limit_per_minute <= 0:
        return
    now = datetime.now(UTC)
    window = now.replace(second=0, microsecond=0)
    retry = 60 - now.second
    token = request.headers.get("authorization", "")
    keys = [
        (f"ip:{request.client.host if request.client else '?'}", settings.rate_limit_per_minute * 4)
    ]
    if token:
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        keys.append((f"token:{digest}", settings.rate_limit_per_minute))
    for key, limit in keys:
        if await _bump(request.app.state.database, key, window) > limit:
            error = RateLimited(limit=limit, retry=retry)
            error.headers["Retry-After"] = str(retry)
            raise error


RateLimit = Annotated[None, Depends(limit_writes)]
