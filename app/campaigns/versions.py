"""Form versions: every change of a campaign's fields is a numbered, immutable version.

``published_fields`` is the one union of the fields across versions that every open output
(API, OGC items, queryables and schema, exports, tiles) publishes: the current fields first,
then the retired ones with ``retired_from`` (the first version without them); a retired
choice keeps its label and gets ``retired_from`` too. The union is kept up to date on the
campaign row at each new version (``campaigns.published_fields``), so reading it costs
nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.fields import PropertiesValidator
from app.campaigns.models import Campaign, FormVersion
from app.campaigns.schemas import FieldSpec


def union_fields(
    previous: list[dict[str, Any]], current: list[dict[str, Any]], version: int
) -> list[dict[str, Any]]:
    """The fields of ``current`` (version ``version``), then those of ``previous`` (the union
    before it) that ``current`` lacks, marked retired from ``version`` unless already."""
    old = {spec["name"]: spec for spec in previous}
    union = [_with_retired_choices(spec, old.get(spec["name"]), version) for spec in current]
    names = {spec["name"] for spec in current}
    for spec in previous:
        if spec["name"] not in names:
            union.append({**spec, "retired_from": spec.get("retired_from", version)})
    return union


def _with_retired_choices(
    spec: dict[str, Any], old: dict[str, Any] | None, version: int
) -> dict[str, Any]:
    if not old or not old.get("choices") or spec.get("type") != "choice":
        return spec
    values = {choice["value"] for choice in spec.get("choices") or []}
    retired = [
        {**choice, "retired_from": choice.get("retired_from", version)}
        for choice in old["choices"]
        if choice["value"] not in values
    ]
    return {**spec, "choices": [*(spec.get("choices") or []), *retired]} if retired else spec


def published_fields(campaign: Campaign) -> list[dict[str, Any]]:
    """The fields of every version of the campaign's form (see the module's doc)."""
    return campaign.published_fields or campaign.fields


def is_retired(spec: dict[str, Any]) -> bool:
    return spec.get("retired_from") is not None


async def record(
    session: AsyncSession,
    campaign: Campaign,
    user_id: uuid.UUID | None,
    made_by: str,
    steps: list[dict[str, Any]] | None = None,
    counts: dict[str, Any] | None = None,
) -> int:
    """Store the campaign's current ``fields`` as its next form version (version 1 for a new
    campaign) and update the published union; returns the version number."""
    version = campaign.form_version + 1 if made_by != "create" else 1
    session.add(
        FormVersion(
            campaign_id=campaign.id, version=version, fields=campaign.fields, made_by=made_by,
            steps=steps or [], counts=counts or {}, created_by=user_id,
        )
    )  # fmt: skip
    previous = campaign.published_fields if made_by != "create" else []
    campaign.published_fields = union_fields(previous or [], campaign.fields, version)
    campaign.form_version = version
    await session.flush()
    await session.refresh(campaign)
    return version


async def list_versions(session: AsyncSession, campaign_id: uuid.UUID) -> list[FormVersion]:
    query = (
        select(FormVersion)
        .where(FormVersion.campaign_id == campaign_id)
        .order_by(FormVersion.version)
    )
    return list(await session.scalars(query))


async def get_version(
    session: AsyncSession, campaign_id: uuid.UUID, version: int
) -> FormVersion | None:
    return await session.get(FormVersion, (campaign_id, version))


# The compiled forms of past versions: a version never changes, so (campaign, version) is
# a sufficient key.
_VALIDATORS: dict[tuple[uuid.UUID, int], PropertiesValidator] = {}


def compile_fields(fields: list[dict[str, Any]]) -> PropertiesValidator:
    return PropertiesValidator([FieldSpec.model_validate(f) for f in fields])


async def validator_at(
    session: AsyncSession, campaign: Campaign, version: int
) -> PropertiesValidator:
    """The compiled form of one version of the campaign (the current one from the row)."""
    from app.campaigns.service import properties_validator

    if version == campaign.form_version:
        return properties_validator(campaign)
    key = (campaign.id, version)
    if key not in _VALIDATORS:
        row = await get_version(session, campaign.id, version)
        fields = row.fields if row is not None else campaign.fields
        if len(_VALIDATORS) > 512:
            _VALIDATORS.clear()
        _VALIDATORS[key] = compile_fields(orjson.loads(orjson.dumps(fields)))
    return _VALIDATORS[key]
