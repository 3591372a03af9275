"""Rate limits of the e-mail endpoints (counted in ``rate_counters``, see ratelimit.py):
password-reset requests per client address and per e-mail address, sign-ups per address."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Depends, Request

from app.auth.accounts_schemas import ResetRequest
from app.auth.ratelimit import Limit, client_address, count_hits
from app.config import Settings
from app.db.session import SessionDep

HOUR_S = 3600


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def reset_limits(request: Request, settings: Settings, email: str) -> list[Limit]:
    limits = []
    if settings.reset_requests_per_email > 0:
        allowed = settings.reset_requests_per_email
        limits.append(Limit("reset-email", _digest(email.casefold()), allowed, HOUR_S))
    if settings.reset_requests_per_address > 0:
        allowed = settings.reset_requests_per_address
        limits.append(Limit("reset-ip", client_address(request), allowed, HOUR_S))
    return limits


async def limit_resets(request: Request, session: SessionDep, body: ResetRequest) -> None:
    """429 with Retry-After past the hourly reset requests of the address or the e-mail."""
    await count_hits(session, reset_limits(request, request.app.state.settings, body.email))


async def limit_signups(request: Request, session: SessionDep) -> None:
    settings: Settings = request.app.state.settings
    if settings.signups_per_hour > 0:
        limit = Limit("signup-ip", client_address(request), settings.signups_per_hour, HOUR_S)
        await count_hits(session, [limit])


ResetLimit = Annotated[None, Depends(limit_resets)]
SignupLimit = Annotated[None, Depends(limit_signups)]


def recovery_limits(request: Request, settings: Settings) -> list[Limit]:
    """Recovery codes are guessed per client address, within the sign-in budget: the same
    counter as failed sign-ins, so one address cannot guess passwords and codes twice over."""
    if settings.signin_failures_per_address <= 0:
        return []
    address, allowed = client_address(request), settings.signin_failures_per_address
    window_s = settings.signin_window_minutes * 60
    return [Limit("signin-ip", address, allowed, window_s, "signin_throttled")]


async def limit_recoveries(request: Request, session: SessionDep) -> list[Limit]:
    """Count this recovery attempt before anything is looked up (429 past the limit); a
    right code gives it back."""
    limits = recovery_limits(request, request.app.state.settings)
    await count_hits(session, limits)
    return limits


RecoveryAttempt = Annotated[list[Limit], Depends(limit_recoveries)]
