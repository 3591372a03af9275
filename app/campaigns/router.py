from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.auth.deps import CurrentUser, OptionalUser
from app.basemaps.registry import require_served
from app.campaigns import area_upload, permissions, service
from app.campaigns.schemas import (
    AreaFileOptions,
    AreaPreview,
    CampaignCreate,
    CampaignList,
    CampaignOut,
    CampaignUpdate,
    MemberIn,
    MemberList,
)
from app.db.session import SessionDep
from app.guards import refuse_unstorable
from app.problems import problem_responses
from app.quality.layers_router import FILE_MEMBER, Upload, receive_upload

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
    require_served(request.app.state.settings, body.basemap)
    campaign = await service.create_campaign(session, body, user)
    return (await service.describe(session, [campaign], str(request.base_url)))[0]


@router.get("/{slug}", response_model=CampaignOut)
async def get_campaign(
    slug: str, request: Request, session: SessionDep, user: OptionalUser
) -> CampaignOut:
    campaign = await service.get_campaign(session, slug, user)
    answer = (await service.describe(session, [campaign], str(request.base_url)))[0]
    answer.role = await permissions.role_of(session, campaign, user)  # type: ignore[assignment]
    return answer


@router.patch("/{slug}", response_model=CampaignOut)
async def update_campaign(
    slug: str, body: CampaignUpdate, request: Request, session: SessionDep, user: CurrentUser
) -> CampaignOut:
    campaign = await service.get_campaign_as(session, slug, user, "owner", "change this campaign")
    require_served(request.app.state.settings, body.basemap)
    campaign = await service.update_campaign(session, campaign, body, user)
    return (await service.describe(session, [campaign], str(request.base_url)))[0]


AREA_FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_MEMBER],
                    "properties": {
                        FILE_MEMBER: {
                            "type": "string",
                            "format": "binary",
                            "description": "GeoJSON, GeoPackage, zipped Shapefile or FlatGeobuf "
                            "holding the polygons of the area.",
                        },
                        **AreaFileOptions.model_json_schema()["properties"],
                    },
                }
            }
        },
    }
}


@router.post(
    "/{slug}/area-preview",
    response_model=AreaPreview,
    openapi_extra=AREA_FILE_BODY,
    responses=problem_responses(413, 422),
)
async def preview_area_file(
    slug: str, request: Request, session: SessionDep, user: CurrentUser
) -> AreaPreview:
    """Read a file's polygons as the campaign's area (owners only, like PATCH): their union,
    made valid, in WGS 84, and what was read. Nothing is stored: send `area` with PATCH."""
    await service.get_campaign_as(session, slug, user, "owner", "change this campaign")
    limit = area_upload.area_file_limit(request.app.state.settings.max_upload_bytes)
    async with receive_upload(request, limit) as upload:
        path = upload.file_path()  # first: a missing file is the first thing to say
        return await area_upload.preview_area_file(
            session, path, upload.filename or path.name, _area_options(upload)
        )


def _area_options(upload: Upload) -> AreaFileOptions:
    # An empty form member means "not given", as in an HTML form.
    given = {name: value for name, value in upload.received.members.items() if value.strip()}
    refuse_unstorable({**given, FILE_MEMBER: upload.filename})
    try:
        return AreaFileOptions.model_validate(given)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False)) from error


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
