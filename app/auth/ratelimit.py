"""Rate limits, counted in the database so that every worker and host shares them (fixed
windows in ``rate_counters``): writes per token and per client address, device accounts per
address, failed sign-ins per account and per address.

Counting happens in the request's own session and is committed at once: the request holds
one pooled connection and never asks the pool for a second (that deadlocks under load), and
the counter's row lock is held only for that moment, not for the rest of a long request (a
batch of 1,000 observations). The commit happens where the request has only read (to
authenticate), so declare a limit after ``CurrentUser`` and before any write.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.schemas import TokenRequest
from app.auth.security import SESSION_COOKIE
from app.config import Settings
from app.db.session import SessionDep
from app.errors import DomainError, register_status

_BUMP = text(
    """
    INSERT INTO rate_counters (key, window_start, count) VALUES (:key, :window, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1
    RETURNING count
    """
)
_UNBUMP = text(
    "UPDATE rate_counters SET count = count - 1 "
    "WHERE key = :key AND window_start = :window AND count > 0"
)
# SKIP LOCKED: cleaning up never waits for (or deadlocks with) a request counting meanwhile.
_FORGET_OLD = text(
    """
    DELETE FROM rate_counters WHERE (key, window_start) IN (
        SELECT key, window_start FROM rate_counters
        WHERE key LIKE :kind AND window_start < :before FOR UPDATE SKIP LOCKED)
    """
)


class RateLimited(DomainError):
    code = "rate_limited"


register_status(RateLimited, 429)


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``allowed`` hits on ``kind:subject`` per window of ``window_s`` seconds."""

    kind: str
    subject: str
    allowed: int
    window_s: int
    code: str = "rate_limited"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"

    def window(self, now: float) -> datetime:
        return datetime.fromtimestamp(now - now % self.window_s, UTC)

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.window_s - now % self.window_s))


async def count_hits(session: AsyncSession, limits: list[Limit]) -> None:
    """Count one hit on each limit and commit; RateLimited (429) when one is exceeded."""
    now = time.time()
    for limit in limits:
        window = limit.window(now)
        count = int(await session.scalar(_BUMP, {"key": limit.key, "window": window}) or 0)
        if count == 1:  # first hit of a window: a good moment to drop this kind's old windows
            await session.execute(_FORGET_OLD, {"kind": f"{limit.kind}:%", "before": window})
        if count > limit.allowed:
            retry = limit.retry_after(now)
            error = RateLimited(limit.code, limit=limit.allowed, retry=retry)
            error.headers["Retry-After"] = str(retry)
            raise error
    await session.commit()


async def uncount_hits(session: AsyncSession, limits: list[Limit]) -> None:
    """Give back the hits ``count_hits`` took (in the request's transaction)."""
    now = time.time()
    for limit in limits:
        await session.execute(_UNBUMP, {"key": limit.key, "window": limit.window(now)})


def client_address(request: Request) -> str:
    """The TCP peer, or the client a trusted proxy names (see ``uvicorn_proxy_options``)."""
    return request.client.host if request.client else "?"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def write_limits(request: Request, settings: Settings) -> list[Limit]:
    per_minute = settings.rate_limit_per_minute
    limits = [Limit("ip", client_address(request), per_minute * 4, 60)]
    # A browser session's writes count against its cookie as a bearer token's against it.
    token = request.headers.get("authorization", "") or request.cookies.get(SESSION_COOKIE, "")
    if token:
        limits.append(Limit("token", _digest(token), per_minute, 60))
    return limits


def sign_in_limits(request: Request, settings: Settings, username: str) -> list[Limit]:
    window_s = settings.signin_window_minutes * 60
    limits = []
    if settings.signin_failures_per_account > 0:
        account = _digest(username.casefold())
        allowed = settings.signin_failures_per_account
        limits.append(Limit("signin-account", account, allowed, window_s, "signin_throttled"))
    if settings.signin_failures_per_address > 0:
        address, allowed = client_address(request), settings.signin_failures_per_address
        limits.append(Limit("signin-ip", address, allowed, window_s, "signin_throttled"))
    return limits


async def limit_writes(request: Request, session: SessionDep) -> None:
    """Refuse with 429 and Retry-After when the token or the address wrote too much."""
    settings: Settings = request.app.state.settings
    if settings.rate_limit_per_minute > 0:
        await count_hits(session, write_limits(request, settings))


async def limit_device_accounts(request: Request, session: SessionDep) -> None:
    """Refuse with 429 when the address created too many device accounts this hour."""
    settings: Settings = request.app.state.settings
    if settings.device_accounts_per_hour > 0:
        allowed = settings.device_accounts_per_hour
        limit = Limit("device-ip", client_address(request), allowed, 3600, "device_limit")
        await count_hits(session, [limit])


async def limit_sign_ins(request: Request, session: SessionDep, body: TokenRequest) -> list[Limit]:
    """Count this sign-in attempt before any password is hashed (429 past the limit); the
    caller gives the hits back with ``uncount_hits`` when the password was right."""
    limits = sign_in_limits(request, request.app.state.settings, body.username)
    await count_hits(session, limits)
    return limits


RateLimit = Annotated[None, Depends(limit_writes)]
SignInAttempt = Annotated[list[Limit], Depends(limit_sign_ins)]
DeviceAccountLimit = Annotated[None, Depends(limit_device_accounts)]
