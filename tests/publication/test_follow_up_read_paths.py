"""The publication walk over the read paths of the review loop: "is this it?" near a point,
owners' outcomes (JSON and the public page) and their entries in the change feed, for every
publication case, anonymously and with an unrelated device token. Outcomes cover every case
(hidden, withdrawn, rejected, unpublished): only published observations are counted or placed,
and no contributor is named."""

from __future__ import annotations

import orjson
import pytest

from tests.publication.conftest import CASES, PUBLISHED, World
from tests.publication.support import assert_nothing_private, assert_public_place, coordinates
from tests.publication.test_public_read_paths import PUBLIC_SLUGS, READERS, get

MESSAGE = {"fr": "Pris en compte", "en": "Taken into account"}


@pytest.fixture(scope="module")
async def outcomes(world: World) -> dict[str, str]:
    """One outcome per public campaign over every one of its observations, by id."""
    posted = {}
    for slug in PUBLIC_SLUGS:
        ids = [world.ids[case] for case in CASES if CASES[case][0] == slug]
        response = await world.client.post(
            f"/api/v1/campaigns/{slug}/outcomes", json={"message": MESSAGE, "ids": ids},
            headers=world.headers["admin"],
        )  # fmt: skip
        assert response.status_code == 201, response.text
        posted[slug] = response.json()["id"]
    return posted


def _published_in(slug: str) -> int:
    return sum(1 for case in PUBLISHED if CASES[case][0] == slug)


@pytest.mark.parametrize("reader", READERS)
async def test_outcomes_count_and_place_only_published_observations(
    world: World, outcomes: dict[str, str], reader: str
) -> None:
    for slug in PUBLIC_SLUGS:
        listed = await get(world, reader, f"/api/v1/campaigns/{slug}/outcomes")
        assert listed.status_code == 200
        one = await get(world, reader, f"/api/v1/campaigns/{slug}/outcomes/{outcomes[slug]}")
        assert one.status_code == 200
        for outcome in (*listed.json()["outcomes"], one.json()):
            assert outcome["observations"] == _published_in(slug)
            points = list(coordinates(outcome["points"])) if outcome["points"] else []
            assert len(points) == _published_in(slug)
            for point in points:
                assert_public_place(world, point)
        page = await get(world, reader, f"/campaigns/{slug}/outcomes.html")
        assert page.status_code == 200
    assert (await get(world, reader, "/api/v1/campaigns/brouillon/outcomes")).status_code == 404
    assert (await get(world, reader, "/campaigns/brouillon/outcomes.html")).status_code == 404


@pytest.mark.parametrize("reader", READERS)
async def test_outcome_entries_in_the_change_feed(
    world: World, outcomes: dict[str, str], reader: str
) -> None:
    response = await world.client.get("/api/v1/changes", headers=world.reader(reader))
    assert response.status_code == 200
    entries = [c for c in response.json()["changes"] if c["kind"] == "outcome"]
    assert {entry["outcome_id"] for entry in entries} == set(outcomes.values())
    assert_nothing_private(world, orjson.dumps(entries))
    for entry in entries:
        assert entry["outcome"]["observations"] == _published_in(entry["campaign"])


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", CASES)
async def test_is_this_it_sees_only_published_observations(
    world: World, reader: str, case: str
) -> None:
    lon, lat = world.places[case]
    slug = CASES[case][0]
    response = await get(world, reader, f"/api/v1/campaigns/{slug}/nearby",
                         lon=lon, lat=lat, radius_m=1000)  # fmt: skip
    if slug == "brouillon":
        assert response.status_code == 404
        return
    assert response.status_code == 200, response.text
    found = {item["id"] for item in response.json()["items"]}
    assert found <= world.published_ids
    assert (world.ids[case] in found) == (case in PUBLISHED)
