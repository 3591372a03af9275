from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from app.auth.deps import CurrentUser, OptionalUser
from app.campaigns import service
from app.campaigns.schemas import (
    CampaignCreate,
    CampaignList,
    CampaignOut,
    CampaignUpdate,
    MemberIn,
    MemberList,
)
from app.db.session import SessionDep

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.get("", response_model=CampaignList)
async def list_campaigns(request: Request, session: SessionDep, user: OptionalUser) -> CampaignList:
    campaigns = await service.list_campaigns(session, user)
    return CampaignList(campaigns=await service.describe(session, campaigns, str(request.base_url)))


@router.post("", response_model=CampaignOut, status_code=status.HTTP_201_CREATED)
async def create_campaign(
    body: CampaignCreate, request: Request, session: SessionDep, user: CurrentUser
) -> CampaignOut:
    """Instance admins create campaigns, with or without an organisation; an organisation's
    admins and editors create them in it. The creator becomes the campaign's owner."""
    campaign = await service.create_campaign(session, body, user)
    return (await service.describe(session, [campaign], str(request.base_url)))[0]


@router.get("/{slug}", response_model=CampaignOut)
async def get_campaign(
    slug: str, request: Request, session: SessionDep, user: OptionalUser
) -> CampaignOut:
    campaign = await service.get_campaign(session, slug, user)
    return (await service.describe(session, [campaign], str(request.base_url)))[0]


@router.patch("/{slug}", response_model=CampaignOut)
async def update_campaign(
    slug: str, body: CampaignUpdate, request: Request, session: SessionDep, user: CurrentUser
) -> CampaignOut:
    campaign = await service.get_campaign_as(session, slug, user, "owner", "change this campaign")
    campaign = await service.update_campaign(session, campaign, body)
    return (await service.describe(session, [campaign], str(request.base_url)))[0]


@router.get("/{slug}/members", response_model=MemberList)
async def list_members(slug: str, session: SessionDep, user: CurrentUser) -> MemberList:
    """The campaign's owners, validators and contributors (owners only)."""
    campaign = await service.get_campaign_as(session, slug, user, "owner", "manage members")
    return MemberList(members=await service.list_members(session, campaign))


@router.put("/{slug}/members/{user_id}", response_model=MemberList)
async def set_member(
    slug: str, user_id: uuid.UUID, body: MemberIn, session: SessionDep, user: CurrentUser
) -> MemberList:
    """Give a user a role in the campaign (owners only)."""
    campaign = await service.get_campaign_as(session, slug, user, "owner", "manage members")
    await service.set_member(session, campaign, user_id, body.role)
    return MemberList(members=await service.list_members(session, campaign))


@router.delete("/{slug}/members/{user_id}", response_model=MemberList)
async def remove_member(
    slug: str, user_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> MemberList:
    campaign = await service.get_campaign_as(session, slug, user, "owner", "manage members")
    await service.remove_member(session, campaign, user_id)
    return MemberList(members=await service.list_members(session, campaign))
