"""A campaign's opening and closing dates: before the opening only its members contribute;
after the closing, observations made before it are still taken for 72 hours (collected
offline), then nothing; the dates are checked, cleared with null, and shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.factories import point_feature

CAMPAIGN = "/api/v1/campaigns/arbres"
OBSERVATIONS = f"{CAMPAIGN}/observations"
BATCH = f"{OBSERVATIONS}/batch"


def moment(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


async def schedule(client: httpx.AsyncClient, headers: dict[str, str], **dates: Any) -> Any:
    response = await client.patch(CAMPAIGN, json=dates, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_before_the_opening_only_members_contribute(
    client: httpx.AsyncClient,
    campaign: dict[str, Any],
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:
    assert campaign["accepting_contributions"] is True
    shown = await schedule(client, admin_headers, opens_at=moment(timedelta(days=2)))
    assert shown["accepting_contributions"] is False
    assert shown["opens_at"] is not None
    headers = {**contributor_headers, "Accept-Language": "fr"}
    refused = await client.post(OBSERVATIONS, json=point_feature(), headers=headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "campaign_not_yet_open"
    assert "ouvre le" in refused.json()["detail"]
    # The owner tries the form before the opening, as in a draft.
    tried = await client.post(OBSERVATIONS, json=point_feature(), headers=admin_headers)
    assert tried.status_code == 201, tried.text
    # Still public: announced before it opens.
    assert (await client.get(CAMPAIGN)).status_code == 200
    reopened = await schedule(client, admin_headers, opens_at=None)
    assert reopened["accepting_contributions"] is True
    accepted = await client.post(OBSERVATIONS, json=point_feature(), headers=contributor_headers)
    assert accepted.status_code == 201, accepted.text


async def test_after_the_closing_only_earlier_observations_for_72_hours(
    client: httpx.AsyncClient,
    campaign: dict[str, Any],
    admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:
    closed = await schedule(client, admin_headers, closes_at=moment(-timedelta(hours=1)))
    assert closed["accepting_contributions"] is False
    before = point_feature(observed_at=moment(-timedelta(hours=5)))
    after = point_feature(observed_at=moment(-timedelta(minutes=10)))
    undated = point_feature()
    response = await client.post(
        BATCH, json={"type": "FeatureCollection", "features": [before, after, undated]},
        headers=contributor_headers,
    )  # fmt: skip
    assert response.status_code in (200, 207), response.text
    items = response.json()["results"]
    outcomes = [item["result"] for item in items]
    assert outcomes == ["created", "invalid", "invalid"], items
    paths = [error["path"] for item in items[1:] for error in item["errors"]]
    assert paths == ["/features/1/properties/observed_at", "/features/2/properties/observed_at"]
    listed = (await client.get(OBSERVATIONS, headers=admin_headers)).json()
    assert [f["id"] for f in listed["features"]] == [before["id"]]

    await schedule(client, admin_headers, closes_at=moment(-timedelta(hours=73)))
    old = point_feature(observed_at=moment(-timedelta(hours=80)))
    ended = await client.post(OBSERVATIONS, json=old, headers=contributor_headers)
    assert ended.status_code == 409, ended.text
    assert ended.json()["code"] == "campaign_ended"


async def test_dates_are_checked_and_nothing_is_changed_by_a_refusal(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    opens = moment(timedelta(days=1))
    await schedule(client, admin_headers, opens_at=opens)
    headers = {**admin_headers, "Accept-Language": "fr"}
    early = await client.patch(CAMPAIGN, json={"closes_at": moment(timedelta(hours=1))},
                               headers=headers)  # fmt: skip
    assert early.status_code == 422, early.text
    [error] = early.json()["errors"]
    assert error["path"] == "/closes_at" and "doit venir après" in error["detail"]
    naive = await client.patch(CAMPAIGN, json={"opens_at": "2027-01-01T10:00:00"}, headers=headers)
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["path"] == "/body/opens_at"
    stored = (await client.get(CAMPAIGN, headers=admin_headers)).json()
    assert stored["closes_at"] is None
    assert datetime.fromisoformat(stored["opens_at"]) == datetime.fromisoformat(opens)
    both = await client.post(
        "/api/v1/campaigns",
        json={"slug": "dates", "title": "t", "opens_at": opens, "closes_at": opens},
        headers=admin_headers,
    )
    assert both.status_code == 422, both.text
