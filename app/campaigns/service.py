"""Campaigns: creation (instance admins, or an organisation's admins and editors in it) and
changes, reading, and the compiled form."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
import shapely
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions, repository, schedule, versions
from app.campaigns.fields import PropertiesValidator, check_field_specs
from app.campaigns.models import Campaign
from app.campaigns.schemas import CampaignCreate, CampaignOut, CampaignUpdate, FieldSpec, MemberOut
from app.errors import Conflict, FieldError, NotFound, ValidationFailed, pointer
from app.observations.geojson import parse_feature
from app.observations.publication import PUBLISHED_STATUSES
from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.quality.checks_repository import layers_by_slug
from app.targets import service as targets


def _area_wkb(area: dict[str, Any]) -> bytes:
    """Validate a GeoJSON (Multi)Polygon and return it as MultiPolygon WKB."""
    feature = {"type": "Feature", "properties": {}, "geometry": area}
    try:
        parsed = parse_feature(feature, ("Polygon", "MultiPolygon"))
    except ValidationFailed as failure:
        raise ValidationFailed(
            [
                FieldError(e.path.replace("/geometry", "/area", 1), e.code, e.params)
                for e in failure.errors
            ]
        ) from failure
    geometry = shapely.from_wkb(parsed.wkb)
    if isinstance(geometry, shapely.Polygon):
        geometry = shapely.MultiPolygon([geometry])
    return shapely.to_wkb(geometry)


def _check_fields(fields: list[FieldSpec]) -> None:
    errors = check_field_specs(fields)
    if errors:
        raise ValidationFailed(errors)


async def _check_map_layers(session: AsyncSession, slugs: list[str] | None) -> None:
    known = await layers_by_slug(session, slugs or [])
    errors = [
        FieldError(pointer("map_layers", index), "quality_unknown_layer", {"layer": slug})
        for index, slug in enumerate(slugs or [])
        if slug not in known
    ]
    if errors:
        raise ValidationFailed(errors)


async def _organisation(session: AsyncSession, slug: str | None) -> Organisation | None:
    if slug is None:
        return None
    organisation = await organisations.get_by_slug(session, slug)
    if organisation is None:
        error = FieldError("/body/organisation", "organisation_unknown", {"slug": slug})
        raise ValidationFailed([error])
    return organisation


def _organisation_defaults(data: CampaignCreate, organisation: Organisation) -> dict[str, Any]:
    """The organisation's licence and attribution, for those the campaign leaves out."""
    defaults: dict[str, Any] = {}
    if "licence" not in data.model_fields_set and organisation.default_licence is not None:
        defaults["licence"] = organisation.default_licence
    if "attribution" not in data.model_fields_set and organisation.default_attribution is not None:
        defaults["attribution"] = organisation.default_attribution
    return defaults


async def create_campaign(session: AsyncSession, data: CampaignCreate, user: User) -> Campaign:
    """A new campaign whose creator is its owner (Forbidden unless the user may create it)."""
    organisation = await _organisation(session, data.organisation)
    await permissions.require_campaign_creator(session, user, organisation)
    _check_fields(data.fields)
    schedule.check_order(data.opens_at, data.closes_at)
    await _check_map_layers(session, data.map_layers)
    fields = [f.model_dump(mode="json") for f in data.fields]
    if data.targets is not None:
        await targets.check_settings(session, data.targets, fields, "/targets")
    _check_privacy(data.location_precision_m, fields, data.targets is not None)
    values = data.model_dump(exclude={"area", "fields", "organisation"})
    if organisation is not None:
        values.update(_organisation_defaults(data, organisation))
    campaign = Campaign(**values, fields=fields)
    campaign.created_by = user.id
    campaign.organisation_id = organisation.id if organisation else None
    if data.area is not None:
        campaign.area = repository.area_element(_area_wkb(data.area))
    try:
        async with session.begin_nested():
            campaign = await repository.add(session, campaign)
    except IntegrityError as error:
        raise Conflict("conflict_slug", slug=data.slug) from error
    await repository.set_member(session, campaign.id, user.id, "owner")
    await versions.record(session, campaign, user.id, "create")
    await targets.refresh(session, campaign)
    return campaign


async def update_campaign(
    session: AsyncSession, campaign: Campaign, data: CampaignUpdate, user: User | None = None
) -> Campaign:
    changes = data.model_dump(exclude_unset=True, exclude={"area", "fields"})
    schedule.check_order(
        changes.get("opens_at", campaign.opens_at), changes.get("closes_at", campaign.closes_at)
    )
    await _check_map_layers(session, data.map_layers)
    if data.fields is not None:
        _check_fields(data.fields)
        changes["fields"] = [f.model_dump(mode="json") for f in data.fields]
    if "area" in data.model_fields_set:
        changes["area"] = repository.area_element(_area_wkb(data.area)) if data.area else None
    new_targets = data.targets if "targets" in data.model_fields_set else None
    if new_targets is not None:
        fields = changes.get("fields", campaign.fields)
        await targets.check_settings(session, new_targets, fields, "/targets")
    _check_privacy(
        changes.get("location_precision_m", campaign.location_precision_m),
        [*changes.get("fields", campaign.fields), *(campaign.published_fields or [])],
        changes.get("targets", campaign.targets) is not None,
    )
    new_form = "fields" in changes and changes["fields"] != campaign.fields
    for name, value in changes.items():
        setattr(campaign, name, value)
    if new_form:  # an unchanged list makes no version
        await versions.record(session, campaign, user.id if user else None, "edit")
    campaign = await repository.save(session, campaign)
    if "targets" in data.model_fields_set:
        await targets.refresh(session, campaign)
    return campaign


def _check_privacy(
    precision_m: int | None, fields: list[dict[str, Any]], has_targets: bool
) -> None:
    """A campaign that publishes generalised places cannot also publish exact ones: a geopoint
    answer (in any form version, repeats included) or the target a visit names would give the
    contributor's place away."""
    if precision_m is None:
        return
    children = [child for spec in fields for child in spec.get("fields") or []]
    if has_targets or any(spec["type"] == "geopoint" for spec in [*fields, *children]):
        raise ValidationFailed(
            [FieldError("/location_precision_m", "generalised_with_exact_places")]
        )


async def get_campaign(session: AsyncSession, slug: str, user: User | None) -> Campaign:
    """The campaign, or NotFound when it does not exist or is a draft the user is not part of
    (a draft's very existence is private)."""
    campaign = await repository.get_by_slug(session, slug)
    if campaign is None:
        raise NotFound("campaign_not_found", slug=slug)
    if campaign.status == "draft" and await permissions.role_of(session, campaign, user) is None:
        raise NotFound("campaign_not_found", slug=slug)
    return campaign


async def get_campaign_as(
    session: AsyncSession, slug: str, user: User, needed: permissions.Role, action: str
) -> Campaign:
    """The campaign when the user holds at least the ``needed`` role in it (403 otherwise)."""
    campaign = await get_campaign(session, slug, user)
    await permissions.require_role(session, campaign, user, needed, action)
    return campaign


async def list_campaigns(
    session: AsyncSession, user: User | None, organisation_id: Any = None
) -> list[Campaign]:
    """The campaigns the user may see (of one organisation when given): drafts only for their
    members, the members of their organisation and instance admins."""
    campaigns = await repository.list_campaigns(session, True, organisation_id)
    if user is not None and user.is_admin:
        return campaigns
    mine = await repository.member_campaign_ids(session, user.id) if user else set()
    return [c for c in campaigns if c.status != "draft" or c.id in mine]


async def describe(
    session: AsyncSession, campaigns: list[Campaign], base_url: str
) -> list[CampaignOut]:
    """Campaigns as the API shows them: area as GeoJSON, counts and links."""
    ids = [c.id for c in campaigns]
    areas = await repository.area_geojson(session, ids)
    counts = await repository.observation_counts(session, ids)
    organisation_ids = {c.organisation_id for c in campaigns if c.organisation_id is not None}
    slugs = await organisations.slugs_by_id(session, organisation_ids) if organisation_ids else {}
    return [
        _out(c, areas.get(c.id), counts.get(c.id, 0), base_url, slugs.get(c.organisation_id))
        for c in campaigns
    ]


def basemap_style(campaign: Campaign, base_url: str) -> str | None:
    """The MapLibre style of the campaign's basemap: the served one, else its URL if a style."""
    if campaign.basemap:
        return f"{base_url}basemaps/{campaign.basemap}/style.json"
    url = campaign.basemap_url
    return url if url and "{z}" not in url else None


def _out(
    campaign: Campaign, area: str | None, count: int, base_url: str, organisation: str | None
) -> CampaignOut:
    url = f"{base_url}api/v1/campaigns/{campaign.slug}"
    return CampaignOut(
        id=campaign.id,
        slug=campaign.slug,
        organisation=organisation,
        title=campaign.title,
        description=campaign.description,
        area=orjson.loads(area) if area else None,
        geometry_types=campaign.geometry_types,
        fields=[FieldSpec.model_validate(f) for f in campaign.fields],
        form_version=campaign.form_version,
        fields_history=versions.published_fields(campaign),
        licence=campaign.licence,
        attribution=campaign.attribution,
        status=campaign.status,
        allow_anonymous=campaign.allow_anonymous,
        review_quorum=campaign.review_quorum,
        publication_policy=campaign.publication_policy,
        location_precision_m=campaign.location_precision_m,
        map_layers=campaign.map_layers or [],
        basemap_url=campaign.basemap_url,
        basemap=campaign.basemap,
        basemap_style=basemap_style(campaign, base_url),
        targets=campaign.targets,
        observation_count=count,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        accepting_contributions=schedule.accepting(campaign, datetime.now(UTC)),
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
        links=[
            {"rel": "self", "href": url},
            {"rel": "items", "href": f"{url}/observations"},
            {"rel": "license", "href": licence_url(campaign.licence)},
        ],
    )


def published_statuses(campaign: Campaign) -> tuple[str, ...]:
    return PUBLISHED_STATUSES[campaign.publication_policy]


_LICENCE_URLS = {
    "etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}


def licence_url(licence: str) -> str:
    return _LICENCE_URLS.get(licence, f"https://spdx.org/licenses/{licence}.html")


@lru_cache(maxsize=256)
def _validator(campaign_id: Any, form_version: int, fields_json: bytes) -> PropertiesValidator:
    specs = [FieldSpec.model_validate(f) for f in orjson.loads(fields_json)]
    return PropertiesValidator(specs)


def properties_validator(campaign: Campaign) -> PropertiesValidator:
    """The compiled current form of the campaign, cached by (campaign, form version)."""
    return _validator(campaign.id, campaign.form_version, orjson.dumps(campaign.fields))


async def list_members(session: AsyncSession, campaign: Campaign) -> list[MemberOut]:
    return [
        MemberOut(user_id=r[0], display_name=r[1], username=r[2], role=r[3], since=r[4])
        for r in await repository.members(session, campaign.id)
    ]


async def set_member(session: AsyncSession, campaign: Campaign, user_id: Any, role: str) -> None:
    if await session.get(User, user_id) is None:
        raise NotFound("user_not_found", id=str(user_id))
    await repository.set_member(session, campaign.id, user_id, role)


async def remove_member(session: AsyncSession, campaign: Campaign, user_id: Any) -> None:
    if not await repository.remove_member(session, campaign.id, user_id):
        raise NotFound("user_not_found", id=str(user_id))
