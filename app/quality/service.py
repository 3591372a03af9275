"""Managing a campaign's quality rules: checked in full before any is stored."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.fields import RESERVED_NAMES
from app.campaigns.models import Campaign
from app.errors import FieldError, ValidationFailed, pointer
from app.quality import layer_owners, layers_repository, rules_repository
from app.quality.models import QualityRule
from app.quality.rules import PARAMS_BY_KIND, RuleIn, RuleOut


async def get_rules(session: AsyncSession, campaign: Campaign) -> list[RuleOut]:
    return [
        RuleOut(name=r.name, kind=r.kind, severity=r.severity, params=r.params, message=r.message)
        for r in await rules_repository.rules_of(session, campaign.id)
    ]


async def replace_rules(
    session: AsyncSession, campaign: Campaign, rules: list[RuleIn]
) -> list[RuleOut]:
    """Replace every rule of the campaign, or none when any rule is wrong (422, with paths)."""
    params = await validated_params(session, campaign, rules)
    rows = [
        QualityRule(
            campaign_id=campaign.id, position=position, name=rule.name, kind=rule.kind,
            severity=rule.severity, params=params[position],
            message=rule.message.model_dump() if rule.message else None,
        )
        for position, rule in enumerate(rules)
    ]  # fmt: skip
    await rules_repository.replace_rules(session, campaign.id, rows)
    return await get_rules(session, campaign)


async def validated_params(
    session: AsyncSession, campaign: Campaign, rules: list[RuleIn]
) -> list[dict[str, Any]]:
    """Each rule's parameters as they are stored, or ValidationFailed naming every bad member."""
    errors, params = _check_params(rules)
    errors += await _check_references(session, campaign, rules, params)
    if errors:
        raise ValidationFailed(errors)
    return params


def _check_params(rules: list[RuleIn]) -> tuple[list[FieldError], list[dict[str, Any]]]:
    errors: list[FieldError] = []
    params: list[dict[str, Any]] = []
    names: set[str] = set()
    for position, rule in enumerate(rules):
        if rule.name in names:
            errors.append(
                FieldError(
                    pointer("rules", position, "name"),
                    "quality_duplicate_rule_name",
                    {"name": rule.name},
                )
            )
        names.add(rule.name)
        try:
            model = PARAMS_BY_KIND[rule.kind].model_validate(rule.params)
            params.append(model.model_dump(mode="json", exclude_none=True))
        except ValidationError as error:
            params.append({})
            errors.extend(
                FieldError(
                    pointer("rules", position, "params", *e["loc"]),
                    "quality_rule_params",
                    {"reason": e["msg"]},
                )
                for e in error.errors()
            )
    return errors, params


async def _check_references(
    session: AsyncSession, campaign: Campaign, rules: list[RuleIn], params: list[dict[str, Any]]
) -> list[FieldError]:
    """Layers must exist; fields named by rules must be the campaign's; derived names free."""
    slugs = [p["layer"] for p in params if isinstance(p.get("layer"), str)]
    layers = await layers_repository.owners_by_slug(session, slugs)
    fields = [spec["name"] for spec in campaign.fields]
    errors: list[FieldError] = []
    for position, (rule, rule_params) in enumerate(zip(rules, params, strict=True)):
        path = pointer("rules", position, "params")
        layer = rule_params.get("layer")
        if isinstance(layer, str) and layer not in layers:
            errors.append(FieldError(path + "/layer", "quality_unknown_layer", {"layer": layer}))
        elif isinstance(layer, str) and not layer_owners.usable_in(layers[layer], campaign):
            errors.append(FieldError(path + "/layer", "quality_layer_not_usable", {"layer": layer}))
        field = rule_params.get("same_field")
        if field and field not in fields:
            errors.append(
                FieldError(
                    path + "/same_field",
                    "quality_unknown_field",
                    {"name": field, "fields": ", ".join(fields)},
                )
            )
        for target in (
            (rule_params.get("properties") or {}).values() if rule.kind == "enrich" else ()
        ):
            if target in fields or target in RESERVED_NAMES:
                errors.append(
                    FieldError(path + "/properties", "quality_derived_collision", {"name": target})
                )
    return errors
