"""Organisations: who may create and change them, their members, and their campaigns.

Instance admins create organisations; with ``self_service`` (the setting
RELEVE_SELF_SERVICE_ORGANISATIONS) any signed-in named user may, and becomes its admin. An
organisation's admins change it and manage its members; an organisation always keeps one admin.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from app.organisations import repository
from app.organisations.models import Organisation
from app.organisations.schemas import (
    MyOrganisation,
    OrganisationCreate,
    OrganisationMemberOut,
    OrganisationOut,
    OrganisationUpdate,
)


async def create_organisation(
    session: AsyncSession, data: OrganisationCreate, user: User, self_service: bool
) -> Organisation:
    """A new organisation whose creator is its admin."""
    if not user.is_admin and (user.is_device or not self_service):
        raise Forbidden(action="create organisations")
    organisation = Organisation(**data.model_dump())
    try:
        async with session.begin_nested():
            organisation = await repository.add(session, organisation)
    except IntegrityError as error:
        raise Conflict("organisation_slug_taken", slug=data.slug) from error
    await repository.set_member(session, organisation.id, user.id, "admin")
    return organisation


async def get_organisation(
    session: AsyncSession, slug: str, *, for_update: bool = False
) -> Organisation:
    organisation = await repository.get_by_slug(session, slug, for_update=for_update)
    if organisation is None:
        raise NotFound("organisation_not_found", slug=slug)
    return organisation


async def role_of(session: AsyncSession, organisation: Organisation, user: User) -> str | None:
    """The user's role in the organisation ('admin' for instance admins), or None."""
    if user.is_admin:
        return "admin"
    return await repository.role_of(session, organisation.id, user.id)


async def get_organisation_as_admin(
    session: AsyncSession, slug: str, user: User, action: str
) -> Organisation:
    """The organisation, locked for this transaction, when the user administers it."""
    organisation = await get_organisation(session, slug, for_update=True)
    if await role_of(session, organisation, user) != "admin":
        raise Forbidden(action=action)
    return organisation


async def get_organisation_to_remove(
    session: AsyncSession, slug: str, user: User, user_id: uuid.UUID
) -> Organisation:
    """Like ``get_organisation_as_admin``, but members may also leave on their own."""
    organisation = await get_organisation(session, slug, for_update=True)
    role = await role_of(session, organisation, user)
    if role != "admin" and not (role is not None and user.id == user_id):
        raise Forbidden(action="manage the members of this organisation")
    return organisation


async def update_organisation(
    session: AsyncSession, organisation: Organisation, data: OrganisationUpdate
) -> Organisation:
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(organisation, name, value)
    return await repository.save(session, organisation)


async def describe(
    session: AsyncSession, organisations: list[Organisation]
) -> list[OrganisationOut]:
    counts = await repository.public_campaign_counts(session, [o.id for o in organisations])
    return [_out(o, counts.get(o.id, 0)) for o in organisations]


def _out(organisation: Organisation, count: int) -> OrganisationOut:
    return OrganisationOut(
        slug=organisation.slug,
        name=organisation.name,
        logo_url=organisation.logo_url,
        default_licence=organisation.default_licence,
        default_attribution=organisation.default_attribution,
        campaign_count=count,
        created_at=organisation.created_at,
    )


async def list_organisations(session: AsyncSession) -> list[OrganisationOut]:
    return await describe(session, await repository.list_organisations(session))


async def my_organisations(session: AsyncSession, user: User) -> list[MyOrganisation]:
    rows = await repository.memberships(session, user.id)
    described = await describe(session, [organisation for organisation, _ in rows])
    return [
        MyOrganisation(**out.model_dump(), role=role)
        for out, (_, role) in zip(described, rows, strict=True)
    ]


async def list_members(
    session: AsyncSession, organisation: Organisation
) -> list[OrganisationMemberOut]:
    return [
        OrganisationMemberOut(user_id=r[0], display_name=r[1], username=r[2], role=r[3], since=r[4])
        for r in await repository.members(session, organisation.id)
    ]


async def require_member(session: AsyncSession, organisation: Organisation, user: User) -> None:
    """Forbidden unless the user is a member (or an instance admin): members see each other."""
    if await role_of(session, organisation, user) is None:
        raise Forbidden(action="see the members of this organisation")


async def set_member(
    session: AsyncSession, organisation: Organisation, user_id: uuid.UUID, role: str
) -> None:
    """Give a named user a role; demoting the last admin is a Conflict."""
    member = await session.get(User, user_id)
    if member is None:
        raise NotFound("user_not_found", id=str(user_id))
    if member.is_device:
        error = FieldError("/path/user_id", "organisation_member_device", {"id": str(user_id)})
        raise ValidationFailed([error])
    if role != "admin":
        await _keep_an_admin(session, organisation, user_id)
    await repository.set_member(session, organisation.id, user_id, role)


async def remove_member(
    session: AsyncSession, organisation: Organisation, user_id: uuid.UUID
) -> None:
    """Remove a member; removing the last admin is a Conflict."""
    if await repository.role_of(session, organisation.id, user_id) is None:
        raise NotFound("user_not_found", id=str(user_id))
    await _keep_an_admin(session, organisation, user_id)
    await repository.remove_member(session, organisation.id, user_id)


async def _keep_an_admin(session: AsyncSession, organisation: Organisation, user_id: Any) -> None:
    """Conflict when ``user_id`` is the organisation's only admin (the row is locked)."""
    if await repository.role_of(session, organisation.id, user_id) != "admin":
        return
    if await repository.admin_count(session, organisation.id) <= 1:
        raise Conflict("organisation_last_admin", slug=organisation.slug)


async def list_campaigns(session: AsyncSession, slug: str, user: User | None) -> list[Campaign]:
    """The organisation's campaigns the reader may see (drafts only for members)."""
    organisation = await get_organisation(session, slug)
    return await campaigns.list_campaigns(session, user, organisation.id)
