"""First-run setup and e-mail accounts: sign-up, verification, password reset, e-mail change;
and the two small pages their links open (/setup, /account)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, status
from starlette.responses import HTMLResponse, Response

from app.auth import pages, service, setup, signup
from app.auth.accounts_limits import ResetLimit, SignupLimit
from app.auth.accounts_schemas import (
    AccountOut,
    EmailChangeRequest,
    EmailOut,
    ResetConfirm,
    ResetRequest,
    SetupRequest,
    SetupState,
    SignupRequest,
    VerifyRequest,
)
from app.auth.deps import CurrentUser
from app.auth.models import User
from app.auth.schemas import UserOut
from app.auth.signup import Mailing
from app.db.session import SessionDep
from app.errors import request_language
from app.notifications.service import Delivery, delivery

router = APIRouter(tags=["accounts"])
pages_router = APIRouter(include_in_schema=False)


def _mailing(request: Request) -> Mailing:
    settings = request.app.state.settings
    base_url = settings.public_url or str(request.base_url)
    return Mailing(settings, base_url, request_language(request))


async def _signed_in(
    request: Request, session: SessionDep, user: User, email: Delivery
) -> AccountOut:
    lifetime = timedelta(days=request.app.state.settings.token_lifetime_days)
    issued = await service.issue(session, user, "login", lifetime)
    return AccountOut(
        access_token=issued.secret, expires_at=issued.row.expires_at,
        user=UserOut.model_validate(user), email=email,
    )  # fmt: skip


@router.get("/setup", response_model=SetupState)
async def setup_state(session: SessionDep) -> SetupState:
    """Whether the first administrator exists (then the setup link no longer works)."""
    return SetupState(admin_exists=await setup.admin_exists(session))


@router.post("/setup", response_model=AccountOut, status_code=status.HTTP_201_CREATED)
async def create_first_admin(
    body: SetupRequest, request: Request, session: SessionDep
) -> AccountOut:
    """Create the first administrator with the link `releve serve` printed (410 when the
    token is used, expired or unknown; 409 `setup_done` once an administrator exists)."""
    user, email = await setup.create_first_admin(
        session, _mailing(request), body.token, body.username, body.email, body.password
    )
    return await _signed_in(request, session, user, email)


@router.post("/auth/signup", response_model=AccountOut, status_code=status.HTTP_201_CREATED)
async def sign_up(
    body: SignupRequest, request: Request, session: SessionDep, _: SignupLimit
) -> AccountOut:
    """Create an account with an e-mail address and a password (at least 10 characters, not
    the address); a verification link is e-mailed. Unverified accounts can sign in."""
    user, email = await signup.sign_up(
        session, _mailing(request), body.email, body.password, body.display_name
    )
    return await _signed_in(request, session, user, email)


@router.post("/auth/verify", response_model=UserOut)
async def verify_email(body: VerifyRequest, session: SessionDep) -> UserOut:
    """Follow a verification (or e-mail change) link's token, once."""
    return UserOut.model_validate(await signup.verify(session, body.token))


@router.post("/auth/password-reset", response_model=EmailOut, status_code=202)
async def request_password_reset(
    body: ResetRequest, request: Request, session: SessionDep, _: ResetLimit
) -> EmailOut:
    """Always 202, whether an account has the address or not (throttled per address and
    per e-mail)."""
    await signup.request_reset(session, _mailing(request), body.email)
    return EmailOut(email=delivery(request.app.state.settings))


@router.post("/auth/password-reset/confirm", status_code=204)
async def confirm_password_reset(body: ResetConfirm, session: SessionDep) -> Response:
    """Set a new password with a reset link's token; every token of the user is revoked."""
    await signup.confirm_reset(session, body.token, body.password)
    return Response(status_code=204)


@router.post("/me/email", response_model=EmailOut, status_code=202)
async def change_email(
    body: EmailChangeRequest, request: Request, session: SessionDep, user: CurrentUser
) -> EmailOut:
    """Move your account to a new address: the change happens when the link sent there is
    followed; a notice goes to the current address."""
    email = await signup.change_email(session, _mailing(request), user, body.email, body.password)
    return EmailOut(email=email)


@pages_router.get("/setup", response_class=HTMLResponse)
async def setup_page(request: Request, session: SessionDep) -> HTMLResponse:
    done = await setup.admin_exists(session)
    return HTMLResponse(pages.setup_page(request_language(request), done))


@pages_router.get("/account", response_class=HTMLResponse)
async def account_page(request: Request) -> HTMLResponse:
    return HTMLResponse(pages.account_page(request_language(request)))
