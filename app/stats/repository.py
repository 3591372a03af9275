"""All SQL of the statistics: one statement per figure, each bounded to one campaign through
``ix_observations_campaign_created`` (campaign_id, created_at, id), or to the campaigns one user
manages for the home's figures."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.review.repository import REVIEWABLE

_REVIEWABLE: BindParameter[Any] = bindparam("reviewable", REVIEWABLE, expanding=True)

_SUMMARY = text(
    """
    SELECT count(*) AS contributions,
           count(DISTINCT o.created_by) AS contributors,
           count(*) FILTER (WHERE o.status IN :reviewable AND o.hidden_at IS NULL) AS backlog,
           count(*) FILTER (WHERE o.status = 'flagged' AND o.hidden_at IS NULL) AS flagged,
           count(*) FILTER (WHERE o.hidden_at IS NOT NULL) AS hidden,
           (SELECT count(*) FROM reviews r JOIN observations v ON v.id = r.observation_id
            WHERE v.campaign_id = :campaign_id) AS reviews,
           greatest(max(o.updated_at),
                    (SELECT max(r.created_at) FROM reviews r
                     JOIN observations v ON v.id = r.observation_id
                     WHERE v.campaign_id = :campaign_id)) AS last_activity
    FROM observations o
    WHERE o.campaign_id = :campaign_id
    """
).bindparams(_REVIEWABLE)

# Days without a contribution are in the answer too (zero), so a chart's x axis is continuous.
_PER_DAY = text(
    """
    SELECT CAST(:first AS date) + n AS day, coalesce(c.contributions, 0) AS contributions
    FROM generate_series(0, :days - 1) AS n
    LEFT JOIN (
        SELECT CAST(o.created_at AT TIME ZONE :tz AS date) AS day, count(*) AS contributions
        FROM observations o
        WHERE o.campaign_id = :campaign_id AND o.created_at >= :start AND o.created_at < :end
        GROUP BY 1
    ) AS c ON c.day = CAST(:first AS date) + n
    ORDER BY 1
    """
)

_BY_STATUS = text(
    """
    SELECT o.status, count(*) AS observations FROM observations o
    WHERE o.campaign_id = :campaign_id GROUP BY o.status
    """
)

# Observations keep their author's id; device accounts are the anonymous (pseudonymous)
# contributors; an author who deleted their account leaves NULL behind.
_BY_KIND = text(
    """
    SELECT CASE WHEN o.created_by IS NULL THEN 'deleted_account'
                WHEN u.is_device THEN 'device' ELSE 'account' END AS kind,
           count(*) AS observations, count(DISTINCT o.created_by) AS contributors
    FROM observations o LEFT JOIN users u ON u.id = o.created_by
    WHERE o.campaign_id = :campaign_id
    GROUP BY 1
    """
)

# Findings are the issues stored on the observations as they are now (withdrawn ones left
# out); the campaign's non-blocking rules that found nothing are listed with zero. Blocking
# findings refuse the submission and are never stored, so they cannot be counted here.
_FINDINGS = text(
    """
    WITH found AS (
        SELECT issue ->> 'rule' AS rule, issue ->> 'severity' AS severity, count(*) AS n
        FROM observations o, jsonb_array_elements(o.quality_issues) AS issue
        WHERE o.campaign_id = :campaign_id AND o.status <> 'withdrawn'
        GROUP BY 1, 2
    ), rules AS (
        SELECT name, severity, position FROM quality_rules
        WHERE campaign_id = :campaign_id AND severity <> 'block'
    )
    SELECT coalesce(f.rule, r.name) AS rule, coalesce(f.severity, r.severity) AS severity,
           coalesce(f.n, 0) AS observations
    FROM found f FULL JOIN rules r ON r.name = f.rule AND r.severity = f.severity
    ORDER BY r.position NULLS LAST, 1, 2
    """
)

# The backlog at the end of each day, from the version history: every version of an
# observation holds its status from its changed_at until the next version's. A version is
# waiting for review when its status is reviewable and the observation is not hidden then
# (the last moderation toggle before it, if any, was not 'moderated'). Each waiting interval
# adds one at its start and removes one at its end; the running sum over the days is the
# backlog (changes before the first day count on the first day).
_BACKLOG = text(
    """
    WITH versions AS (
        SELECT v.observation_id, v.version, v.status, v.change_kind, v.changed_at,
               lead(v.changed_at) OVER w AS ended_at,
               count(*) FILTER (WHERE v.change_kind IN ('moderated', 'unhidden')) OVER w
                   AS toggles
        FROM observation_versions v JOIN observations o ON o.id = v.observation_id
        WHERE o.campaign_id = :campaign_id AND v.changed_at < :end
        WINDOW w AS (PARTITION BY v.observation_id ORDER BY v.version)
    ), states AS (
        SELECT status, changed_at, ended_at,
               first_value(change_kind) OVER (PARTITION BY observation_id, toggles
                                              ORDER BY version) AS toggle
        FROM versions
    ), waiting AS (
        SELECT changed_at, ended_at FROM states
        WHERE status IN :reviewable AND toggle <> 'moderated'
    ), moves AS (
        SELECT changed_at AS at, 1 AS delta FROM waiting
        UNION ALL
        SELECT ended_at, -1 FROM waiting WHERE ended_at IS NOT NULL AND ended_at < :end
    ), per_day AS (
        SELECT greatest(CAST(at AT TIME ZONE :tz AS date), CAST(:first AS date)) AS day,
               sum(delta) AS delta
        FROM moves GROUP BY 1
    )
    SELECT CAST(:first AS date) + n AS day,
           CAST(sum(coalesce(p.delta, 0)) OVER (ORDER BY n) AS bigint) AS backlog
    FROM generate_series(0, :days - 1) AS n
    LEFT JOIN per_day p ON p.day = CAST(:first AS date) + n
    ORDER BY 1
    """
).bindparams(_REVIEWABLE)


async def summary(session: AsyncSession, campaign_id: uuid.UUID) -> Any:
    return (await session.execute(_SUMMARY, {"campaign_id": campaign_id})).one()


def _window(
    campaign_id: uuid.UUID, tz: str, first: date, days: int, start: datetime, end: datetime
) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "tz": tz, "first": first, "days": days,
            "start": start, "end": end}  # fmt: skip


async def contributions_per_day(
    session: AsyncSession, campaign_id: uuid.UUID, tz: str, first: date, days: int,
    start: datetime, end: datetime,
) -> Sequence[Any]:  # fmt: skip
    """(day, contributions) for each of ``days`` local days from ``first``."""
    params = _window(campaign_id, tz, first, days, start, end)
    return (await session.execute(_PER_DAY, params)).all()


async def backlog_per_day(
    session: AsyncSession, campaign_id: uuid.UUID, tz: str, first: date, days: int,
    start: datetime, end: datetime,
) -> Sequence[Any]:  # fmt: skip
    """(day, observations waiting for review at the end of that local day)."""
    params = _window(campaign_id, tz, first, days, start, end)
    params.pop("start")
    return (await session.execute(_BACKLOG, params)).all()


async def by_status(session: AsyncSession, campaign_id: uuid.UUID) -> dict[str, int]:
    rows = await session.execute(_BY_STATUS, {"campaign_id": campaign_id})
    return {row.status: int(row.observations) for row in rows}


async def by_contributor_kind(session: AsyncSession, campaign_id: uuid.UUID) -> Sequence[Any]:
    return (await session.execute(_BY_KIND, {"campaign_id": campaign_id})).all()


async def findings(session: AsyncSession, campaign_id: uuid.UUID) -> Sequence[Any]:
    return (await session.execute(_FINDINGS, {"campaign_id": campaign_id})).all()


# The campaigns a user manages, with their figures, in one statement: members with a role in
# the campaign, members of its organisation (admins are its owners, editors its contributors
# unless the campaign gives them more), every campaign for instance administrators.
_MINE = text(
    """
    SELECT c.slug, c.title, c.status, c.updated_at, org.slug AS organisation,
           org.name AS organisation_name,
           CASE WHEN :admin OR om.role = 'admin' THEN 'owner'
                WHEN cm.role IS NOT NULL THEN cm.role
                ELSE 'contributor' END AS role,
           f.contributions, f.contributors, f.backlog, f.flagged,
           greatest(f.last_change, r.last_vote) AS last_activity
    FROM campaigns c
    LEFT JOIN organisations org ON org.id = c.organisation_id
    LEFT JOIN campaign_members cm ON cm.campaign_id = c.id AND cm.user_id = :user_id
    LEFT JOIN organisation_members om
           ON om.organisation_id = c.organisation_id AND om.user_id = :user_id
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE o.status <> 'withdrawn') AS contributions,
               count(DISTINCT o.created_by) FILTER (WHERE o.status <> 'withdrawn')
                   AS contributors,
               count(*) FILTER (WHERE o.status IN :reviewable AND o.hidden_at IS NULL)
                   AS backlog,
               count(*) FILTER (WHERE o.status = 'flagged' AND o.hidden_at IS NULL) AS flagged,
               max(o.updated_at) AS last_change
        FROM observations o WHERE o.campaign_id = c.id
    ) AS f
    CROSS JOIN LATERAL (
        SELECT max(rv.created_at) AS last_vote
        FROM reviews rv JOIN observations o ON o.id = rv.observation_id
        WHERE o.campaign_id = c.id
    ) AS r
    WHERE :admin OR cm.role IN ('owner', 'validator') OR om.role IS NOT NULL
    ORDER BY coalesce(greatest(f.last_change, r.last_vote), c.updated_at) DESC, c.slug
    """
).bindparams(_REVIEWABLE)


async def managed_campaigns(
    session: AsyncSession, user_id: uuid.UUID, admin: bool
) -> Sequence[Any]:
    return (await session.execute(_MINE, {"user_id": user_id, "admin": admin})).all()


# Every figure's statement, by name: tests/stats/test_stats_plans.py explains each of them.
STATEMENTS = {
    "summary": _SUMMARY,
    "contributions_per_day": _PER_DAY,
    "backlog_per_day": _BACKLOG,
    "by_status": _BY_STATUS,
    "by_contributor_kind": _BY_KIND,
    "findings": _FINDINGS,
    "managed_campaigns": _MINE,
}
