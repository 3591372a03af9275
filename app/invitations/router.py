"""Invitations: each campaign's (owners) and each organisation's (admins), and the two calls
of the e-mailed link: see what it invites to, accept it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import CurrentUser
from app.auth.models import User
from app.auth.signup import Mailing
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.errors import request_language
from app.invitations import service
from app.invitations.schemas import (
    InvitationCreate,
    InvitationList,
    InvitationSent,
    InvitationTarget,
    TokenIn,
)
from app.invitations.service import Target
from app.organisations import service as organisations
from app.organisations.router import MANAGE as MANAGE_ORGANISATION
from app.problems import problem_responses

router = APIRouter(tags=["invitations"])
Resolve = Callable[[AsyncSession, str, User], Awaitable[Target]]


def _mailing(request: Request) -> Mailing:
    settings = request.app.state.settings
    base_url = settings.public_url or str(request.base_url)
    return Mailing(settings, base_url, request_language(request))


async def _campaign(session: AsyncSession, slug: str, user: User) -> Target:
    campaign = await campaigns.get_campaign_as(session, slug, user, "owner", "manage members")
    return Target.of_campaign(campaign)


async def _organisation(session: AsyncSession, slug: str, user: User) -> Target:
    organisation = await organisations.get_organisation_as_admin(
        session, slug, user, MANAGE_ORGANISATION
    )
    return Target.of_organisation(organisation)


def _register(kind: str, prefix: str, resolve: Resolve, who: str) -> None:
    """The four endpoints of one kind of target (a campaign, an organisation)."""

    async def invite(
        slug: str, body: InvitationCreate, request: Request, session: SessionDep, user: CurrentUser
    ) -> InvitationSent:
        target = await resolve(session, slug, user)
        out, delivery = await service.invite(session, _mailing(request), target, user, body)
        return InvitationSent(**out.model_dump(), delivery=delivery)

    async def list_pending(slug: str, session: SessionDep, user: CurrentUser) -> InvitationList:
        target = await resolve(session, slug, user)
        return InvitationList(invitations=await service.pending(session, target))

    async def revoke(
        slug: str, invitation_id: uuid.UUID, session: SessionDep, user: CurrentUser
    ) -> InvitationList:
        target = await resolve(session, slug, user)
        await service.revoke(session, target, invitation_id)
        return InvitationList(invitations=await service.pending(session, target))

    async def resend(
        slug: str, invitation_id: uuid.UUID, request: Request, session: SessionDep,
        user: CurrentUser,
    ) -> InvitationSent:  # fmt: skip
        target = await resolve(session, slug, user)
        out, delivery = await service.resend(
            session, _mailing(request), target, user, invitation_id
        )
        return InvitationSent(**out.model_dump(), delivery=delivery)

    one = f"{prefix}/{{invitation_id}}"
    router.add_api_route(
        prefix, invite, methods=["POST"], status_code=status.HTTP_201_CREATED,
        response_model=InvitationSent, name=f"invite_to_{kind}", responses=problem_responses(409),
        summary=f"Invite an e-mail address to a role in the {kind} ({who})",
        description="The invitation e-mail (French or English) carries a link to the console, "
        "valid once for 7 days. 409 when the address already has a pending invitation.",
    )  # fmt: skip
    router.add_api_route(
        prefix, list_pending, methods=["GET"], response_model=InvitationList,
        name=f"list_{kind}_invitations",
        summary=f"The {kind}'s pending invitations, expired ones included ({who})",
    )  # fmt: skip
    router.add_api_route(
        one, revoke, methods=["DELETE"], response_model=InvitationList,
        name=f"revoke_{kind}_invitation", responses=problem_responses(409),
        summary=f"Revoke a pending invitation; answers the pending ones left ({who})",
    )  # fmt: skip
    router.add_api_route(
        f"{one}/resend", resend, methods=["POST"], response_model=InvitationSent,
        name=f"resend_{kind}_invitation", responses=problem_responses(409, 410),
        summary=f"Send the invitation again with a new link, valid 7 more days ({who})",
        description="The previous link stops working. 410 when revoked, 409 when accepted.",
    )  # fmt: skip


_register("campaign", "/campaigns/{slug}/invitations", _campaign, "owners")
_register("organisation", "/organisations/{slug}/invitations", _organisation, "admins")


@router.post(
    "/invitations/preview", response_model=InvitationTarget, responses=problem_responses(409, 410)
)
async def preview_invitation(body: TokenIn, session: SessionDep) -> InvitationTarget:
    """What the link's token invites to (no sign-in needed): 410 when unknown, replaced,
    expired or revoked; 409 when already accepted."""
    return await service.preview(session, body.token)


@router.post(
    "/invitations/accept", response_model=InvitationTarget, responses=problem_responses(409, 410)
)
async def accept_invitation(
    body: TokenIn, session: SessionDep, user: CurrentUser
) -> InvitationTarget:
    """Accept with the account of the invited address (403 otherwise): the role is granted
    (never lowering one already held) and the address counts as verified. Once only (409)."""
    return await service.accept(session, body.token, user)
