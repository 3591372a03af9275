"""The demo campaign loads real IGN markers, and loading it twice stores them once."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.loader import SLUG, load_demo
from app.observations.models import Observation


async def test_demo_campaign_is_served(client: httpx.AsyncClient, session: AsyncSession) -> None:
    assert await load_demo(session) == {"created": 381}
    assert await load_demo(session) == {"replayed": 381}
    # A bulk import: the review queue puts people's contributions before its markers.
    origins = select(Observation.origin, func.count()).group_by(Observation.origin)
    assert dict((await session.execute(origins)).all()) == {"import": 381}
    await session.commit()
    campaign = (await client.get(f"/api/v1/campaigns/{SLUG}")).json()
    assert campaign["observation_count"] == 381 and campaign["licence"] == "etalab-2.0"
    assert "IGN" in campaign["attribution"]
    page = (await client.get(f"/api/v1/campaigns/{SLUG}/observations?limit=500")).json()
    conditions = {f["properties"]["condition"] for f in page["features"]}
    assert conditions == {"seen", "damaged", "destroyed", "not_found"}
    lons = [f["geometry"]["coordinates"][0] for f in page["features"]]
    assert min(lons) > 0.4 and max(lons) < 2.1  # all within Haute-Garonne's longitudes
