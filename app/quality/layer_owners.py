"""Who may manage and use reference layers.

A layer belongs to an organisation or to none. Instance admins manage every layer, and only
they manage the shared ones (no organisation), which every campaign may use. An
organisation's admins and editors upload layers into it, replace and delete them; its
campaigns (and so their owners) may use them, besides the shared ones.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import repository as campaigns_repository
from app.campaigns.models import Campaign
from app.errors import FieldError, Forbidden, ValidationFailed
from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.quality import layers_repository as repository
from app.quality.layers_repository import LayerUse
from app.quality.models import ReferenceLayer

MANAGING_ROLES = ("admin", "editor")
ORGANISATION_MEMBER = "organisation"


async def may_manage(session: AsyncSession, user: User | None, layer: ReferenceLayer) -> bool:
    """Instance admins manage every layer; an organisation's admins and editors its layers."""
    if user is None:
        return False
    if user.is_admin:
        return True
    if layer.organisation_id is None or user.is_device:
        return False
    role = await organisations.role_of(session, layer.organisation_id, user.id)
    return role in MANAGING_ROLES


async def require_manager(session: AsyncSession, user: User, layer: ReferenceLayer) -> None:
    if not await may_manage(session, user, layer):
        raise Forbidden(action="manage this reference layer")


async def owner_for_upload(
    session: AsyncSession, user: User, slug: str | None
) -> Organisation | None:
    """The organisation a new layer goes into (``organisation`` member of the upload): one the
    user manages layers of; none (a shared layer) for instance admins only."""
    if slug is None:
        if user.is_admin:
            return None
        raise Forbidden(action="upload shared reference layers")
    organisation = await organisations.get_by_slug(session, slug)
    if organisation is None:
        error = FieldError(f"/{ORGANISATION_MEMBER}", "organisation_unknown", {"slug": slug})
        raise ValidationFailed([error])
    if not user.is_admin:
        role = (
            None
            if user.is_device
            else await organisations.role_of(session, organisation.id, user.id)
        )
        if role not in MANAGING_ROLES:
            raise Forbidden(action="upload reference layers into this organisation")
    return organisation


async def usable_organisations(session: AsyncSession, user: User | None) -> set[uuid.UUID] | None:
    """Organisations whose layers the user may use (None: all, for instance admins)."""
    if user is None:
        return set()
    if user.is_admin:
        return None
    return await repository.usable_organisation_ids(session, user.id)


def usable_in(layer_owner: uuid.UUID | None, campaign: Campaign) -> bool:
    """A campaign's rules may use the shared layers and those of its organisation."""
    return layer_owner is None or layer_owner == campaign.organisation_id


async def visible_uses(
    session: AsyncSession, user: User | None, uses: list[LayerUse]
) -> list[LayerUse]:
    """The uses the user may know of: a draft campaign's existence is private to its members."""
    if user is not None and user.is_admin:
        return uses
    if all(use.status != "draft" for use in uses):
        return uses
    mine = await campaigns_repository.member_campaign_ids(session, user.id) if user else set()
    return [use for use in uses if use.status != "draft" or use.campaign_id in mine]
