"""A device account's ways back and forward: its recovery code (make, rotate, restore on
another phone) and adding an e-mail address and password. See ``app.auth.recovery``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, status

from app.auth import credentials, recovery
from app.auth.accounts_limits import RecoveryAttempt, SignupLimit
from app.auth.accounts_router import _mailing
from app.auth.deps import CurrentUser
from app.auth.device_schemas import (
    CredentialsOut,
    CredentialsRequest,
    RecoverRequest,
    RecoveryCodeOut,
    RecoveryCodeState,
)
from app.auth.ratelimit import RateLimit
from app.auth.schemas import TokenOut, UserOut
from app.db.session import SessionDep
from app.web import json_response

router = APIRouter(tags=["accounts"])
NO_STORE = {"Cache-Control": "no-store"}


def _problem(description: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"type": {"type": "string"}}}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


@router.get("/me/recovery-code", response_model=RecoveryCodeState)
async def recovery_code_state(session: SessionDep, user: CurrentUser) -> RecoveryCodeState:
    """Whether your account has a recovery code, and when it was made and last used (never
    the code: it is shown only once)."""
    created_at, last_used_at = await recovery.code_state(session, user)
    return RecoveryCodeState(
        exists=created_at is not None, created_at=created_at, last_used_at=last_used_at
    )


@router.post(
    "/me/recovery-code",
    response_model=RecoveryCodeOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: _problem("`recovery_code_device_only`: the account has an e-mail")},
)
async def create_recovery_code(session: SessionDep, user: CurrentUser, _: RateLimit) -> Any:
    """A new recovery code for your device account, shown this once; the code it replaces
    stops working at once."""
    made = await recovery.create_code(session, user)
    out = RecoveryCodeOut(code=made.code, created_at=made.created_at, replaced=made.replaced)
    return json_response(out.model_dump(mode="json"), status_code=201, headers=NO_STORE)


@router.post(
    "/auth/recover",
    response_model=TokenOut,
    responses={
        401: _problem("`recovery_code_invalid`"),
        429: _problem("Too many failed attempts: wait `Retry-After` seconds"),
    },
)
async def recover_account(
    body: RecoverRequest, request: Request, session: SessionDep, attempt: RecoveryAttempt
) -> Any:
    """Sign in your device account on this device with its recovery code (a new token; the
    other devices stay signed in unless ``sign_out_other_devices``). Failed attempts count
    against the client address's sign-in limit (429 with Retry-After)."""
    lifetime = timedelta(days=request.app.state.settings.token_lifetime_days)
    user, issued = await recovery.recover(
        session, body.code, attempt, lifetime, body.sign_out_other_devices
    )
    out = TokenOut(
        access_token=issued.secret, expires_at=issued.row.expires_at,
        user=UserOut.model_validate(user),
    )  # fmt: skip
    return json_response(out.model_dump(mode="json"), headers=NO_STORE)


@router.post(
    "/me/credentials",
    response_model=CredentialsOut,
    responses={409: _problem("`email_taken`, or `credentials_exist`: not a device account")},
)
async def add_credentials(
    body: CredentialsRequest, request: Request, session: SessionDep, user: CurrentUser,
    _: SignupLimit,
) -> CredentialsOut:  # fmt: skip
    """Give your device account an e-mail address and a password: it becomes an ordinary
    account (everything stays, tokens included) and a verification link is e-mailed. Its
    recovery code stops working."""
    email = await credentials.add_credentials(
        session, _mailing(request), user, body.email, body.password
    )
    return CredentialsOut(user=UserOut.model_validate(user), email=email)
