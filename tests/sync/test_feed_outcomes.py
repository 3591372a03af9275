"""Outcomes in the change feed: a mirror sees each posted outcome once, in order with the
observations' changes, with no contributor named and no hidden observation counted."""

from __future__ import annotations

from tests.sync.support import FEED, World, create_campaign, drain, poll, submit, write_change

MESSAGE = {"fr": "Elles ont servi au plan canopée.", "en": "They fed the canopy plan."}


async def test_a_posted_outcome_is_a_feed_entry_in_order(world: World) -> None:
    shown = await submit(world)
    hidden = await submit(world)
    await write_change(world.database, hidden["id"], "moderated", "pending", hidden=True)
    body = {"message": MESSAGE, "link": "https://example.org/plan",
            "ids": [shown["id"], hidden["id"]]}  # fmt: skip
    posted = await world.client.post("/api/v1/campaigns/arbres/outcomes", json=body,
                                     headers=world.admin)  # fmt: skip
    assert posted.status_code == 201, posted.text
    after = await submit(world)
    items, cursor = await drain(world.client, expect=5)
    kinds = [(item["kind"], item.get("observation_id") or item.get("outcome_id")) for item in items]
    assert kinds == [
        ("observation", shown["id"]),
        ("observation", hidden["id"]),
        ("observation", hidden["id"]),
        ("outcome", posted.json()["id"]),
        ("observation", after["id"]),
    ]
    outcome = items[3]
    assert outcome["campaign"] == "arbres" and outcome["deleted"] is False
    assert outcome["outcome"] | {"message": MESSAGE, "observations": 1} == outcome["outcome"]
    assert outcome["outcome"]["link"] == "https://example.org/plan"
    assert str(world.contributor_id) not in str(items)
    again, _ = await poll(world.client, cursor)
    assert again == []


async def test_outcomes_follow_the_campaign_filter_and_page_limits(world: World) -> None:
    await create_campaign(world, "bancs")
    tree = await submit(world)
    body = {"message": MESSAGE, "ids": [tree["id"]]}
    await world.client.post("/api/v1/campaigns/arbres/outcomes", json=body, headers=world.admin)
    benches, _ = await drain(world.client, campaign="bancs")
    assert benches == []
    first = (await world.client.get(FEED, params={"limit": 1})).json()
    assert [item["kind"] for item in first["changes"]] == ["observation"]
    rest, _ = await drain(world.client, first["next"], expect=1)
    assert [item["kind"] for item in rest] == ["outcome"]
