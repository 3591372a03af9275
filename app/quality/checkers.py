"""One checker per rule kind: run the kind's statement over the batch, judge the figures.

A checker gets the batch once (``Check``) and returns ``(candidate index, Finding)`` pairs; it
compares figures to the rule's thresholds and leaves wording and storage to the engine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.quality import checks_repository as checks
from app.quality.checks_repository import CandidateArrays
from app.quality.findings import Candidate, CompiledRule, Finding, feature_label
from app.quality.originals import original_names

Findings = list[tuple[int, Finding]]


@dataclass(slots=True)
class Check:
    session: AsyncSession
    campaign: Campaign
    rule: CompiledRule
    arrays: CandidateArrays
    by_index: dict[int, Candidate]


def _related(rule: CompiledRule, feature_id: Any, properties: Any) -> list[dict[str, Any]]:
    if feature_id is None:
        return []
    label = feature_label(feature_id, properties)
    return [{"layer": rule.layer_slug, "id": feature_id, "label": label}]


def _m(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


async def _inside(check: Check) -> Findings:
    rule, params = check.rule, check.rule.params
    if rule.layer_id is None and check.campaign.area is None:
        return []
    rows = await checks.inside(
        check.session, check.arrays, layer_id=rule.layer_id, campaign_id=check.campaign.id,
        where=params.where,
    )  # fmt: skip
    code = "quality_inside_layer" if rule.layer_id else "quality_inside_area"
    findings: Findings = []
    for index, feature_id, properties, outside_m in rows:
        if outside_m is None:
            findings.append((index, Finding("quality_layer_empty")))
        elif outside_m > params.tolerance_m:
            figures = {"outside_m": _m(outside_m), "tolerance_m": params.tolerance_m}
            related = _related(rule, feature_id, properties)
            findings.append((index, Finding(code, figures, related)))
    return findings


async def _near(check: Check) -> Findings:
    rule, params = check.rule, check.rule.params
    rows = await checks.nearest(
        check.session, check.arrays, layer_id=_layer(rule), where=params.where,
        metres=params.max_distance_m,
    )  # fmt: skip
    findings: Findings = []
    for index, feature_id, properties, distance_m in rows:
        if distance_m is None:
            findings.append((index, Finding("quality_layer_empty")))
        elif distance_m > params.max_distance_m:
            figures = {
                "distance_m": _m(distance_m),
                "max_m": params.max_distance_m,
                "feature": feature_label(feature_id, properties),
            }
            related = _related(rule, feature_id, properties)
            findings.append((index, Finding("quality_near", figures, related)))
    return findings


async def _not_inside(check: Check) -> Findings:
    rule = check.rule
    rows = await checks.intersecting(
        check.session, check.arrays, layer_id=_layer(rule), where=rule.params.where
    )
    findings: Findings = []
    for index, feature_id, properties in rows:
        figures = {"feature": feature_label(feature_id, properties)}
        related = _related(rule, feature_id, properties)
        findings.append((index, Finding("quality_not_inside", figures, related)))
    return findings


async def _max_overlap(check: Check) -> Findings:
    rule, params = check.rule, check.rule.params
    rows = await checks.overlap_percent(
        check.session, check.arrays, layer_id=_layer(rule), where=params.where
    )
    findings: Findings = []
    for index, feature_ids, percent in rows:
        if percent is not None and percent > params.max_percent:
            figures = {"overlap_percent": _m(percent), "max_percent": params.max_percent}
            related = [{"layer": rule.layer_slug, "id": fid} for fid in feature_ids[:20]]
            findings.append((index, Finding("quality_max_overlap", figures, related)))
    return findings


async def _matches(check: Check) -> Findings:
    rule, params = check.rule, check.rule.params
    rows = await checks.best_match(
        check.session, check.arrays, layer_id=_layer(rule), where=params.where
    )
    findings: Findings = []
    for index, feature_id, properties, iou in rows:
        if feature_id is None:
            findings.append((index, Finding("quality_matches_none")))
        elif 100 * iou < params.min_iou_percent:
            figures = {
                "iou_percent": _m(100 * iou),
                "min_percent": params.min_iou_percent,
                "feature": feature_label(feature_id, properties),
            }
            related = _related(rule, feature_id, properties)
            findings.append((index, Finding("quality_matches", figures, related)))
    return findings


async def _duplicate(check: Check) -> Findings:
    params = check.rule.params
    # New submissions are also compared with those earlier in the same batch; a recheck of
    # stored observations finds its originals among the stored ones.
    within_batch = all(c.created_at is None for c in check.by_index.values())
    common = {"campaign_id": check.campaign.id, "field": params.same_field,
              "within_batch": within_batch}  # fmt: skip
    points: Sequence[Any] = []
    if check.arrays.has(0) or check.arrays.has(1):
        points = await checks.duplicate_points(
            check.session, check.arrays, metres=params.distance_m, **common
        )
    polygons: Sequence[Any] = []
    if check.arrays.has(2):
        polygons = await checks.duplicate_polygons(check.session, check.arrays, **common)
    polygons = [row for row in polygons if row[2] is not None
                and 100 * row[2] > params.min_iou_percent]  # fmt: skip
    originals = [row[1] for row in (*points, *polygons)]
    shown = await _nameable(check, originals)
    names = await original_names(
        check.session, check.campaign, check.by_index.values(), [o for o in originals if o in shown]
    )
    findings: Findings = []
    for index, original, distance_m in points:
        figures = {"distance_m": _m(distance_m), "min_m": params.distance_m}
        finding = _duplicate_finding(check, "near", original, figures, shown, names)
        findings.append((index, finding))
    for index, original, iou in polygons:
        figures = {"iou_percent": _m(100 * iou), "max_percent": params.min_iou_percent}
        finding = _duplicate_finding(check, "overlap", original, figures, shown, names)
        findings.append((index, finding))
    return findings


async def _nameable(check: Check, originals: list[Any]) -> set[Any]:
    """Originals a finding may name: published ones, and those of a new batch itself (the
    submitter's own)."""
    if not originals:
        return set()
    new = [c.id for c in check.by_index.values() if c.created_at is None]
    return set(new) | await checks.published_among(check.session, originals)


def _duplicate_finding(
    check: Check, kind: str, original: Any, figures: dict[str, Any], shown: set[Any],
    names: dict[Any, str],
) -> Finding:  # fmt: skip
    """Whoever submits or checks sees the finding (and the public its stored copy): with
    location generalisation the distance or overlap to another observation is withheld (three
    distances would trilaterate it), and an unpublished original is never named."""
    code = f"quality_duplicate_{kind}"
    thresholds = {"min_m": figures.get("min_m"), "max_percent": figures.get("max_percent")}
    if check.campaign.location_precision_m:
        code += "_generalised"
        figures = {**thresholds, "precision_m": check.campaign.location_precision_m}
    if original not in shown:
        return Finding(f"{code}_unpublished", thresholds)
    named = {"original": str(original), "original_name": names.get(original, str(original))}
    return Finding(code, {**named, **figures}, [{"observation": str(original)}])


async def _accuracy(check: Check) -> Findings:
    params = check.rule.params
    findings: Findings = []
    for index, candidate in check.by_index.items():
        if candidate.accuracy_m is None:
            if params.required:
                findings.append((index, Finding("quality_accuracy_missing")))
        elif candidate.accuracy_m > params.max_m:
            figures = {"accuracy_m": _m(candidate.accuracy_m), "max_m": params.max_m}
            findings.append((index, Finding("quality_accuracy", figures)))
    return findings


_SIZE_CODES = {
    2: ("area_m2", "quality_area_too_small", "quality_area_too_large"),
    1: ("length_m", "quality_length_too_short", "quality_length_too_long"),
}


async def _size(check: Check) -> Findings:
    low, high = check.rule.params.min, check.rule.params.max
    findings: Findings = []
    for index, dimension, area_m2, length_m in await checks.sizes(check.session, check.arrays):
        if dimension not in _SIZE_CODES:
            continue  # points have no size
        name, too_small, too_large = _SIZE_CODES[dimension]
        value = area_m2 if dimension == 2 else length_m
        if low is not None and value < low:
            findings.append((index, Finding(too_small, {name: _m(value), "min": low})))
        elif high is not None and value > high:
            findings.append((index, Finding(too_large, {name: _m(value), "max": high})))
    return findings


async def _observed_at(check: Check) -> Findings:
    params = check.rule.params
    now = datetime.now(UTC)
    future = now + timedelta(minutes=params.future_tolerance_minutes)
    findings: Findings = []
    for index, candidate in check.by_index.items():
        observed = candidate.observed_at
        if observed is None:
            if params.required:
                findings.append((index, Finding("quality_observed_missing")))
        elif observed > future:
            future_figures: dict[str, Any] = {"observed_at": observed.isoformat()}
            findings.append((index, Finding("quality_observed_future", future_figures)))
        elif params.max_age_days and (age := (now - observed).days) > params.max_age_days:
            old_figures: dict[str, Any] = {"age_days": age, "max_days": params.max_age_days}
            findings.append((index, Finding("quality_observed_too_old", old_figures)))
    return findings


async def _enrich(check: Check) -> Findings:
    params = check.rule.params
    rows = await checks.containing_or_nearest(
        check.session, check.arrays, layer_id=_layer(check.rule),
        nearest=params.mode == "nearest", metres=params.max_distance_m,
    )  # fmt: skip
    findings: Findings = []
    for index, feature_id, properties in rows:
        if feature_id is None:
            figures = {"properties": ", ".join(params.properties)}
            findings.append((index, Finding("quality_enrich_none", figures)))
            continue
        derived = {target: properties.get(source) for source, target in params.properties.items()}
        findings.append((index, Finding(None, derived=derived)))
    return findings


def _layer(rule: CompiledRule) -> Any:
    assert rule.layer_id is not None, "rules naming a missing layer are skipped at load"
    return rule.layer_id


CHECKERS: dict[str, Callable[[Check], Awaitable[Findings]]] = {
    "inside": _inside,
    "near": _near,
    "not_inside": _not_inside,
    "max_overlap": _max_overlap,
    "matches": _matches,
    "duplicate": _duplicate,
    "accuracy": _accuracy,
    "size": _size,
    "observed_at": _observed_at,
    "enrich": _enrich,
}
