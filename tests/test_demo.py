"""The demo campaign loads real IGN markers, and loading it twice stores them once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo import saint_barthelemy
from app.demo.loader import RULES, SLUG, load_demo
from app.observations.models import Observation

WEST_OF_AUCH = (0.465, 43.6465)  # in the Gers, 34 km from Haute-Garonne
CAPITOLE = (1.4433, 43.6044)
MARKER = (0.8638169, 43.3646893)  # IGN's marker 3100101 - 1


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


async def test_demo_markers_are_targets_with_ign_visits(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await load_demo(session)
    await session.commit()
    url = f"/api/v1/campaigns/{SLUG}/targets"
    targets = (await client.get(url, params={"limit": 1000})).json()["targets"]
    assert len(targets) == 381
    assert {t["state"] for t in targets} == {"seen", "damaged", "destroyed", "not_found"}
    assert all(t["visit_count"] == 1 for t in targets)
    # IGN's last visits are years old: every marker is due a visit, but the two whose visit
    # is undated (dated by the import, today).
    assert sum(t["to_visit"] for t in targets) == 379
    first = targets[0]
    assert first["title"] == first["properties"]["site_ref"]
    detail = (await client.get(f"{url}/{first['id']}")).json()
    assert len(detail["visits"]) == 1 and detail["visits"][0]["state"] == first["state"]
    ogc = (await client.get(f"/ogc/collections/{SLUG}-targets/items", params={"limit": 5})).json()
    assert ogc["numberMatched"] == 381


async def test_second_demo_campaign_on_its_own_basemap(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Saint-Barthélemy: its places from OpenStreetMap as targets, the island as its area, its
    basemap served here; the markers' campaign has its basemap and its communes too."""
    await load_demo(session)
    await load_demo(session)  # twice: nothing doubled
    await session.commit()
    island = (await client.get(f"/api/v1/campaigns/{saint_barthelemy.SLUG}")).json()
    assert island["basemap"] == "saint-barthelemy"
    assert island["basemap_style"].endswith("/basemaps/saint-barthelemy/style.json")
    assert island["area"]["type"] in ("Polygon", "MultiPolygon")
    url = f"/api/v1/campaigns/{saint_barthelemy.SLUG}/targets"
    targets = (await client.get(url, params={"limit": 1000})).json()["targets"]
    titles = {t["title"] for t in targets}
    assert {"Le Select", "Tourism office", "Gustaf III Airport"} <= titles
    assert len(targets) == len(saint_barthelemy.places()["features"])
    style = await client.get("/basemaps/saint-barthelemy/style.json")
    assert style.status_code == 200
    markers = (await client.get(f"/api/v1/campaigns/{SLUG}")).json()
    assert markers["basemap"] == "haute-garonne" and markers["map_layers"] == ["communes-31"]


async def test_demo_rules_answer_a_newcomer_in_words(
    client: httpx.AsyncClient, session: AsyncSession, contributor_headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:  # fmt: skip
    """The demo ships with rules, once: a point far outside Haute-Garonne, a vague position and
    a point next to a known marker each get a finding a person reads."""
    await load_demo(session)
    await load_demo(session)
    await session.commit()
    rules = (await client.get(f"/api/v1/campaigns/{SLUG}/rules", headers=admin_headers)).json()
    assert [r["name"] for r in rules["rules"]] == [r.name for r in RULES]
    url = f"/api/v1/campaigns/{SLUG}/observations"

    async def issues(lon: float, lat: float, **properties: object) -> list[dict[str, Any]]:
        body = {"type": "Feature", "id": str(uuid.uuid4()), "properties": properties,
                "geometry": {"type": "Point", "coordinates": [lon, lat]}}  # fmt: skip
        response = await client.post(url, json=body, headers=contributor_headers)
        assert response.status_code == 201, response.text
        assert response.json()["properties"]["status"] == "flagged"
        return list(response.json()["properties"]["quality_issues"])

    (outside,) = await issues(*WEST_OF_AUCH, condition="seen")
    assert outside["figures"]["tolerance_m"] == 0 and outside["figures"]["outside_m"] > 30_000
    assert outside["message"] == {
        "fr": "L'observation est à 34 km de la zone de la campagne.",
        "en": "The observation is 34 km outside the campaign area.",
    }
    (vague,) = await issues(*CAPITOLE, condition="seen", accuracy_m=80)
    assert vague["message"] == {"fr": "Précision 80 m, 20 m au plus demandés.",
                                "en": "Accuracy 80 m, at most 20 m asked."}  # fmt: skip
    lon, lat = MARKER
    (known,) = await issues(lon + 0.0001, lat, condition="damaged")  # some 8 m east
    assert known["rule"] == "repere-connu"
    assert known["message"] == {
        "fr": "L'observation 3100101 - 1 (670067311) n'est qu'à 8 m (écart minimum 15 m) : "
        "sans doute la même chose.",
        "en": "Observation 3100101 - 1 (670067311) is only 8 m away (minimum spacing 15 m): "
        "probably the same thing.",
    }
    # "Report on this" puts the point on the marker and names it: a visit is the marker's
    # history, not "probably the same thing" as IGN's visit or the point just above.
    original = await client.get(f"/api/v1/observations/{known['related'][0]['observation']}")
    assert original.status_code == 200, original.text
    marker = original.json()["properties"]["target"]
    visit = {"type": "Feature", "id": str(uuid.uuid4()),
             "properties": {"condition": "damaged", "target": marker},
             "geometry": {"type": "Point", "coordinates": [lon, lat]}}  # fmt: skip
    response = await client.post(url, json=visit, headers=contributor_headers)
    assert response.status_code == 201, response.text
    assert response.json()["properties"]["quality_issues"] == []
