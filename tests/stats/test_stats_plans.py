"""The figures' statements on a few thousand observations spread over many campaigns: each
reads one campaign's rows through an index, never the whole observations table."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.stats.repository import STATEMENTS

CAMPAIGNS = 40
PER_CAMPAIGN = 150

_CAMPAIGNS = text(
    """
    INSERT INTO campaigns (id, slug, title, geometry_types, fields, licence, status)
    SELECT gen_random_uuid(), 'plans-' || n, 'Plans ' || n, ARRAY['Point'], '[]', 'ODbL-1.0', 'open'
    FROM generate_series(1, :campaigns) AS n
    """
)
# Observations spread over 60 days, a third of them flagged with one issue; each has its
# first version, and every other one a second (reviewed).
_OBSERVATIONS = text(
    """
    WITH made AS (
        INSERT INTO observations (id, campaign_id, geom, properties, status, quality_issues, version,
                                  submission_hash, created_at, updated_at)
        SELECT gen_random_uuid(), c.id, ST_SetSRID(ST_MakePoint(1.4 + n * 1e-5, 43.6), 4326),
               '{}', CASE WHEN n % 3 = 0 THEN 'flagged' ELSE 'pending' END,
               CASE WHEN n % 3 = 0 THEN CAST(:issue AS jsonb) ELSE '[]' END, 1, '\\x00',
               now() - make_interval(days => n % 60), now() - make_interval(days => n % 60)
        FROM campaigns c CROSS JOIN generate_series(1, :per_campaign) AS n
        WHERE c.slug LIKE 'plans-%'
        RETURNING id, geom, properties, status, created_at, change_seq
    )
    INSERT INTO observation_versions (observation_id, version, change_kind, geom, properties,
                                      status, changed_at, change_seq)
    SELECT id, 1, 'created', geom, properties, status, created_at, change_seq FROM made
    UNION ALL
    SELECT id, 2, 'reviewed', geom, properties, 'validated', created_at + interval '1 hour',
           change_seq FROM made WHERE change_seq % 2 = 0
    """
)


_REVIEWS = text(
    """
    WITH reviewer AS (
        INSERT INTO users (id, display_name) VALUES (gen_random_uuid(), 'plans') RETURNING id
    )
    INSERT INTO reviews (observation_id, reviewer_id, vote)
    SELECT o.id, reviewer.id, 'agree' FROM observations o, reviewer WHERE o.change_seq % 4 = 0
    """
)


async def _explain(session: AsyncSession, name: str, params: dict[str, Any]) -> str:
    statement = STATEMENTS[name]
    explained = text("EXPLAIN (FORMAT JSON) " + statement.text).bindparams(
        *statement._bindparams.values()
    )
    plan = (await session.execute(explained, params)).scalar_one()
    return orjson.dumps(plan).decode()


async def test_each_figure_reads_one_campaign_through_an_index(session: AsyncSession) -> None:
    issue = orjson.dumps([{"rule": "gps", "severity": "flag"}]).decode()
    await session.execute(_CAMPAIGNS, {"campaigns": CAMPAIGNS})
    await session.execute(_OBSERVATIONS, {"per_campaign": PER_CAMPAIGN, "issue": issue})
    await session.execute(_REVIEWS)
    for table in ("observations", "observation_versions", "reviews"):
        await session.execute(text(f"ANALYZE {table}"))
    campaign_id = await session.scalar(text("SELECT id FROM campaigns WHERE slug = 'plans-7'"))
    today = datetime.now(UTC).date()
    first: date = today - timedelta(days=29)
    params = {
        "campaign_id": campaign_id, "tz": "UTC", "first": first, "days": 30,
        "start": datetime.combine(first, datetime.min.time(), UTC),
        "end": datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC),
        "user_id": uuid.uuid4(), "admin": False,
    }  # fmt: skip
    for name in STATEMENTS:
        plan = await _explain(session, name, params)
        # Through an index on the campaign (the planner picks among those leading with it).
        assert "(campaign_id = " in plan and '"Index Name":"ix_observations_campaign' in plan, (
            name, plan,
        )  # fmt: skip
        scans = [part for part in plan.split("{") if '"Relation Name":"observations"' in part]
        assert all('"Node Type":"Seq Scan"' not in scan for scan in scans), (name, plan)
