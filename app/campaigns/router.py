from __future__ import annotations

from fastapi import APIRouter, Request, status

from app.auth.deps import AdminUser, OptionalUser
from app.campaigns import service
from app.campaigns.schemas import CampaignCreate, CampaignList, CampaignOut, CampaignUpdate
from app.db.session import SessionDep

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.get("", response_model=CampaignList)
async def list_campaigns(request: Request, session: SessionDep, user: OptionalUser) -> CampaignList:
    campaigns = await service.list_campaigns(session, user)
    return CampaignList(campaigns=await service.describe(session, campaigns, str(request.base_url)))


@router.post("", response_model=CampaignOut, status_code=status.HTTP_201_CREATED)
async def create_campaign(
    body: CampaignCreate, request: Request, session: SessionDep, user: AdminUser
) -> CampaignOut:
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
    slug: str, body: CampaignUpdate, request: Request, session: SessionDep, user: AdminUser
) -> CampaignOut:
    campaign = await service.get_campaign(session, slug, user)
    campaign = await service.update_campaign(session, campaign, body)
    return (await service.describe(session, [campaign], str(request.base_url)))[0]
