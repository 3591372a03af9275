"""Re-evaluating a campaign's stored observations after its rules or layers changed.

Streams the observations in keyset order, a chunk at a time, each chunk in its own
transaction: every rule runs once per chunk, and only observations whose result changed are
written, each as a new version with a ``quality_rechecked`` event on its timeline saying what
changed. Blocking rules cannot refuse what is already stored: their findings flag it instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns import repository as campaigns_repository
from app.campaigns.models import Campaign
from app.db.session import Database
from app.errors import NotFound
from app.quality import engine
from app.quality.findings import Candidate, Verdict

# Statuses a recheck may move between; reviewed observations keep theirs.
UNREVIEWED = ("pending", "flagged")

_CHUNK = text(
    """
    SELECT id, ST_AsBinary(geom) AS wkb, properties, accuracy_m, observed_at, created_at,
           status, quality_score, quality_issues, derived
    FROM observations
    WHERE campaign_id = :campaign_id AND status <> 'withdrawn'
      AND (created_at, id) > (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid))
    ORDER BY created_at, id
    LIMIT :limit
    """
)
_APPLY = text(
    """
    WITH input AS (
        SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]),
                             CAST(:scores AS float8[]), CAST(:issues AS text[]),
                             CAST(:derived AS text[]), CAST(:changes AS text[]))
               AS t(id, status, score, issues, derived, changes)
    ), changed AS (
        UPDATE observations o SET
            status = i.status, quality_score = i.score, quality_issues = CAST(i.issues AS jsonb),
            derived = CAST(i.derived AS jsonb), version = o.version + 1,
            change_seq = nextval('observation_change_seq'), updated_at = now()
        FROM input i WHERE o.id = i.id
        RETURNING o.*, i.changes
    ), history AS (
        INSERT INTO observation_versions (observation_id, version, change_kind, geom, properties,
                                          observed_at, accuracy_m, status, changed_by,
                                          changed_at, change_seq, form_version)
        SELECT id, version, 'rechecked', geom, properties, observed_at, accuracy_m, status, NULL,
               updated_at, change_seq, form_version
        FROM changed
    )
    INSERT INTO observation_events (observation_id, kind, payload, created_at)
    SELECT id, 'quality_rechecked', CAST(changes AS jsonb), updated_at FROM changed
    """
)


@dataclass(slots=True)
class RecheckReport:
    checked: int = 0
    changed: int = 0


async def count_live(session: AsyncSession, campaign: Campaign) -> int:
    query = text(
        "SELECT count(*) FROM observations WHERE campaign_id = :c AND status <> 'withdrawn'"
    )
    return int(await session.scalar(query, {"c": campaign.id}) or 0)


async def recheck_campaign(
    database: Database,
    slug: str,
    chunk_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> RecheckReport:
    """Re-evaluate every live observation of the campaign; one transaction per chunk."""
    report = RecheckReport()
    after: tuple[datetime, uuid.UUID] = (datetime.min.replace(tzinfo=UTC), uuid.UUID(int=0))
    while True:
        async with database.session() as session:
            campaign = await campaigns_repository.get_by_slug(session, slug)
            if campaign is None:
                raise NotFound("campaign_not_found", slug=slug)
            rows = await live_chunk(session, campaign, after, chunk_size)
            if not rows:
                return report
            report.changed += await _recheck_chunk(session, campaign, rows)
            await session.commit()
        report.checked += len(rows)
        after = (rows[-1].created_at, rows[-1].id)
        if progress:
            progress(len(rows))


async def live_chunk(
    session: AsyncSession, campaign: Campaign, after: tuple[datetime, uuid.UUID], limit: int
) -> list[Any]:
    """The next ``limit`` live observations after the ``(created_at, id)`` key, in that order."""
    parameters = {"campaign_id": campaign.id, "after_at": after[0], "after_id": after[1],
                  "limit": limit}  # fmt: skip
    return list(await session.execute(_CHUNK, parameters))


def candidates_of(rows: list[Any]) -> list[Candidate]:
    return [
        Candidate(n, row.id, bytes(row.wkb), row.properties, row.accuracy_m, row.observed_at,
                  row.created_at)
        for n, row in enumerate(rows)
    ]  # fmt: skip


async def _recheck_chunk(session: AsyncSession, campaign: Campaign, rows: list[Any]) -> int:
    rules = await engine.load_rules(session, campaign)
    verdicts = await engine.evaluate(session, campaign, rules, candidates_of(rows))
    updates = [u for row, v in zip(rows, verdicts, strict=True) if (u := _update(row, v))]
    if updates:
        columns = ("ids", "statuses", "scores", "issues", "derived", "changes")
        await session.execute(
            _APPLY, dict(zip(columns, map(list, zip(*updates, strict=True)), strict=True))
        )
    return len(updates)


def outcome(row: Any, verdict: Verdict) -> tuple[str, float, list[dict[str, Any]]]:
    """The status, score and issues a recheck gives ``row`` under ``verdict``."""
    issues = verdict.issues + verdict.blocking
    status = row.status
    if status in UNREVIEWED:
        status = "flagged" if any(i["severity"] in ("flag", "block") for i in issues) else "pending"
    return status, Verdict(issues=issues).score, issues


def changes(row: Any, verdict: Verdict) -> bool:
    """Whether a recheck would write ``row`` (its issues, derived values or status change)."""
    status, _, issues = outcome(row, verdict)
    return (issues, verdict.derived, status) != (row.quality_issues, row.derived, row.status)


def _update(row: Any, verdict: Verdict) -> tuple[Any, ...] | None:
    """The new quality columns of ``row``, or None when nothing changed."""
    status, score, issues = outcome(row, verdict)
    if (issues, verdict.derived, status) == (row.quality_issues, row.derived, row.status):
        return None
    changes = {
        "status": {"from": row.status, "to": status},
        "quality_score": {"from": row.quality_score, "to": score},
        "issues": {
            "before": sorted({i["code"] for i in row.quality_issues}),
            "after": sorted({i["code"] for i in issues}),
        },
        "derived": {"from": row.derived, "to": verdict.derived},
    }
    return (row.id, status, score, orjson.dumps(issues).decode(),
            orjson.dumps(verdict.derived).decode(), orjson.dumps(changes).decode())  # fmt: skip
