"""Re-evaluating stored observations after the rules change: streamed, recorded, idempotent."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from app.quality.recheck import recheck_campaign
from app.review.models import ObservationEvent
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres"


async def test_recheck_applies_new_rules_and_says_what_changed(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str], db: Database, session: AsyncSession,
) -> None:  # fmt: skip
    features = [point_feature(1.4442, 43.6045), point_feature(1.44421, 43.6045),
                point_feature(1.45, 43.61, accuracy_m=40)]  # fmt: skip
    batch = {"type": "FeatureCollection", "features": features}
    await client.post(f"{URL}/observations/batch", json=batch, headers=contributor_headers)
    rules = [
        {"name": "dup", "kind": "duplicate", "severity": "flag", "params": {"distance_m": 5}},
        {"name": "gps", "kind": "accuracy", "severity": "block", "params": {"max_m": 20}},
    ]
    await client.put(f"{URL}/rules", json={"rules": rules}, headers=admin_headers)
    report = await recheck_campaign(db, "arbres", chunk_size=2)
    assert (report.checked, report.changed) == (3, 2)
    # The first two were stored in the same transaction: the one with the larger id is the
    # copy (creation time first, then id, orders stored observations).
    original, copy = sorted(features[:2], key=lambda f: uuid.UUID(f["id"]))
    features = [original, copy, features[2]]
    stored = [(await client.get(f"/api/v1/observations/{f['id']}")).json() for f in features]
    assert [s["properties"]["status"] for s in stored] == ["pending", "flagged", "flagged"]
    assert [s["properties"]["version"] for s in stored] == [1, 2, 2]
    duplicate = stored[1]["properties"]["quality_issues"][0]
    assert duplicate["figures"]["original"] == original["id"]
    # A blocking rule cannot refuse what is stored: it flags it.
    assert stored[2]["properties"]["quality_issues"][0]["severity"] == "block"
    event = await session.scalar(
        select(ObservationEvent).where(
            ObservationEvent.observation_id == uuid.UUID(features[2]["id"]),
            ObservationEvent.kind == "quality_rechecked",
        )
    )
    assert event is not None
    assert event.payload["status"] == {"from": "pending", "to": "flagged"}
    assert event.payload["issues"]["after"] == ["quality_accuracy"]
    again = await recheck_campaign(db, "arbres")
    assert (again.checked, again.changed) == (3, 0)


async def test_recheck_command(
    committed_client: httpx.AsyncClient, committed_db: Database, database_url: str
) -> None:
    _, admin = await make_user(committed_db, admin=True)
    await committed_client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    await committed_client.post(
        f"{URL}/observations", json=point_feature(accuracy_m=30), headers=admin
    )
    rules = [{"name": "gps", "kind": "accuracy", "params": {"max_m": 10}}]
    await committed_client.put(f"{URL}/rules", json={"rules": rules}, headers=admin)
    env = {**os.environ, "RELEVE_DATABASE_URL": database_url}
    output = await run_cli(env, "quality", "recheck", "--campaign", "arbres")
    assert "1 observations checked, 1 changed." in output
    unknown = await run_cli(env, "quality", "recheck", "--campaign", "nowhere")
    assert "Unknown campaign 'nowhere'." in unknown


CLI_TIMEOUT_S = 300


async def run_cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from app.cli import main; main()", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=CLI_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        raise
    return output.decode()
