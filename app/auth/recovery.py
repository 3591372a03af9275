"""Recovery codes: how a pseudonymous device account comes back on another phone.

A device account has no e-mail and no password; its recovery code is its only credential
besides the tokens of the phones it is signed in on. ``POST /me/recovery-code`` makes one (a
new one replaces the old, which stops working) and shows it once; ``POST /auth/recover`` with
the code signs the same account in on another device, with a new token.

The code is 20 symbols of an alphabet without look-alikes (no 0/O, no 1/I), printed in five
groups of four (``K7QM-3HXR-...``): 100 random bits. Only its SHA-256 is stored, like API
tokens: a slow hash (argon2) protects guessable secrets, and 2**100 guesses are out of reach
even for a fast hash and a stolen table of a million codes; a fast, unsalted digest also lets
the code alone find its account with one indexed look-up (a salted hash would need the
account named first, and a device account has no name to type). Guessing online is bounded
by the sign-in limits of the client address (``accounts_limits.limit_recoveries``).

The code stays valid after a restore (it is the account's way back, for the next lost phone
too) until it is replaced; it dies when the account gets an e-mail address and a password
(``app.auth.credentials``): from then on, those are its way back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import ratelimit, service
from app.auth import recovery_repository as repository
from app.auth.models import User
from app.auth.service import IssuedToken
from app.errors import Conflict, FieldError, Unauthenticated, ValidationFailed

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: 5 bits each
GROUPS, GROUP_LENGTH = 5, 4
LENGTH = GROUPS * GROUP_LENGTH
EXAMPLE = "K7QM-3HXR-9PWT-CZ4N-A2FE"
_SEPARATORS = str.maketrans("", "", " -_.\t\n")


@dataclass(frozen=True, slots=True)
class NewCode:
    """A code in clear (shown once, never stored) and whether it replaced an older one."""

    code: str
    created_at: datetime
    replaced: bool


def new_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, LENGTH, GROUP_LENGTH))


def normalised(code: str) -> str:
    """The code's symbols, whatever the case, spaces and dashes; 422 when it cannot be one."""
    symbols = code.translate(_SEPARATORS).upper()
    if len(symbols) != LENGTH or any(symbol not in ALPHABET for symbol in symbols):
        params = {"length": LENGTH, "groups": GROUPS, "example": EXAMPLE}
        raise ValidationFailed([FieldError("/code", "recovery_code_format", params)])
    return symbols


def code_digest(code: str) -> bytes:
    return hashlib.sha256(b"releve-recovery:" + normalised(code).encode()).digest()


async def create_code(session: AsyncSession, user: User) -> NewCode:
    """A fresh code for a device account, replacing its previous one."""
    if not user.is_device:
        raise Conflict("recovery_code_device_only")
    replaced = await repository.code_of(session, user.id) is not None
    code = new_code()
    created_at = await repository.put_code(session, user.id, code_digest(code))
    return NewCode(code, created_at, replaced)


async def code_state(session: AsyncSession, user: User) -> tuple[datetime | None, datetime | None]:
    """When the account's code was made and last used (None, None: it has none)."""
    row = await repository.code_of(session, user.id)
    return (row.created_at, row.last_used_at) if row else (None, None)


async def recover(
    session: AsyncSession,
    code: str,
    attempt: list[ratelimit.Limit],
    lifetime: timedelta,
    sign_out_other_devices: bool = False,
) -> tuple[User, IssuedToken]:
    """Sign in the account of this code on a new device (a new token); optionally revoke
    every other token of the account (a lost or stolen phone). Any code that opens nothing
    (unknown, replaced, of a blocked account) gets the same 401: no hint of which it was."""
    user = await repository.use_code(session, code_digest(code))
    if user is None:
        raise Unauthenticated("recovery_code_invalid")
    await ratelimit.uncount_hits(session, attempt)
    issued = await service.issue(session, user, "device", lifetime)
    if sign_out_other_devices:
        await repository.revoke_other_tokens(session, user.id, issued.row.id)
    return user, issued
