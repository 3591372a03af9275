"""A validator asks the contributor for more information; the contributor's edit puts the
observation back to review; owners' decisions carry a comment to the timeline."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.factories import point_feature

URL = "/api/v1/campaigns/arbres"


async def _submit(client: httpx.AsyncClient, headers: dict[str, str], **properties: Any) -> str:
    feature = point_feature(**properties)
    response = await client.post(f"{URL}/observations", json=feature, headers=headers)
    assert response.status_code == 201, response.text
    return f"/api/v1/observations/{feature['id']}"


async def test_request_info_then_the_author_answers(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    observation = await _submit(client, crew["contributor"], height_m=8)
    question = {"question": "Pouvez-vous préciser l'espèce ?"}
    asked = await client.post(f"{observation}/request-info", json=question,
                              headers=crew["validators"][0])  # fmt: skip
    assert asked.status_code == 204, asked.text
    read = await client.get(observation, headers=crew["contributor"])
    assert read.json()["properties"]["status"] == "needs_info"
    queue = await client.get(f"{URL}/review-queue", headers=crew["validators"][1])
    assert queue.json()["items"] == []
    # Waiting for its author: not under review.
    vote = await client.post(f"{observation}/reviews", json={"vote": "agree"},
                             headers=crew["validators"][1])  # fmt: skip
    assert vote.status_code == 409 and vote.json()["code"] == "review_not_reviewable"
    again = await client.post(f"{observation}/request-info", json=question,
                              headers=crew["validators"][1])  # fmt: skip
    assert again.status_code == 409
    patch = {"properties": {"species": "Quercus"}}
    edited = await client.patch(observation, json=patch,
                                headers={**crew["contributor"], "If-Match": read.headers["ETag"]})  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["properties"]["status"] == "needs_review"
    queue = (await client.get(f"{URL}/review-queue", headers=crew["validators"][1])).json()
    assert [item["feature"]["id"] for item in queue["items"]] == [observation.rsplit("/", 1)[1]]
    timeline = (await client.get(f"{observation}/timeline", headers=crew["contributor"])).json()
    events = timeline["events"]
    assert [event["kind"] for event in events] == [
        "submitted", "info_requested", "edited", "info_provided",
    ]  # fmt: skip
    assert events[1]["payload"] == question
    assert events[1]["message"]["fr"].endswith("demande des informations : "
                                               "Pouvez-vous préciser l'espèce ?")  # fmt: skip
    assert events[3]["payload"] == {"version": 3}
    assert events[3]["message"]["en"] == (
        "Information added by camille (version 3): back to review."
    )
    history = (await client.get(f"{observation}/history", headers=crew["contributor"])).json()
    changes = [entry["change"] for entry in history["versions"]]
    assert changes == ["created", "info_requested", "edited"]


async def test_a_validator_editing_keeps_it_waiting_for_the_author(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    observation = await _submit(client, crew["contributor"])
    await client.post(f"{observation}/request-info", json={"question": "Photo ?"},
                      headers=crew["validators"][0])  # fmt: skip
    etag = (await client.get(observation, headers=crew["owner"])).headers["ETag"]
    edited = await client.patch(observation, json={"properties": {"height_m": 3}},
                                headers={**crew["validators"][0], "If-Match": etag})  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["properties"]["status"] == "needs_info"


async def test_request_info_refuses_bad_input_and_wrong_roles(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    observation = await _submit(client, crew["contributor"])
    url = f"{observation}/request-info"
    validator = crew["validators"][0]
    for body, member in (({}, "/body/question"), ({"question": ""}, "/body/question"),
                         ({"question": "x" * 2001}, "/body/question"),
                         ({"question": "ok", "extra": 1}, "/body/extra"),
                         ({"question": "bad\u0000text"}, "/body/question")):  # fmt: skip
        response = await client.post(url, json=body, headers=validator)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert member in [error["path"] for error in response.json()["errors"]], response.text
    refused = await client.post(url, json={"question": "?"}, headers=crew["neighbour"])
    assert refused.status_code == 403
    unknown = await client.post(f"/api/v1/observations/{uuid.uuid4()}/request-info",
                                json={"question": "?"}, headers=validator)  # fmt: skip
    assert unknown.status_code == 404
    assert (await client.post(url, json={"question": "?"})).status_code == 401


async def test_decision_comment_reaches_the_timeline(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    observation = await _submit(client, crew["contributor"])
    decision = {"status": "rejected", "reason": "Hors zone", "comment": "Merci quand même"}
    response = await client.post(f"{observation}/decision", json=decision, headers=crew["owner"])
    assert response.status_code == 204, response.text
    timeline = (await client.get(f"{observation}/timeline", headers=crew["contributor"])).json()
    changed = timeline["events"][-1]
    assert changed["kind"] == "status_changed"
    assert changed["payload"] == {"from": "pending", "to": "rejected", "reason": "Hors zone",
                                  "comment": "Merci quand même"}  # fmt: skip
    assert changed["message"]["fr"] == (
        "Statut passé de En attente à Rejetée : Hors zone (Merci quand même)"
    )
    assert changed["message"]["en"] == (
        "Status changed from Pending to Rejected: Hors zone (Merci quand même)"
    )
    long = {"status": "validated", "reason": "ok", "comment": "x" * 2001}
    response = await client.post(f"{observation}/decision", json=long, headers=crew["owner"])
    assert response.status_code == 422
