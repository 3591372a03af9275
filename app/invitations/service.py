"""Invitations: campaign owners invite an e-mail address to a campaign role, organisation
admins to an organisation role; the invitee accepts once, signed in with the account of that
address, within seven days.

The e-mail is queued in the request's transaction (app/notifications). The link carries a
secret of which only the SHA-256 is stored (as account tokens are); resending replaces it, so
only the latest link works.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.security import token_digest
from app.auth.signup import Mailing
from app.campaigns.models import Campaign
from app.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    ValidationFailed,
    register_status,
)
from app.i18n import Language
from app.invitations import grants, repository
from app.invitations.messages import INVITATION_TEMPLATES, ROLE_NAMES, TARGET_NAMES
from app.invitations.models import Invitation
from app.invitations.schemas import InvitationCreate, InvitationOut, InvitationTarget
from app.notifications.service import Delivery, queue_email
from app.notifications.templates import TEMPLATES
from app.organisations.models import Organisation

LIFETIME = timedelta(days=7)
ROLES = {"campaign": ("validator", "owner", "contributor"), "organisation": ("editor", "admin")}
TEMPLATES.update(INVITATION_TEMPLATES)


class InvitationGone(DomainError):
    """The link is unknown (or replaced by a newer one), expired, or its invitation revoked."""

    code = "invitation_invalid"


register_status(InvitationGone, 410)


@dataclass(frozen=True, slots=True)
class Target:
    """What an invitation is to: one campaign or one organisation."""

    kind: Literal["campaign", "organisation"]
    id: uuid.UUID
    slug: str
    name: str

    @classmethod
    def of_campaign(cls, campaign: Campaign) -> Target:
        return cls("campaign", campaign.id, campaign.slug, campaign.title)

    @classmethod
    def of_organisation(cls, organisation: Organisation) -> Target:
        return cls("organisation", organisation.id, organisation.slug, organisation.name)

    @property
    def ids(self) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        """(campaign_id, organisation_id)."""
        return (self.id, None) if self.kind == "campaign" else (None, self.id)


def _now() -> datetime:
    return datetime.now(UTC)


def _checked_role(target: Target, role: str) -> str:
    if role not in ROLES[target.kind]:
        params = {"role": role, "roles": ", ".join(ROLES[target.kind])}
        raise ValidationFailed([FieldError("/role", "invitation_role_unknown", params)])
    return role


async def invite(
    session: AsyncSession, mailing: Mailing, target: Target, inviter: User, data: InvitationCreate
) -> tuple[InvitationOut, Delivery]:
    """A pending invitation and its e-mail queued; 409 when the address already has one."""
    secret = secrets.token_urlsafe(32)
    campaign_id, organisation_id = target.ids
    invitation = Invitation(
        email=str(data.email), role=_checked_role(target, data.role),
        language=data.language or mailing.language, invited_by=inviter.id,
        token_hash=token_digest(secret), expires_at=_now() + LIFETIME,
        campaign_id=campaign_id, organisation_id=organisation_id,
    )  # fmt: skip
    try:
        async with session.begin_nested():
            invitation = await repository.add(session, invitation)
    except IntegrityError as error:
        raise Conflict("invitation_pending", email=str(data.email)) from error
    delivery = await _send(session, mailing, target, invitation, inviter, secret)
    return _out(invitation, inviter.display_name), delivery


async def _send(
    session: AsyncSession,
    mailing: Mailing,
    target: Target,
    invitation: Invitation,
    inviter: User,
    secret: str,
) -> Delivery:
    language: Language = "fr" if invitation.language == "fr" else "en"
    target_name = TARGET_NAMES[target.kind][language].format(name=target.name)
    return await queue_email(
        session, mailing.settings, invitation.email, "invitation", language,
        inviter=inviter.display_name, target=target_name, email=invitation.email,
        role=ROLE_NAMES[invitation.role][language], days=LIFETIME.days,
        link=f"{mailing.base_url.rstrip('/')}/console/#/invitation/{secret}",
    )  # fmt: skip


def _out(invitation: Invitation, inviter: str | None) -> InvitationOut:
    return InvitationOut(
        id=invitation.id, email=invitation.email, role=invitation.role,
        state=invitation.state,
        expired=invitation.expires_at <= _now(), invited_by=inviter,
        created_at=invitation.created_at, sent_at=invitation.sent_at,
        expires_at=invitation.expires_at,
    )  # fmt: skip


async def pending(session: AsyncSession, target: Target) -> list[InvitationOut]:
    """The target's invitations not yet accepted nor revoked (expired ones say so)."""
    rows = await repository.pending(session, *target.ids)
    return [_out(invitation, inviter) for invitation, inviter in rows]


async def _in_target(session: AsyncSession, target: Target, invitation_id: uuid.UUID) -> Invitation:
    invitation = await repository.in_target(session, invitation_id, *target.ids)
    if invitation is None:
        raise NotFound("invitation_not_found", id=str(invitation_id))
    return invitation


async def revoke(session: AsyncSession, target: Target, invitation_id: uuid.UUID) -> None:
    """Withdraw a pending invitation: its link stops working (409 once accepted)."""
    invitation = await _in_target(session, target, invitation_id)
    if invitation.state == "accepted":
        raise Conflict("invitation_used")
    if invitation.state == "pending":
        invitation.state = "revoked"
        invitation.revoked_at = _now()
        await repository.save(session, invitation)


async def resend(
    session: AsyncSession, mailing: Mailing, target: Target, sender: User, invitation_id: uuid.UUID
) -> tuple[InvitationOut, Delivery]:
    """A new link for seven more days; the previous link stops working."""
    invitation = await _in_target(session, target, invitation_id)
    _check_open(invitation, expiry=False)
    secret = secrets.token_urlsafe(32)
    invitation.token_hash = token_digest(secret)
    invitation.sent_at = _now()
    invitation.expires_at = invitation.sent_at + LIFETIME
    invitation = await repository.save(session, invitation)
    delivery = await _send(session, mailing, target, invitation, sender, secret)
    return _out(invitation, sender.display_name), delivery


def _check_open(invitation: Invitation, expiry: bool = True) -> None:
    if invitation.state == "accepted":
        raise Conflict("invitation_used")
    if invitation.state == "revoked":
        raise InvitationGone("invitation_revoked")
    if expiry and invitation.expires_at <= _now():
        raise InvitationGone("invitation_expired", date=invitation.expires_at.date().isoformat())


async def _by_secret(session: AsyncSession, secret: str, for_update: bool) -> Invitation:
    invitation = await repository.by_digest(session, token_digest(secret), for_update)
    if invitation is None:
        raise InvitationGone()
    _check_open(invitation)
    return invitation


async def preview(session: AsyncSession, secret: str) -> InvitationTarget:
    """What the link invites to, for whoever holds it (410/409 as accepting would answer)."""
    invitation = await _by_secret(session, secret, for_update=False)
    return await _describe(session, invitation)


async def accept(session: AsyncSession, secret: str, user: User) -> InvitationTarget:
    """Grant the invitation's role to ``user``, whose account must have the invited address
    (403 otherwise). Following the link proves the address: it is now verified."""
    invitation = await _by_secret(session, secret, for_update=True)
    if user.is_device or (user.email or "").casefold() != invitation.email.casefold():
        raise Forbidden("invitation_other_address", email=invitation.email)
    await grants.grant(session, invitation, user)
    invitation.state = "accepted"
    invitation.accepted_at = _now()
    invitation.accepted_by = user.id
    user.email_verified_at = user.email_verified_at or invitation.accepted_at
    return await _describe(session, await repository.save(session, invitation))


async def _describe(session: AsyncSession, invitation: Invitation) -> InvitationTarget:
    kind, slug, name = await grants.target_of(session, invitation)
    return InvitationTarget(
        kind=kind, slug=slug, name=name, role=invitation.role, email=invitation.email,
        invited_by=await repository.display_name(session, invitation.invited_by),
        expires_at=invitation.expires_at,
    )  # fmt: skip
