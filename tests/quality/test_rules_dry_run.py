"""Trying proposed rules on the stored observations: the figures a save and a recheck would
give, nothing stored, owner-only, refused as PUT refuses."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.repository import get_by_slug
from app.db.session import Database
from app.quality.dry_run import dry_run
from app.quality.recheck import recheck_campaign
from app.quality.rules import RuleIn
from tests.factories import point_feature

URL = "/api/v1/campaigns/arbres"
RULES = [
    {"name": "dup", "kind": "duplicate", "severity": "flag", "params": {"distance_m": 5}},
    {"name": "gps", "kind": "accuracy", "severity": "block", "params": {"max_m": 20},
     "message": {"fr": "GPS à {accuracy_m} m", "en": "GPS at {accuracy_m} m"}},
    {"name": "old", "kind": "observed_at", "severity": "info", "params": {"required": True}},
]  # fmt: skip


async def submit(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Two points 1 m apart (one is a duplicate), one with a poor GPS fix, one fine."""
    features = [point_feature(1.4442, 43.6045, observed_at="2026-11-01T10:00:00Z"),
                point_feature(1.44421, 43.6045, observed_at="2026-11-01T10:00:00Z"),
                point_feature(1.45, 43.61, accuracy_m=40, observed_at="2026-11-01T10:00:00Z"),
                point_feature(1.46, 43.62)]  # fmt: skip
    batch = {"type": "FeatureCollection", "features": features}
    response = await client.post(f"{URL}/observations/batch", json=batch, headers=headers)
    assert response.status_code in (200, 201, 207), response.text
    return features


async def stored_state(session: AsyncSession) -> dict[str, Any]:
    """Everything a dry run could touch: observations, their history, timeline, the feed's
    sequence and the rules."""
    queries = {
        "observations": "SELECT id, version, status, quality_score, quality_issues::text, "
        "derived::text, change_seq FROM observations ORDER BY id",
        "versions": "SELECT count(*) FROM observation_versions",
        "events": "SELECT count(*) FROM observation_events",
        "sequence": "SELECT last_value FROM observation_change_seq",
        "rules": "SELECT name, kind, params::text FROM quality_rules ORDER BY position",
    }
    return {k: [tuple(r) for r in await session.execute(text(q))] for k, q in queries.items()}


async def test_a_dry_run_tells_what_saving_and_rechecking_would_do_and_stores_nothing(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str], db: Database, session: AsyncSession,
) -> None:  # fmt: skip
    features = await submit(client, contributor_headers)
    before = await stored_state(session)
    feed_before = (await client.get("/api/v1/changes?campaign=arbres")).json()["changes"]

    response = await client.post(f"{URL}/rules/dry-run", json={"rules": RULES},
                                 headers={**admin_headers, "Accept-Language": "fr"})  # fmt: skip
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["total"], report["checked"], report["complete"]) == (4, 4, True)
    assert (report["flagged"], report["refused"], report["noted"]) == (2, 1, 1)
    assert report["affected"] == 3
    figures = {r["name"]: r["observations"] for r in report["rules"]}
    assert figures == {"dup": 1, "gps": 1, "old": 1}
    listed = {o["id"]: o for o in report["observations"]}
    poor_fix = listed[features[2]["id"]]
    assert poor_fix["geometry"] == {"type": "Point", "coordinates": [1.45, 43.61]}
    assert (poor_fix["status"], poor_fix["status_after"]) == ("pending", "flagged")
    assert poor_fix["issues"][0]["message"] == {"fr": "GPS à 40 m", "en": "GPS at 40 m"}
    assert listed[features[3]["id"]]["issues"][0]["code"] == "quality_observed_missing"

    assert await stored_state(session) == before, "a dry run stores nothing"
    feed_after = (await client.get("/api/v1/changes?campaign=arbres")).json()["changes"]
    assert feed_after == feed_before

    saved = await client.put(f"{URL}/rules", json={"rules": RULES}, headers=admin_headers)
    assert saved.status_code == 200, saved.text
    recheck = await recheck_campaign(db, "arbres")
    assert recheck.changed == report["changed"] == 3
    rows = await session.execute(text("SELECT id, status, quality_issues FROM observations"))
    stored = {str(row.id): row for row in rows}
    statuses: dict[str, int] = {}
    for row in stored.values():
        statuses[row.status] = statuses.get(row.status, 0) + 1
    assert statuses == report["statuses_after"]
    for observation in report["observations"]:
        assert stored[observation["id"]].quality_issues == observation["issues"]
        assert stored[observation["id"]].status == observation["status_after"]


async def test_a_dry_run_on_many_observations_says_how_many_it_checked_and_listed(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str], session: AsyncSession,
) -> None:  # fmt: skip
    await submit(client, contributor_headers)
    response = await client.post(f"{URL}/rules/dry-run?limit=1", json={"rules": RULES},
                                 headers=admin_headers)  # fmt: skip
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["affected"], report["limit"], len(report["observations"])) == (3, 1, 1)
    stored = await get_by_slug(session, "arbres")
    assert stored is not None
    rules = [RuleIn.model_validate(rule) for rule in RULES]
    partial = await dry_run(session, stored, rules, max_checked=2)
    assert (partial.checked, partial.total, partial.complete) == (2, 4, False)
    # The read-only mode ended with the dry run's savepoint: the request may go on writing.
    assert await session.scalar(text("SHOW transaction_read_only")) == "off"


async def test_only_owners_try_rules(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    body = {"rules": RULES}
    anonymous = await client.post(f"{URL}/rules/dry-run", json=body)
    assert anonymous.status_code == 401, anonymous.text
    contributor = await client.post(f"{URL}/rules/dry-run", json=body, headers=contributor_headers)
    assert contributor.status_code == 403, contributor.text
    assert contributor.headers["content-type"].startswith("application/problem+json")
    missing = await client.post("/api/v1/campaigns/nowhere/rules/dry-run", json=body,
                                headers=contributor_headers)  # fmt: skip
    assert missing.status_code == 404, missing.text


async def test_invalid_rules_are_refused_as_put_refuses_them(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    bad = [
        {"name": "near", "kind": "near", "params": {"layer": "nowhere", "max_distance_m": 5}},
        {"name": "near", "kind": "accuracy", "params": {"max_m": -1}},
        {"name": "dup", "kind": "duplicate", "params": {"same_field": "colour"}},
    ]
    malformed = [{"name": "Bad Name", "kind": "teleport"}]
    for rules in (bad, malformed):
        put = await client.put(f"{URL}/rules", json={"rules": rules}, headers=admin_headers)
        tried = await client.post(
            f"{URL}/rules/dry-run", json={"rules": rules}, headers=admin_headers
        )
        assert tried.status_code == put.status_code == 422, tried.text
        assert tried.headers["content-type"].startswith("application/problem+json")
        assert tried.json()["errors"] == put.json()["errors"]
        assert tried.json()["type"] == put.json()["type"]
    first = await client.post(f"{URL}/rules/dry-run", json={"rules": bad}, headers=admin_headers)
    assert {e["path"] for e in first.json()["errors"]} >= {
        "/rules/0/params/layer", "/rules/1/name", "/rules/1/params/max_m",
        "/rules/2/params/same_field",
    }  # fmt: skip
