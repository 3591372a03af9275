"""The notification outbox is written with the event, by the database: which events notify,
whom (the author, not for their own actions), on which channels; never twice."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.db.session import Database
from tests.factories import make_user, point_feature
from tests.notifications.conftest import URL, Team, notifications

ME = "/api/v1/me/notifications"


async def test_status_changes_and_validator_comments_notify_the_author(
    team: Team, db: Database
) -> None:
    await team.client.put(ME, json={"email": "instant", "push": True}, headers=team.contributor)
    observation = await team.submit(height_m=8)
    await team.client.post(f"/api/v1/observations/{observation}/reviews",
                           json={"vote": "agree"}, headers=team.validator)  # fmt: skip
    await team.comment(observation, "Quelle essence ?")
    await team.decide(observation)
    assert await notifications(db, team.contributor_id) == [
        ("vote", "email", "instant", "pending"),
        ("vote", "push", "instant", "pending"),
        ("status_changed", "email", "instant", "pending"),
        ("status_changed", "push", "instant", "pending"),
    ]


async def test_nothing_without_opt_in_and_the_campaign_setting_wins(
    team: Team, db: Database
) -> None:
    observation = await team.submit(height_m=8)
    await team.comment(observation, "Quelle essence ?")
    assert await notifications(db, team.contributor_id) == []
    await team.client.put(ME, json={"email": "instant", "push": True}, headers=team.contributor)
    await team.client.put(f"{ME}/campaigns/arbres", json={"email": "digest", "push": False},
                          headers=team.contributor)  # fmt: skip
    await team.decide(observation, "rejected")
    assert await notifications(db, team.contributor_id) == [
        ("status_changed", "email", "digest", "pending")
    ]


async def test_one_s_own_actions_do_not_notify(team: Team, db: Database) -> None:
    client = team.client
    await client.put(ME, json={"email": "off", "push": True}, headers=team.owner)
    feature = point_feature(height_m=8)
    posted = await client.post(f"{URL}/observations", json=feature, headers=team.owner)
    assert posted.status_code in (200, 201), posted.text
    await team.comment(str(feature["id"]), "Bien vu")
    await team.decide(str(feature["id"]))  # the owner decides on their own observation
    owner = (await client.get("/api/v1/me", headers=team.owner)).json()["id"]
    assert await notifications(db, uuid.UUID(owner)) == [("vote", "push", "instant", "pending")]


async def test_an_event_cannot_notify_a_person_twice_on_a_channel(team: Team, db: Database) -> None:
    await team.client.put(ME, json={"email": "instant", "push": False}, headers=team.contributor)
    observation = await team.submit(height_m=8)
    await team.comment(observation, "Photo floue")
    async with db.session() as session:
        with pytest.raises(IntegrityError):
            await session.execute(
                text("INSERT INTO notifications (user_id, event_id, channel, delivery) "
                     "SELECT user_id, event_id, channel, delivery FROM notifications")
            )  # fmt: skip
    assert len(await notifications(db, team.contributor_id)) == 1


async def test_people_who_follow_an_observation_hear_of_it_too(team: Team, db: Database) -> None:
    """A neighbour who confirmed "that's the one I saw" follows it: its decision reaches them."""
    follower, neighbour = await make_user(db, "voisine")
    await team.client.put(ME, json={"email": "off", "push": True}, headers=neighbour)
    observation = await team.submit(height_m=8)
    confirmed = await team.client.post(
        f"/api/v1/observations/{observation}/confirmations",
        json={"kind": "same", "comment": "Je l'ai vu aussi"}, headers=neighbour,
    )  # fmt: skip
    assert confirmed.status_code == 201, confirmed.text
    asked = await team.client.post(
        f"/api/v1/observations/{observation}/request-info",
        json={"question": "Quelle hauteur ?"}, headers=team.validator,
    )  # fmt: skip
    assert asked.status_code == 204, asked.text
    await team.decide(observation)
    # The question is for the author alone; the decision reaches whoever follows.
    assert await notifications(db, follower.id) == [
        ("status_changed", "push", "instant", "pending")
    ]
