"""The outcome loop end to end: a contributor submits, validators disagree and agree, the
observation is validated by consensus, the owner posts an outcome, and the contributor sees
every step on their timeline, in French and English."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.db.session import Database
from tests.factories import make_user, point_feature

URL = "/api/v1/campaigns/arbres"


async def test_from_submission_to_outcome(client: httpx.AsyncClient, crew: dict[str, Any]) -> None:
    feature = point_feature(height_m=8)
    response = await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    observation = f"/api/v1/observations/{feature['id']}"
    first, second, third = crew["validators"]
    statuses = []
    for headers, vote in ((first, {"vote": "disagree", "reason": "wrong_location", "comment": "Plutôt côté rue"}),
                          (second, {"vote": "agree"}), (third, {"vote": "agree"})):  # fmt: skip
        answer = await client.post(f"{observation}/reviews", json=vote, headers=headers)
        assert answer.status_code == 200, answer.text
        statuses.append(answer.json()["status"])
    assert statuses == ["needs_review", "needs_review", "validated"]
    outcome = {"message": {"fr": "Ces arbres ont servi à planifier l'ombrage des Allées Jean-Jaurès.",
                           "en": "These trees were used to plan shade on the Allées Jean-Jaurès."},
               "link": "https://example.org/deliberation-42", "status": "validated"}  # fmt: skip
    posted = await client.post(f"{URL}/outcomes", json=outcome, headers=crew["owner"])
    assert posted.status_code == 201 and posted.json()["observations"] == 1
    timeline = (
        await client.get(
            f"{observation}/timeline", headers={**crew["contributor"], "Accept-Language": "fr"}
        )
    ).json()
    kinds = [event["kind"] for event in timeline["events"]]
    assert kinds == [
        "submitted",
        "vote",
        "status_changed",
        "vote",
        "vote",
        "status_changed",
        "outcome",
    ]
    messages_fr = [event["message"]["fr"] for event in timeline["events"]]
    assert messages_fr[0] == "Envoyée."
    assert messages_fr[1].endswith("n'est pas d'accord (mauvais emplacement).")
    assert messages_fr[5] == (
        "Statut passé de À vérifier à Validée : 3 votes d'accord sur 4 (au moins 3 nécessaires)."
    )
    assert timeline["events"][5]["message"]["en"] == (
        "Status changed from Needs review to Validated: 3 of 4 votes agree (at least 3 needed)."
    )
    assert (
        messages_fr[6]
        == "Suite donnée : Ces arbres ont servi à planifier l'ombrage des Allées Jean-Jaurès."
    )
    assert timeline["events"][6]["payload"]["link"] == "https://example.org/deliberation-42"
    assert timeline["events"][1]["actor"] and timeline["events"][1]["actor"] != "camille"
    assert response.json()["properties"]["status"] == "pending"
    assert (await client.get(observation)).json()["properties"]["status"] == "validated"


async def test_my_contributions_and_unread_feedback(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    feature = point_feature()
    await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    mine = (await client.get("/api/v1/me/observations", headers=crew["contributor"])).json()
    assert mine["unread_total"] == 0 and mine["observations"][0]["feature"]["id"] == feature["id"]
    await client.post(f"/api/v1/observations/{feature['id']}/reviews", json={"vote": "agree"},
                      headers=crew["validators"][0])  # fmt: skip
    mine = (await client.get("/api/v1/me/observations", headers=crew["contributor"])).json()
    assert mine["unread_total"] == 1 and mine["observations"][0]["unread"] == 1
    read = await client.post("/api/v1/me/timeline/read", headers=crew["contributor"])
    assert read.json()["unread_total"] == 0
    pending = (
        await client.get("/api/v1/me/observations?status=validated", headers=crew["contributor"])
    ).json()
    assert pending["observations"] == []


async def test_owner_decides_and_validator_marks_duplicates(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    original, copy, doubtful = point_feature(), point_feature(), point_feature()
    for feature in (original, copy, doubtful):
        await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    decision = {"status": "rejected", "reason": "Photo d'un autre arbre"}
    assert (await client.post(f"/api/v1/observations/{doubtful['id']}/decision", json=decision,
                              headers=crew["owner"])).status_code == 204  # fmt: skip
    # Rejected (and below, duplicate): no longer published, so read as the owner.
    url = f"/api/v1/observations/{doubtful['id']}"
    assert (await client.get(url)).status_code == 404
    read = await client.get(url, headers=crew["owner"])
    assert read.json()["properties"]["status"] == "rejected"
    duplicate = await client.post(f"/api/v1/observations/{copy['id']}/duplicate", json={"of": original["id"]},
                                  headers=crew["validators"][0])  # fmt: skip
    assert duplicate.status_code == 204
    read = await client.get(f"/api/v1/observations/{copy['id']}", headers=crew["owner"])
    assert read.json()["properties"]["status"] == "duplicate"
    itself = await client.post(f"/api/v1/observations/{copy['id']}/duplicate", json={"of": copy["id"]},
                               headers=crew["validators"][0])  # fmt: skip
    assert itself.status_code == 409
    late = await client.post(f"/api/v1/observations/{doubtful['id']}/reviews", json={"vote": "agree"},
                             headers=crew["validators"][1])  # fmt: skip
    assert late.status_code == 409 and late.json()["code"] == "review_not_reviewable"


async def test_review_queue_puts_flagged_first_and_hides_own_and_voted(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    rules = [{"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 10}}]
    await client.put(f"{URL}/rules", json={"rules": rules}, headers=crew["owner"])
    plain, vague = point_feature(), point_feature(accuracy_m=50)
    for feature in (plain, vague):
        await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    own = point_feature()
    await client.post(f"{URL}/observations", json=own, headers=crew["validators"][0])
    queue = (await client.get(f"{URL}/review-queue", headers=crew["validators"][0])).json()["items"]
    assert [item["feature"]["id"] for item in queue] == [vague["id"], plain["id"]]
    assert queue[0]["feature"]["properties"]["quality_issues"][0]["rule"] == "gps"
    assert queue[0]["history"][0]["change"] == "created"
    await client.post(f"/api/v1/observations/{vague['id']}/reviews", json={"vote": "unsure"},
                      headers=crew["validators"][0])  # fmt: skip
    queue = (await client.get(f"{URL}/review-queue", headers=crew["validators"][0])).json()["items"]
    assert [item["feature"]["id"] for item in queue] == [plain["id"]]
    other = (await client.get(f"{URL}/review-queue", headers=crew["validators"][1])).json()["items"]
    assert other[0]["votes"][0]["vote"] == "unsure"
    assert (await client.get(f"{URL}/review-queue", headers=crew["contributor"])).status_code == 403


async def test_validator_figures_for_owners(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    feature = point_feature()
    await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    # The disagreement comes first: two agreeing votes would already reach consensus.
    votes = [("disagree", "wrong_attributes"), ("agree", None), ("agree", None)]
    for headers, (vote, reason) in zip(crew["validators"], votes, strict=True):
        await client.post(f"/api/v1/observations/{feature['id']}/reviews", json={"vote": vote, "reason": reason},
                          headers=headers)  # fmt: skip
    figures = (await client.get(f"{URL}/validators", headers=crew["owner"])).json()["validators"]
    rates = sorted(entry["agreement_rate"] for entry in figures)
    assert rates == [0.0, 1.0, 1.0]
    assert (await client.get(f"{URL}/validators", headers=crew["validators"][0])).status_code == 403


async def test_leaderboard_lists_only_those_who_opted_in(
    client: httpx.AsyncClient, crew: dict[str, Any], db: Database
) -> None:
    _, shy = await make_user(db, "discret")
    for headers in (crew["contributor"], shy, crew["contributor"]):
        await client.post(f"{URL}/observations", json=point_feature(), headers=headers)
    await client.patch("/api/v1/me", json={"leaderboard_opt_in": True}, headers=crew["contributor"])
    board = (await client.get(f"{URL}/leaderboard", headers=shy)).json()["contributors"]
    assert [(entry["display_name"], entry["contributions"]) for entry in board] == [("camille", 2)]
    stats = (await client.get("/api/v1/me/stats", headers=crew["contributor"])).json()
    assert stats["contributions"] == 2 and stats["streak_days"] == 1


async def test_outcome_selection_by_ids_and_bbox(
    client: httpx.AsyncClient, crew: dict[str, Any]
) -> None:
    near, far = point_feature(1.44, 43.60), point_feature(1.50, 43.66)
    for feature in (near, far):
        await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    message = {"fr": "Merci", "en": "Thanks"}
    by_bbox = await client.post(f"{URL}/outcomes", json={"message": message, "bbox": [1.43, 43.59, 1.45, 43.61]},
                                headers=crew["owner"])  # fmt: skip
    assert by_bbox.json()["observations"] == 1
    by_ids = await client.post(f"{URL}/outcomes", json={"message": message, "ids": [near["id"], far["id"]]},
                               headers=crew["owner"])  # fmt: skip
    assert by_ids.json() | {"observations": 2, "contributors": 1} == by_ids.json()
    nothing = await client.post(f"{URL}/outcomes", json={"message": message}, headers=crew["owner"])
    assert nothing.status_code == 422
    unknown_status = await client.post(f"{URL}/outcomes", json={"message": message, "status": "lost"},
                                       headers=crew["owner"])  # fmt: skip
    assert unknown_status.status_code == 422


async def test_timeline_is_private_to_author_and_reviewers(
    client: httpx.AsyncClient, crew: dict[str, Any], db: Database
) -> None:
    feature = point_feature()
    await client.post(f"{URL}/observations", json=feature, headers=crew["contributor"])
    _, stranger = await make_user(db)
    url = f"/api/v1/observations/{feature['id']}/timeline"
    assert (await client.get(url, headers=stranger)).status_code == 404
    assert (await client.get(url, headers=crew["validators"][0])).status_code == 200
    assert (
        await client.get(f"/api/v1/observations/{uuid.uuid4()}/timeline", headers=stranger)
    ).status_code == 404
