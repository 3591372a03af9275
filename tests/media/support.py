"""What the media tests share: an app storing photos in a folder of the test's, and an
observation of an author's to attach photos to."""

from __future__ import annotations

from typing import Any

import httpx

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature


async def authored_observations(
    client: httpx.AsyncClient, db: Database, count: int = 1
) -> dict[str, Any]:
    """``count`` observations of one author in the 'arbres' campaign: their media URLs, the
    author's and an admin's headers."""
    _, admin = await make_user(db, admin=True)
    _, author = await make_user(db)
    await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    urls = []
    for _ in range(count):
        feature = point_feature()
        await client.post("/api/v1/campaigns/arbres/observations", json=feature, headers=author)
        urls.append(f"/api/v1/observations/{feature['id']}/media")
    return {"urls": urls, "url": urls[0], "author": author, "admin": admin}
