"""Trying a proposed rule set on a campaign's stored observations, storing nothing.

The proposed rules are checked as ``PUT /rules`` checks them, compiled by the engine and run
over the live observations chunk by chunk, exactly as a recheck after saving would run them
(``recheck.py``): the figures answer "what would saving and rechecking do". The work happens in
a read-only savepoint that is rolled back, so nothing a dry run touches can be written.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.quality import dry_run_repository, engine, recheck, service
from app.quality.findings import CompiledRule, Verdict
from app.quality.rules import RuleIn

# A dry run answers within a request: past this many observations it says "checked N of M".
MAX_CHECKED = 5_000
CHUNK = 1000
DEFAULT_LISTED = 100
MAX_LISTED = 500


class RuleFigures(BaseModel):
    name: str
    kind: str
    severity: str
    observations: int = Field(description="Observations with at least one finding of the rule.")


class AffectedObservation(BaseModel):
    id: uuid.UUID
    geometry: dict[str, Any] = Field(description="GeoJSON geometry, as stored.")
    status: str = Field(description="The observation's status now.")
    status_after: str = Field(description="Its status after saving these rules and a recheck.")
    quality_score_after: float
    issues: list[dict[str, Any]] = Field(
        description="The findings, as a recheck would store them (message in fr and en)."
    )


class DryRunReport(BaseModel):
    """What saving the proposed rules and rechecking would do; nothing is stored."""

    total: int = Field(description="Live (not withdrawn) observations of the campaign.")
    checked: int = Field(description="Observations the rules ran over, oldest first.")
    complete: bool = Field(description="False when only the first `checked` of `total` ran.")
    flagged: int = Field(description="Checked observations with a flag or block finding.")
    refused: int = Field(
        description="Checked observations with a block finding: a new submission like them "
        "would be refused; stored ones are flagged instead."
    )
    noted: int = Field(description="Checked observations whose only findings are info.")
    changed: int = Field(description="Checked observations a recheck would rewrite.")
    statuses_after: dict[str, int] = Field(
        description="Checked observations by status after saving and rechecking."
    )
    rules: list[RuleFigures]
    affected: int = Field(description="Checked observations with at least one finding.")
    limit: int = Field(description="At most this many affected observations are listed.")
    observations: list[AffectedObservation] = Field(
        description="The first `limit` affected observations, oldest first."
    )


@dataclass(slots=True)
class _ProposedRule:
    name: str
    kind: str
    severity: str
    params: dict[str, Any]
    message: dict[str, str] | None


async def dry_run(
    session: AsyncSession,
    campaign: Campaign,
    rules: list[RuleIn],
    limit: int = DEFAULT_LISTED,
    max_checked: int = MAX_CHECKED,
) -> DryRunReport:
    """Run ``rules`` (refused as PUT refuses them) over the stored observations; store nothing."""
    params = await service.validated_params(session, campaign, rules)
    proposed = [
        _ProposedRule(rule.name, rule.kind, rule.severity, rule_params,
                      rule.message.model_dump() if rule.message else None)
        for rule, rule_params in zip(rules, params, strict=True)
    ]  # fmt: skip
    await session.flush()
    savepoint = await session.begin_nested()
    try:
        # PostgreSQL itself refuses any write here; the savepoint's rollback ends the mode.
        await session.execute(text("SET TRANSACTION READ ONLY"))
        tally = _Tally(limit=limit)
        compiled = await engine.compile_rules(session, proposed)
        total = await recheck.count_live(session, campaign)
        await _run(session, campaign, compiled, tally, max_checked)
        report = await tally.report(session, proposed, total)
    finally:
        await savepoint.rollback()
    return report


async def _run(
    session: AsyncSession,
    campaign: Campaign,
    rules: list[CompiledRule],
    tally: _Tally,
    max_checked: int,
) -> None:
    after: tuple[datetime, uuid.UUID] = (datetime.min.replace(tzinfo=UTC), uuid.UUID(int=0))
    while tally.checked < max_checked:
        size = min(CHUNK, max_checked - tally.checked)
        rows = await recheck.live_chunk(session, campaign, after, size)
        if not rows:
            return
        verdicts = await engine.evaluate(session, campaign, rules, recheck.candidates_of(rows))
        for row, verdict in zip(rows, verdicts, strict=True):
            tally.add(row, verdict)
        after = (rows[-1].created_at, rows[-1].id)


@dataclass
class _Tally:
    limit: int
    checked: int = 0
    flagged: int = 0
    refused: int = 0
    noted: int = 0
    changed: int = 0
    affected: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    listed: list[tuple[Any, str, float, list[dict[str, Any]]]] = field(default_factory=list)

    def add(self, row: Any, verdict: Verdict) -> None:
        status, score, issues = recheck.outcome(row, verdict)
        severities = {issue["severity"] for issue in issues}
        self.checked += 1
        self.statuses[status] += 1
        self.changed += recheck.changes(row, verdict)
        self.flagged += bool(severities & {"flag", "block"})
        self.refused += "block" in severities
        self.noted += severities == {"info"}
        self.by_rule.update({issue["rule"] for issue in issues})
        if issues:
            self.affected += 1
            if len(self.listed) < self.limit:
                self.listed.append((row, status, score, issues))

    async def report(
        self, session: AsyncSession, proposed: list[_ProposedRule], total: int
    ) -> DryRunReport:
        shapes = await dry_run_repository.geometries(session, [row.id for row, *_ in self.listed])
        observations = [
            AffectedObservation(id=row.id, geometry=shapes[row.id], status=row.status,
                                status_after=status, quality_score_after=score, issues=issues)
            for row, status, score, issues in self.listed
        ]  # fmt: skip
        rules = [RuleFigures(name=r.name, kind=r.kind, severity=r.severity,
                             observations=self.by_rule[r.name]) for r in proposed]  # fmt: skip
        return DryRunReport(
            total=total, checked=self.checked, complete=self.checked >= total,
            flagged=self.flagged, refused=self.refused, noted=self.noted, changed=self.changed,
            statuses_after=dict(self.statuses), rules=rules, affected=self.affected,
            limit=self.limit, observations=observations,
        )  # fmt: skip
