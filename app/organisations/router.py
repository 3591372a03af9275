from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from app.auth.deps import CurrentUser, OptionalUser
from app.campaigns import service as campaigns
from app.campaigns.schemas import CampaignList
from app.db.session import SessionDep
from app.organisations import service
from app.organisations.schemas import (
    MyOrganisationList,
    OrganisationCreate,
    OrganisationList,
    OrganisationMemberIn,
    OrganisationMemberList,
    OrganisationOut,
    OrganisationUpdate,
)
from app.problems import problem_responses

router = APIRouter(tags=["organisations"])
PREFIX = "/organisations"
MANAGE = "manage the members of this organisation"


@router.get(PREFIX, response_model=OrganisationList)
async def list_organisations(session: SessionDep) -> OrganisationList:
    """Every organisation, with the number of its campaigns open to the public."""
    return OrganisationList(organisations=await service.list_organisations(session))


@router.post(
    PREFIX,
    response_model=OrganisationOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409),
)
async def create_organisation(
    body: OrganisationCreate, request: Request, session: SessionDep, user: CurrentUser
) -> OrganisationOut:
    """Instance admins (or, with RELEVE_SELF_SERVICE_ORGANISATIONS, any named user) create an
    organisation and become its admin."""
    self_service = request.app.state.settings.self_service_organisations
    organisation = await service.create_organisation(session, body, user, self_service)
    return (await service.describe(session, [organisation]))[0]


@router.get(f"{PREFIX}/{{slug}}", response_model=OrganisationOut)
async def get_organisation(slug: str, session: SessionDep) -> OrganisationOut:
    organisation = await service.get_organisation(session, slug)
    return (await service.describe(session, [organisation]))[0]


@router.patch(f"{PREFIX}/{{slug}}", response_model=OrganisationOut)
async def update_organisation(
    slug: str, body: OrganisationUpdate, session: SessionDep, user: CurrentUser
) -> OrganisationOut:
    """Change the organisation (its admins and instance admins)."""
    organisation = await service.get_organisation_as_admin(
        session, slug, user, "change this organisation"
    )
    organisation = await service.update_organisation(session, organisation, body)
    return (await service.describe(session, [organisation]))[0]


@router.get(f"{PREFIX}/{{slug}}/members", response_model=OrganisationMemberList)
async def list_members(slug: str, session: SessionDep, user: CurrentUser) -> OrganisationMemberList:
    """The organisation's admins and editors (visible to its members and instance admins)."""
    organisation = await service.get_organisation(session, slug)
    await service.require_member(session, organisation, user)
    return OrganisationMemberList(members=await service.list_members(session, organisation))


@router.put(
    f"{PREFIX}/{{slug}}/members/{{user_id}}",
    response_model=OrganisationMemberList,
    responses=problem_responses(409),
)
async def set_member(
    slug: str,
    user_id: uuid.UUID,
    body: OrganisationMemberIn,
    session: SessionDep,
    user: CurrentUser,
) -> OrganisationMemberList:
    """Give a named user a role (its admins); the last admin cannot be demoted (409)."""
    organisation = await service.get_organisation_as_admin(session, slug, user, MANAGE)
    await service.set_member(session, organisation, user_id, body.role)
    return OrganisationMemberList(members=await service.list_members(session, organisation))


@router.delete(
    f"{PREFIX}/{{slug}}/members/{{user_id}}",
    response_model=OrganisationMemberList,
    responses=problem_responses(409),
)
async def remove_member(
    slug: str, user_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> OrganisationMemberList:
    """Remove a member (its admins; a member may leave); the last admin cannot be removed (409)."""
    organisation = await service.get_organisation_to_remove(session, slug, user, user_id)
    await service.remove_member(session, organisation, user_id)
    return OrganisationMemberList(members=await service.list_members(session, organisation))


@router.get(f"{PREFIX}/{{slug}}/campaigns", response_model=CampaignList)
async def list_campaigns(
    slug: str, request: Request, session: SessionDep, user: OptionalUser
) -> CampaignList:
    """The organisation's campaigns the reader may see: drafts only for its members."""
    found = await service.list_campaigns(session, slug, user)
    return CampaignList(campaigns=await campaigns.describe(session, found, str(request.base_url)))


@router.get("/me/organisations", response_model=MyOrganisationList)
async def my_organisations(session: SessionDep, user: CurrentUser) -> MyOrganisationList:
    """The caller's organisations, with their role in each."""
    return MyOrganisationList(organisations=await service.my_organisations(session, user))
