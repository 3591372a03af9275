"""Moderation hides an observation from public listings without deleting it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import point_feature

URL = "/api/v1/campaigns/arbres/observations"


async def test_hide_and_unhide(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    feature = point_feature()
    await client.post(URL, json=feature, headers=contributor_headers)
    url = f"/api/v1/observations/{feature['id']}"
    hidden = await client.post(
        f"{url}/hide", json={"reason": "Contenu inapproprié"}, headers=admin_headers
    )
    assert hidden.status_code == 204
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=contributor_headers)).status_code == 200
    assert (await client.get(url, headers=admin_headers)).status_code == 200
    assert (await client.get(URL)).json()["features"] == []
    assert (await client.get(f"{url}/history")).status_code == 404
    history = (await client.get(f"{url}/history", headers=admin_headers)).json()["versions"]
    assert history[-1]["change"] == "moderated" and history[-1]["reason"] == "Contenu inapproprié"
    timeline = (await client.get(f"{url}/timeline", headers=contributor_headers)).json()["events"]
    assert timeline[-1]["message"]["fr"] == "Masquée par la modération : Contenu inapproprié"
    await client.post(f"{url}/unhide", headers=admin_headers)
    timeline = (await client.get(f"{url}/timeline", headers=contributor_headers)).json()["events"]
    assert timeline[-1]["kind"] == "unhidden"
    assert (await client.get(url)).status_code == 200
