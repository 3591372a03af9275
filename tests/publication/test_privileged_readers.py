"""The other side of the publication rule: the author sees their own observations whatever
their state, exactly; the campaign's validators see every one, exactly, with names."""

from __future__ import annotations

import pytest

from tests.publication.conftest import AUTHOR, CASES, PUBLISHED, World
from tests.publication.support import metres


@pytest.mark.parametrize("case", CASES)
async def test_the_author_reads_their_own_exactly(world: World, case: str) -> None:
    url = f"/api/v1/observations/{world.ids[case]}"
    headers = world.headers["author"]
    feature = await world.client.get(url, headers=headers)
    assert feature.status_code == 200, feature.text
    assert tuple(feature.json()["geometry"]["coordinates"]) == pytest.approx(world.places[case])
    history = (await world.client.get(f"{url}/history", headers=headers)).json()["versions"]
    assert history[0]["by"] == AUTHOR
    assert tuple(history[0]["geometry"]["coordinates"]) == pytest.approx(world.places[case])
    photo = await world.client.get(world.photos[case]["href"], headers=headers)
    assert photo.status_code == 200
    expected = "public, max-age=31536000, immutable" if case in PUBLISHED else "private, no-store"
    assert photo.headers["cache-control"] == expected


async def test_the_author_lists_their_own_unpublished_ones_exactly(world: World) -> None:
    url = "/api/v1/campaigns/strict/observations"
    response = await world.client.get(url, headers=world.headers["author"])
    features = {f["id"]: f for f in response.json()["features"]}
    assert set(features) == {world.ids["pending_validated_only"], world.ids["validated"]}
    for case in ("pending_validated_only", "validated"):
        point = tuple(features[world.ids[case]]["geometry"]["coordinates"])
        assert metres(point, world.places[case]) < 0.01
    lon, lat = world.places["pending_validated_only"]
    bbox = f"{lon - 0.0001},{lat - 0.0001},{lon + 0.0001},{lat + 0.0001}"
    boxed = await world.client.get(url, params={"bbox": bbox}, headers=world.headers["author"])
    assert [f["id"] for f in boxed.json()["features"]] == [world.ids["pending_validated_only"]]


@pytest.mark.parametrize("case", [c for c in CASES if c not in ("hidden", "withdrawn")])
async def test_validators_list_every_one_exactly_and_see_names(world: World, case: str) -> None:
    slug = CASES[case][0]
    headers = world.headers["validator"]
    statuses = "pending,needs_review,flagged,validated,rejected,duplicate"
    url = f"/api/v1/campaigns/{slug}/observations"
    response = await world.client.get(url, params={"status": statuses}, headers=headers)
    features = {f["id"]: f for f in response.json()["features"]}
    point = tuple(features[world.ids[case]]["geometry"]["coordinates"])
    assert metres(point, world.places[case]) < 0.01
    history = await world.client.get(
        f"/api/v1/observations/{world.ids[case]}/history", headers=headers
    )
    assert history.json()["versions"][0]["by"] == AUTHOR


async def test_an_author_who_opted_in_is_named_in_public_history(world: World) -> None:
    await world.client.patch("/api/v1/me", json={"publish_identity": True},
                             headers=world.headers["author"])  # fmt: skip
    try:
        url = f"/api/v1/observations/{world.ids['published']}/history"
        versions = (await world.client.get(url)).json()["versions"]
        assert versions[0]["by"] == AUTHOR
    finally:
        await world.client.patch("/api/v1/me", json={"publish_identity": False},
                                 headers=world.headers["author"])  # fmt: skip
