"""Submitting observations: idempotent on the observation's UUID, checked by the campaign's rules.

The same id with the same content returns the stored observation; the same id with other
content is a conflict. A batch answers each feature on its own: features are parsed and
validated in bulk, every quality rule runs once over the whole batch, and all new rows are
written in one statement, in the request's transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import permissions, schedule
from app.campaigns import service as campaigns
from app.campaigns.fields import CleanProperties
from app.campaigns.models import Campaign
from app.errors import Conflict, FieldError, Forbidden, ValidationFailed, pointer
from app.guards import unstorable_errors
from app.i18n import Language
from app.observations import repository
from app.observations.geojson import ParsedFeature, parse_feature, parse_features
from app.observations.repository import FeatureRow, NewObservation
from app.quality import engine
from app.quality.engine import Candidate, Verdict
from app.targets import service as targets

Outcome = Literal["created", "replayed", "conflict", "invalid"]


@dataclass(slots=True)
class ItemResult:
    index: int
    id: uuid.UUID | None
    outcome: Outcome
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    version: int | None = None
    status: str | None = None


@dataclass(slots=True)
class _Ready:
    parsed: ParsedFeature
    clean: CleanProperties
    id: uuid.UUID
    digest: bytes
    path: str
    target: uuid.UUID | None = None


async def ensure_can_contribute(
    session: AsyncSession, campaign: Campaign, user: User, now: datetime
) -> None:
    """Open campaigns take anyone's contributions within their dates; drafts, and open
    campaigns before their opening, only their members' (to try the form)."""
    if campaign.status == "draft":
        if await permissions.role_of(session, campaign, user) is None:
            raise Conflict("campaign_not_open", slug=campaign.slug, status=campaign.status)
    elif campaign.status != "open":
        raise Conflict("campaign_not_open", slug=campaign.slug, status=campaign.status)
    else:
        early = campaign.opens_at is not None and now < campaign.opens_at
        member = early and await permissions.role_of(session, campaign, user) is not None
        refused = schedule.refusal(campaign, now, member)
        if refused is not None:
            raise refused
    if user.is_device and not campaign.allow_anonymous:
        raise Forbidden("anonymous_not_allowed", slug=campaign.slug)


def submission_digest(campaign: Campaign, parsed: ParsedFeature, clean: CleanProperties) -> bytes:
    """SHA-256 of the canonical content: what 'the same submission' means for a replay."""
    canonical = [
        str(campaign.id),
        parsed.geometry,
        clean.values,
        clean.observed_at.isoformat() if clean.observed_at else None,
        clean.accuracy_m,
    ]
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).digest()


def _parse(
    campaign: Campaign, features: list[Any], single: bool
) -> list[ParsedFeature | list[FieldError]]:
    if not single:
        return parse_features(features, campaign.geometry_types, "/features")
    try:
        return [parse_feature(features[0], campaign.geometry_types, "")]
    except ValidationFailed as failure:
        return [failure.errors]


def _prepare(
    campaign: Campaign, features: list[Any], single: bool
) -> tuple[list[_Ready], list[ItemResult]]:
    """Parse and validate every feature; split into ready rows and refused items."""
    validator = campaigns.properties_validator(campaign)
    ready: list[_Ready] = []
    refused: list[ItemResult] = []
    first_index: dict[uuid.UUID, int] = {}
    for index, outcome in enumerate(_parse(campaign, features, single)):
        item_path = "" if single else pointer("features", index)
        # PostgreSQL cannot store U+0000: such a feature is refused alone, the others go on.
        unstorable = unstorable_errors(features[index], item_path)
        if unstorable:
            refused.append(ItemResult(index, _raw_id(features[index]), "invalid", unstorable))
            continue
        if isinstance(outcome, list):
            refused.append(ItemResult(index, _raw_id(features[index]), "invalid", outcome))
            continue
        target, target_error = _split_target(campaign, outcome, item_path)
        clean, errors = validator.validate(outcome.properties, item_path + "/properties")
        errors.extend([target_error] if target_error else [])
        observation_id = outcome.id or uuid.uuid4()
        if outcome.id in first_index:
            errors.append(
                FieldError(item_path + "/id", "duplicate_id_in_batch",
                           {"id": str(outcome.id), "first": first_index[outcome.id]})
            )  # fmt: skip
        if errors or clean is None:
            refused.append(ItemResult(index, outcome.id, "invalid", errors, outcome.warnings))
            continue
        first_index[observation_id] = index
        if target is not None:
            clean.values["target"] = str(target)
        digest = submission_digest(campaign, outcome, clean)
        ready.append(_Ready(outcome, clean, observation_id, digest, item_path, target))
    return ready, refused


def _split_target(
    campaign: Campaign, parsed: ParsedFeature, item_path: str
) -> tuple[uuid.UUID | None, FieldError | None]:
    """``target`` names a target of a monitoring campaign; elsewhere it is an unknown member."""
    if campaign.targets is None:
        return None, None
    return targets.split_target(parsed.properties, item_path + "/properties/target")


async def _drop_unknown_targets(
    session: AsyncSession, campaign: Campaign, ready: list[_Ready], results: list[ItemResult]
) -> list[_Ready]:
    named = [item.target for item in ready if item.target is not None]
    unknown = await targets.unknown_targets(session, campaign, named)
    if not unknown:
        return ready
    kept = []
    for item in ready:
        if item.target in unknown:
            path = item.path + "/properties/target"
            error = FieldError(path, "unknown_target", {"id": str(item.target)})
            results.append(ItemResult(item.parsed.index, item.id, "invalid", [error]))
        else:
            kept.append(item)
    return kept


def _raw_id(feature: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(feature.get("id"))
    except (AttributeError, TypeError, ValueError):
        return None


async def submit_batch(
    session: AsyncSession, campaign: Campaign, user: User, features: list[Any], single: bool = False
) -> list[ItemResult]:
    """Store every valid new feature; answer each feature with its own outcome, in order."""
    now = datetime.now(UTC)
    await ensure_can_contribute(session, campaign, user, now)
    ready, results = _prepare(campaign, features, single)
    ready = _drop_late(campaign, ready, results, now)
    ready = await _drop_unknown_targets(session, campaign, ready, results)
    known = await repository.submission_hashes(session, [item.id for item in ready])
    fresh = [item for item in ready if item.id not in known]
    rules = await engine.load_rules(session, campaign)
    verdicts = await engine.evaluate(session, campaign, rules, _candidates(fresh))
    rows = []
    for item, verdict in zip(fresh, verdicts, strict=True):
        if verdict.blocking:
            results.append(_blocked(item, verdict))
        else:
            rows.append(_new_row(item, verdict))
    # One Feature is a person contributing; a FeatureCollection (batch endpoint, demo loader)
    # an import, which the review queue puts after people's contributions.
    origin = "field" if single else "import"
    inserted = await repository.insert_batch(
        session, campaign.id, user.id, rows, bool(rules), origin
    )
    # Ids taken meanwhile by a concurrent request are answered like those known before.
    known |= await repository.submission_hashes(
        session, [row.id for row in rows if row.id not in inserted]
    )
    statuses = {row.id: row.status for row in rows}
    visited = [item.target for item in fresh if item.id in inserted and item.target is not None]
    await targets.visited(session, campaign, user, visited)
    for item in ready:
        if item.id in inserted or item.id in known:
            results.append(_outcome(item, inserted, statuses, known))
    results.sort(key=lambda result: result.index)
    return results


def _drop_late(
    campaign: Campaign, ready: list[_Ready], results: list[ItemResult], now: datetime
) -> list[_Ready]:
    """After the closing, within the allowance: observations made after it are refused alone."""
    kept = []
    for item in ready:
        late = schedule.late_error(campaign, item.clean.observed_at, now, item.path)
        if late is None:
            kept.append(item)
        else:
            results.append(ItemResult(item.parsed.index, item.id, "invalid", [late]))
    return kept


def _candidates(items: list[_Ready]) -> list[Candidate]:
    return [
        Candidate(item.parsed.index, item.id, item.parsed.wkb, item.clean.values,
                  item.clean.accuracy_m, item.clean.observed_at)
        for item in items
    ]  # fmt: skip


def _new_row(item: _Ready, verdict: Verdict) -> NewObservation:
    return NewObservation(
        id=item.id,
        wkb=item.parsed.wkb,
        properties_json=orjson.dumps(item.clean.values).decode(),
        observed_at=item.clean.observed_at,
        accuracy_m=item.clean.accuracy_m,
        submission_hash=item.digest,
        status=verdict.status,
        quality_score=verdict.score,
        quality_issues_json=orjson.dumps(verdict.issues).decode() if verdict.issues else "[]",
        derived_json=orjson.dumps(verdict.derived).decode() if verdict.derived else "{}",
    )


# Where a blocking finding points in the submitted Feature.
_ISSUE_PATHS = {"accuracy": "/properties/accuracy_m", "observed_at": "/properties/observed_at"}


def blocking_errors(path: str, verdict: Verdict) -> list[FieldError]:
    return [
        FieldError(
            path + _ISSUE_PATHS.get(issue["kind"], "/geometry"),
            issue["code"],
            {"rule": issue["rule"], **issue["figures"]},
            messages=issue["message"],
        )
        for issue in verdict.blocking
    ]


def _blocked(item: _Ready, verdict: Verdict) -> ItemResult:
    errors = blocking_errors(item.path, verdict)
    return ItemResult(item.parsed.index, item.id, "invalid", errors, item.parsed.warnings)


def _outcome(
    item: _Ready,
    inserted: set[uuid.UUID],
    statuses: dict[uuid.UUID, str],
    known: dict[uuid.UUID, tuple[bytes, int, str]],
) -> ItemResult:
    index, warnings = item.parsed.index, item.parsed.warnings
    if item.id in inserted:
        return ItemResult(index, item.id, "created", [], warnings, 1, statuses[item.id])
    digest, version, status = known[item.id]
    if digest == item.digest:
        return ItemResult(index, item.id, "replayed", [], warnings, version, status)
    error = FieldError(item.path + "/id", "idempotency_conflict", {"id": str(item.id)})
    return ItemResult(index, item.id, "conflict", [error], warnings, version, status)


async def submit_one(
    session: AsyncSession, campaign: Campaign, user: User, feature: Any
) -> tuple[ItemResult, FeatureRow]:
    """Submit a single Feature: raises ValidationFailed (422) or Conflict (409) when refused."""
    (result,) = await submit_batch(session, campaign, user, [feature], single=True)
    if result.outcome == "invalid":
        raise ValidationFailed(result.errors)
    if result.outcome == "conflict":
        conflict = Conflict("idempotency_conflict", id=str(result.id))
        conflict.extra["current_version"] = result.version
        raise conflict
    assert result.id is not None
    row = await repository.feature(session, result.id)
    assert row is not None
    return result, row


async def check(session: AsyncSession, campaign: Campaign, feature: Any) -> tuple[_Ready, Verdict]:
    """Run the campaign's rules on a candidate Feature without storing anything."""
    ready, refused = _prepare(campaign, [feature], single=True)
    if refused:
        raise ValidationFailed(refused[0].errors)
    rules = await engine.load_rules(session, campaign)
    (verdict,) = await engine.evaluate(session, campaign, rules, _candidates(ready))
    return ready[0], verdict


def check_report(item: _Ready, verdict: Verdict, language: Language) -> dict[str, Any]:
    """What /check answers: would the submission be refused, flagged or accepted, and why."""
    outcome = (
        "refused"
        if verdict.blocking
        else ("flagged" if verdict.status == "flagged" else "accepted")
    )
    return {
        "outcome": outcome,
        "status": None if verdict.blocking else verdict.status,
        "quality_score": None if verdict.blocking else verdict.score,
        "errors": [error.to_json(language) for error in blocking_errors("", verdict)],
        "issues": [{**issue, "detail": issue["message"][language]} for issue in verdict.issues],
        "derived": verdict.derived,
        "warnings": [warning.to_json(language) for warning in item.parsed.warnings],
    }
