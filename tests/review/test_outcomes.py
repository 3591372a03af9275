"""Outcomes: selecting observations (ids, filters, an area drawn on a map), refusing bad or
empty selections, and the public reading of what each outcome covers: published observations
only, at their public place, naming no contributor."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import update

from app.auth.models import User
from app.db.session import Database
from app.observations.models import Observation
from tests.factories import campaign_body, make_user, point_feature
from tests.test_bad_input import assert_problem, error_paths

URL = "/api/v1/campaigns/arbres"
MESSAGE = {"fr": "Vos arbres ont servi au plan canopée.", "en": "Your trees fed the canopy plan."}
# A square around the Capitole, drawn on a map.
CAPITOLE = {"type": "Polygon", "coordinates": [[[1.43, 43.59], [1.45, 43.59], [1.45, 43.61],
                                                [1.43, 43.61], [1.43, 43.59]]]}  # fmt: skip


@pytest.fixture
async def team(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    owner_user, owner = await make_user(db)
    _, admin = await make_user(db, admin=True)
    response = await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    assert response.status_code == 201, response.text
    await client.put(f"{URL}/members/{owner_user.id}", json={"role": "owner"}, headers=admin)
    author, contributor = await make_user(db, "Camille Dupont")
    async with db.session() as session:
        await session.execute(
            update(User).where(User.id == author.id).values(email="camille@example.org")
        )
        await session.commit()
    return {"owner": owner, "admin": admin, "contributor": contributor, "author": author}


async def submit(client: httpx.AsyncClient, headers: dict[str, str], *features: Any) -> list[str]:
    for feature in features:
        response = await client.post(f"{URL}/observations", json=feature, headers=headers)
        assert response.status_code == 201, response.text
    return [feature["id"] for feature in features]


async def set_rows(db: Database, ids: list[str], **values: Any) -> None:
    async with db.session() as session:
        await session.execute(update(Observation).where(Observation.id.in_(ids)).values(**values))
        await session.commit()


async def post(client: httpx.AsyncClient, team: dict[str, Any], **selection: Any) -> httpx.Response:
    body = {"message": MESSAGE, "link": "https://example.org/plan", **selection}
    return await client.post(f"{URL}/outcomes", json=body, headers=team["owner"])


async def test_selection_by_filter_status_issue_and_dates(
    client: httpx.AsyncClient, db: Database, team: dict[str, Any]
) -> None:
    a, b, c = await submit(client, team["contributor"], point_feature(), point_feature(),
                           point_feature())  # fmt: skip
    await set_rows(db, [a, b], status="validated")
    issue = [{"code": "quality_not_inside", "severity": "warning"}]
    await set_rows(db, [b, c], quality_issues=issue)
    by_status = await post(client, team, status=["validated", "flagged"])
    assert by_status.status_code == 201, by_status.text
    assert by_status.json()["observations"] == 2
    assert by_status.json()["statuses"] == {"validated": 2}
    both = await post(client, team, status="validated", issue="quality_not_inside")
    assert both.json() | {"observations": 1, "contributors": 1} == both.json()
    dated = await post(client, team, since="2000-01-01T00:00:00Z", until="2100-01-01T00:00:00Z")
    assert dated.json()["observations"] == 3
    future = await post(client, team, since="2100-01-01T00:00:00Z")
    problem = assert_problem(future, 422)
    assert problem["code"] == "outcome_selection_empty"
    assert "nothing was posted" in problem["detail"]


async def test_selection_by_an_area_drawn_on_a_map(
    client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    inside, _ = await submit(client, team["contributor"], point_feature(1.44, 43.60),
                             point_feature(1.50, 43.66))  # fmt: skip
    posted = await post(client, team, area=CAPITOLE)
    assert posted.status_code == 201, posted.text
    assert posted.json()["observations"] == 1
    multi = {"type": "MultiPolygon", "coordinates": [CAPITOLE["coordinates"]]}
    assert (await post(client, team, area=multi, ids=[inside])).json()["observations"] == 1
    outcome = (await client.get(f"{URL}/outcomes/{posted.json()['id']}")).json()
    assert outcome["geometry"]["type"] == "MultiPolygon"
    assert outcome["points"] == {"type": "MultiPoint", "coordinates": [[1.44, 43.6]]}
    assert outcome["bbox"] == [1.43, 43.59, 1.45, 43.61]


async def test_bad_selections_name_what_is_wrong(
    client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    await submit(client, team["contributor"], point_feature())
    unclosed = {"type": "Polygon", "coordinates": [[[1.43, 43.59], [1.45, 43.59], [1.45, 43.61]]]}
    assert any(p.startswith("/area") for p in error_paths(await post(client, team, area=unclosed)))
    line = {"type": "LineString", "coordinates": [[1.43, 43.59], [1.45, 43.59]]}
    assert any(p.startswith("/area") for p in error_paths(await post(client, team, area=line)))
    strings = {"type": "Polygon", "coordinates": [[["a", 43.59], [1.45, 43.59], [1.45, 43.61],
                                                    ["a", 43.59]]]}  # fmt: skip
    assert any(p.startswith("/area/coordinates") for p in
               error_paths(await post(client, team, area=strings)))  # fmt: skip
    assert "/body/area" in error_paths(await post(client, team, area="the Capitole"))
    nul = {"type": "Polygon\u0000", "coordinates": CAPITOLE["coordinates"]}
    assert "/body/area/type" in error_paths(await post(client, team, area=nul))
    assert "/body/ids/0" in error_paths(await post(client, team, ids=["not-an-id"]))
    assert "/status/1" in error_paths(await post(client, team, status=["validated", "lost"]))
    backwards = await post(client, team, since="2026-02-01T00:00:00Z", until="2026-01-01T00:00:00Z")
    assert "/until" in error_paths(backwards)
    missing = assert_problem(await post(client, team), 422)
    assert missing["code"] == "outcome_selection_missing"
    french = await client.post(f"{URL}/outcomes", json={"message": MESSAGE, "ids": [str(uuid.uuid4())]},
                               headers={**team["owner"], "Accept-Language": "fr"})  # fmt: skip
    assert assert_problem(french, 422)["detail"].startswith("Aucune observation de la campagne")


async def test_public_list_counts_only_published_and_names_no_one(
    client: httpx.AsyncClient, db: Database, team: dict[str, Any]
) -> None:
    shown, hidden, rejected = await submit(
        client, team["contributor"], point_feature(1.44, 43.60), point_feature(1.441, 43.601),
        point_feature(1.442, 43.602),
    )  # fmt: skip
    await set_rows(db, [shown, hidden], status="validated")
    await set_rows(db, [rejected], status="rejected")
    posted = await post(client, team, ids=[shown, hidden, rejected])
    assert posted.json()["observations"] == 3  # the owner is told about all of them
    hide = {"reason": "photo of a person"}
    assert (await client.post(f"/api/v1/observations/{hidden}/hide", json=hide,
                              headers=team["admin"])).status_code == 204  # fmt: skip
    listing = await client.get(f"{URL}/outcomes")  # anonymous
    assert listing.status_code == 200, listing.text
    (outcome,) = listing.json()["outcomes"]
    assert outcome["message"] == MESSAGE and outcome["link"] == "https://example.org/plan"
    assert outcome["observations"] == 1 and outcome["statuses"] == {"validated": 1}
    assert outcome["geometry"] == {"type": "MultiPoint", "coordinates": [[1.44, 43.6]]}
    assert outcome["bbox"] == [1.44, 43.6, 1.44, 43.6]
    assert outcome["page"].endswith(f"/campaigns/arbres/outcomes.html#outcome-{outcome['id']}")
    assert outcome["created_at"]
    text = listing.text + (await client.get(f"{URL}/outcomes/{outcome['id']}")).text
    author = team["author"]
    for secret in (str(author.id), author.display_name, "camille@example.org", "Camille"):
        assert secret not in text
    assert "created_by" not in text


async def test_generalised_campaign_shows_snapped_points(
    client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    changed = await client.patch(URL, json={"location_precision_m": 1000}, headers=team["admin"])
    assert changed.status_code == 200, changed.text
    (exact,) = await submit(client, team["contributor"], point_feature(1.44421, 43.60457))
    await post(client, team, ids=[exact])
    (outcome,) = (await client.get(f"{URL}/outcomes")).json()["outcomes"]
    (lon, lat), *_ = outcome["geometry"]["coordinates"]
    assert (lon, lat) != (1.44421, 43.60457)
    public = (await client.get(f"/api/v1/observations/{exact}")).json()["geometry"]
    assert [round(lon, 6), round(lat, 6)] == [round(v, 6) for v in public["coordinates"]]


async def test_outcomes_of_a_draft_are_private_and_unknown_ids_404(
    client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    assert (await client.get(f"{URL}/outcomes/{uuid.uuid4()}")).status_code == 404
    await client.patch(URL, json={"status": "draft"}, headers=team["admin"])
    assert assert_problem(await client.get(f"{URL}/outcomes"), 404)["code"] == (
        "campaign_not_found"
    )


async def test_timeline_entry_links_to_the_public_page(
    client: httpx.AsyncClient, team: dict[str, Any]
) -> None:
    (observation,) = await submit(client, team["contributor"], point_feature())
    posted = (await post(client, team, ids=[observation])).json()
    timeline = await client.get(f"/api/v1/observations/{observation}/timeline",
                                headers=team["contributor"])  # fmt: skip
    (event,) = [e for e in timeline.json()["events"] if e["kind"] == "outcome"]
    assert event["payload"]["outcome_id"] == str(posted["id"])
    assert event["payload"]["page"] == posted["page"]
    assert event["payload"]["page"].startswith("http://")
    assert orjson.loads(orjson.dumps(event["payload"]["message"])) == MESSAGE
