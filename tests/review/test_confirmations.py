"""Others confirm what someone reported: counted on the Feature, "not fixed" reopens a decided
observation, "same" (and being marked a duplicate) makes them follow the original; and the
"is this it?" search near a point."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.db.session import Database
from tests.factories import make_user, point_feature

URL = "/api/v1/campaigns/arbres"


async def _submit(client: httpx.AsyncClient, headers: dict[str, str], *args: Any) -> str:
    feature = point_feature(*args)
    response = await client.post(f"{URL}/observations", json=feature, headers=headers)
    assert response.status_code == 201, response.text
    return str(feature["id"])


async def _confirm(
    client: httpx.AsyncClient, observation_id: str, headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await client.post(f"/api/v1/observations/{observation_id}/confirmations", json=body,
                             headers=headers)  # fmt: skip


async def test_confirmations_count_reopen_and_follow(
    client: httpx.AsyncClient, crew: dict[str, Any], db: Database
) -> None:
    original = await _submit(client, crew["contributor"])
    _, device = await make_user(db, device=True)
    still = await _confirm(client, original, device, kind="still_there", comment="Vu ce matin")
    assert still.status_code == 201, still.text
    assert still.json() == {"id": original, "confirmations": 1, "status": "pending"}
    # One per person: a second word replaces the first.
    again = await _confirm(client, original, device, kind="still_there")
    assert again.json()["confirmations"] == 1
    url = f"/api/v1/observations/{original}"
    decision = {"status": "validated", "reason": "Vérifié"}
    await client.post(f"{url}/decision", json=decision, headers=crew["owner"])
    reopened = await _confirm(client, original, crew["neighbour"], kind="not_fixed")
    assert reopened.json() == {"id": original, "confirmations": 2, "status": "needs_review"}
    feature = (await client.get(url, headers=crew["contributor"])).json()
    assert feature["properties"]["confirmations"] == 2
    assert feature["properties"]["status"] == "needs_review"
    listed = (await client.get(f"{URL}/observations", headers=crew["owner"])).json()
    assert listed["features"][0]["properties"]["confirmations"] == 2
    same = await _confirm(client, original, crew["validators"][0], kind="same")
    assert same.json()["confirmations"] == 3
    mine = (await client.get("/api/v1/me/observations", headers=crew["validators"][0])).json()
    assert [(entry["feature"]["id"], entry["following"]) for entry in mine["observations"]] == [
        (original, True)
    ]
    author = (await client.get("/api/v1/me/observations", headers=crew["contributor"])).json()
    assert author["observations"][0]["following"] is False
    # The follower reads the timeline; one who only said "still there" does not follow it.
    timeline = await client.get(f"{url}/timeline", headers=crew["validators"][0])
    assert timeline.status_code == 200
    assert (await client.get(f"{url}/timeline", headers=device)).status_code == 404
    events = (await client.get(f"{url}/timeline", headers=crew["contributor"])).json()["events"]
    kinds = [event["kind"] for event in events]
    assert kinds == ["submitted", "confirmed", "confirmed", "status_changed", "confirmed",
                     "status_changed", "confirmed"]  # fmt: skip
    assert events[1]["payload"] == {"kind": "still_there", "comment": "Vu ce matin"}
    assert events[1]["message"]["fr"].endswith("confirme que c'est toujours là. « Vu ce matin »")
    assert events[4]["message"]["en"] == "dominique reports it is still not fixed."
    assert events[5]["payload"]["to"] == "needs_review"


async def test_following_brings_timeline_events_to_the_follower(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    original = await _submit(client, crew["contributor"])
    await _confirm(client, original, crew["neighbour"], kind="same")
    before = (await client.get("/api/v1/me/observations", headers=crew["neighbour"])).json()
    await client.post(f"/api/v1/observations/{original}/reviews", json={"vote": "agree"},
                      headers=crew["validators"][0])  # fmt: skip
    after = (await client.get("/api/v1/me/observations", headers=crew["neighbour"])).json()
    assert after["unread_total"] == before["unread_total"] + 1
    assert after["observations"][0]["unread"] == before["observations"][0]["unread"] + 1


async def test_marking_a_duplicate_counts_its_author_on_the_original(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    original = await _submit(client, crew["contributor"])
    copy = await _submit(client, crew["neighbour"])
    marked = await client.post(f"/api/v1/observations/{copy}/duplicate", json={"of": original},
                               headers=crew["validators"][0])  # fmt: skip
    assert marked.status_code == 204, marked.text
    feature = (await client.get(f"/api/v1/observations/{original}")).json()
    assert feature["properties"]["confirmations"] == 1
    mine = (await client.get("/api/v1/me/observations", headers=crew["neighbour"])).json()
    following = {entry["feature"]["id"]: entry["following"] for entry in mine["observations"]}
    assert following == {original: True, copy: False}
    events = (
        await client.get(f"/api/v1/observations/{original}/timeline", headers=crew["neighbour"])
    ).json()["events"]
    assert events[-1]["kind"] == "confirmed"
    assert events[-1]["payload"] == {"kind": "same", "comment": None, "duplicate": copy}
    assert events[-1]["actor"] == "dominique"


async def test_confirmations_refuse_bad_input(
    client: httpx.AsyncClient, crew: dict[str, Any], db: Database
) -> None:
    original = await _submit(client, crew["contributor"])
    neighbour = crew["neighbour"]
    bodies: list[dict[str, Any]] = [
        {}, {"kind": "gone"}, {"kind": "same", "comment": "x" * 2001},
        {"kind": "same", "comment": "nul\u0000"}, {"kind": "same", "media": ["nope"]},
        {"kind": "same", "extra": True}, {"kind": "same", "media": [str(uuid.uuid4())] * 21},
    ]  # fmt: skip
    for body in bodies:
        response = await _confirm(client, original, neighbour, **body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    photo = str(uuid.uuid4())
    unknown_photo = await _confirm(client, original, neighbour, kind="same", media=[photo])
    assert unknown_photo.status_code == 422
    assert unknown_photo.json()["errors"][0]["path"] == "/body/media/0"
    assert photo in unknown_photo.json()["errors"][0]["detail"]
    own = await _confirm(client, original, crew["contributor"], kind="still_there")
    assert own.status_code == 409 and own.json()["code"] == "confirm_own_contribution"
    missing = await _confirm(client, str(uuid.uuid4()), neighbour, kind="same")
    assert missing.status_code == 404
    anonymous = await client.post(f"/api/v1/observations/{original}/confirmations",
                                  json={"kind": "same"})  # fmt: skip
    assert anonymous.status_code == 401
    # Rejected, so no longer public: strangers cannot reach it.
    await client.post(f"/api/v1/observations/{original}/decision",
                      json={"status": "rejected", "reason": "non"}, headers=crew["owner"])  # fmt: skip
    hidden = await _confirm(client, original, neighbour, kind="not_fixed")
    assert hidden.status_code == 404
    assert (await client.get(f"/api/v1/observations/{original}")).status_code == 404


async def test_nearby_lists_what_is_close_nearest_first(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    # About 11 m and 33 m east of the point, and 1.1 km away.
    near = await _submit(client, crew["contributor"], 1.44434, 43.6045)
    farther = await _submit(client, crew["contributor"], 1.44461, 43.6045)
    await _submit(client, crew["contributor"], 1.4579, 43.6045)
    await _confirm(client, farther, crew["neighbour"], kind="still_there")
    answer = await client.get(f"{URL}/nearby?lon=1.4442&lat=43.6045&radius_m=50")
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [item["id"] for item in items] == [near, farther]
    assert 10 < items[0]["distance_m"] < 13 and 31 < items[1]["distance_m"] < 35
    assert items[1] | {"title": "Platanus", "status": "pending", "photo": None,
                       "confirmations": 1} == items[1]  # fmt: skip
    narrow = await client.get(f"{URL}/nearby?lon=1.4442&lat=43.6045&radius_m=20")
    assert [item["id"] for item in narrow.json()["items"]] == [near]
    for query in ("lon=1.4442", "lon=200&lat=43.6", "lon=1.4&lat=43.6&radius_m=0",
                  "lon=1.4&lat=43.6&radius_m=5000", "lon=x&lat=43.6"):  # fmt: skip
        refused = await client.get(f"{URL}/nearby?{query}")
        assert refused.status_code == 422, (query, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/v1/campaigns/nowhere/nearby?lon=1&lat=43")).status_code == 404


async def test_a_follower_reads_no_names_but_their_own_and_not_the_author_s_exchange(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    original = await _submit(client, crew["contributor"])
    await _confirm(client, original, crew["neighbour"], kind="same", comment="Je l'ai vu aussi")
    url = f"/api/v1/observations/{original}"
    before = (await client.get("/api/v1/me/observations", headers=crew["neighbour"])).json()
    asked = await client.post(f"{url}/request-info", json={"question": "Camille, quelle hauteur ?"},
                              headers=crew["validators"][0])  # fmt: skip
    assert asked.status_code == 204, asked.text
    after = (await client.get("/api/v1/me/observations", headers=crew["neighbour"])).json()
    # The question is addressed to the author: no news to the follower, nor on their timeline.
    assert after["unread_total"] == before["unread_total"]
    events = (await client.get(f"{url}/timeline", headers=crew["neighbour"])).json()["events"]
    assert [event["kind"] for event in events] == ["submitted", "confirmed"]
    assert [event["actor"] for event in events] == [None, "dominique"]
    assert "camille" not in str(events).lower()
    # The author and the campaign's staff read it all, with names.
    for reader in (crew["contributor"], crew["owner"]):
        full = (await client.get(f"{url}/timeline", headers=reader)).json()["events"]
        assert [event["kind"] for event in full][-1] == "info_requested"
        assert full[0]["actor"] == "camille"
