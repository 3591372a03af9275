"""The rule engine: runs a campaign's rules over a batch of candidates and explains the result.

Each rule kind has a checker that runs one set-based statement (``checks_repository``) for the
whole batch and turns its figures into findings. A finding becomes an issue with the rule's
name, severity, figures, related features and its message in French and English, so every
result can be explained from what is stored.

The score is explained in ``findings.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.i18n import Language
from app.quality import checks_repository as checks
from app.quality import rules_repository
from app.quality.checkers import CHECKERS, Check
from app.quality.checks_repository import CandidateArrays
from app.quality.findings import Candidate, CompiledRule, Finding, Verdict
from app.quality.rules import PARAMS_BY_KIND
from app.quality.wording import fill, finding_message

__all__ = ["Candidate", "CompiledRule", "Verdict", "compile_rules", "evaluate", "load_rules"]

_LANGUAGES: tuple[Language, ...] = ("fr", "en")


class RuleLike(Protocol):
    """A stored rule (``QualityRule``) or a proposed one (a dry run): what the engine reads."""

    name: str
    kind: str
    severity: str
    params: dict[str, Any]
    message: dict[str, str] | None


async def load_rules(session: AsyncSession, campaign: Campaign) -> list[CompiledRule]:
    """The campaign's rules with parameters parsed and layer slugs resolved to ids."""
    return await compile_rules(session, await rules_repository.rules_of(session, campaign.id))


async def compile_rules(session: AsyncSession, rules: Sequence[RuleLike]) -> list[CompiledRule]:
    """Rules with parameters parsed and layer slugs resolved to ids (missing layers skipped)."""
    slugs = [r.params["layer"] for r in rules if isinstance(r.params.get("layer"), str)]
    layers = await checks.layers_by_slug(session, slugs)
    compiled = []
    for rule in rules:
        params = PARAMS_BY_KIND[rule.kind].model_validate(rule.params)
        slug = getattr(params, "layer", None)
        layer_id, title = layers.get(slug, (None, None)) if slug else (None, None)
        if slug and layer_id is None:
            continue  # the layer is being re-imported or was removed: nothing to compare with
        compiled.append(
            CompiledRule(rule.name, rule.kind, rule.severity, params, rule.message,
                         layer_id, slug, title)
        )  # fmt: skip
    return compiled


async def evaluate(
    session: AsyncSession,
    campaign: Campaign,
    rules: Sequence[CompiledRule],
    candidates: Sequence[Candidate],
) -> list[Verdict]:
    """One verdict per candidate, in order; each rule runs once over the whole batch."""
    verdicts = [Verdict() for _ in candidates]
    if not rules or not candidates:
        return verdicts
    position = {candidate.index: n for n, candidate in enumerate(candidates)}
    by_index = {candidate.index: candidate for candidate in candidates}
    arrays = _arrays(candidates)
    for rule in rules:
        check = Check(session, campaign, rule, arrays, by_index)
        for index, finding in await CHECKERS[rule.kind](check):
            _record(verdicts[position[index]], rule, finding)
    return verdicts


def _arrays(candidates: Sequence[Candidate]) -> CandidateArrays:
    return CandidateArrays(
        indexes=[c.index for c in candidates],
        ids=[c.id for c in candidates],
        wkbs=[c.wkb for c in candidates],
        properties=[orjson.dumps(c.values).decode() for c in candidates],
        created_at=[c.created_at for c in candidates],
    )


def _record(verdict: Verdict, rule: CompiledRule, finding: Finding) -> None:
    verdict.derived.update(finding.derived)
    if finding.code is None:
        return
    figures = {"layer": rule.layer_title or rule.layer_slug, **finding.figures}
    figures = {k: _plain(v) for k, v in figures.items() if v is not None}
    issue = {
        "rule": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "code": finding.code,
        "figures": figures,
        "related": finding.related,
        "message": {lang: _message(rule, finding.code, lang, figures) for lang in _LANGUAGES},
    }
    (verdict.blocking if rule.severity == "block" else verdict.issues).append(issue)


def _plain(value: Any) -> Any:
    """30.0 reads "30" in a message; 42.25 stays as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _message(rule: CompiledRule, code: str, language: Language, figures: dict[str, Any]) -> str:
    if rule.message:
        try:
            return fill(rule.message[language], language, figures)
        except (KeyError, IndexError, ValueError):
            pass  # a custom wording naming a figure this finding lacks: use the default
    return finding_message(code, language, figures)
