"""Submitting observations: idempotency, validation, batches, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from app.observations.models import Observation, ObservationVersion
from tests.factories import campaign_body, make_user, point_feature

URL = "/api/v1/campaigns/arbres/observations"


async def count_rows(session: AsyncSession, model: Any = Observation) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_submit_returns_the_stored_feature(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature(height_m=12.5, trunks=2, health="good", uses=["shade"],
                            observed_at="2026-05-01T10:15:00+02:00", accuracy_m=4)  # fmt: skip
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body["id"] == feature["id"]
    assert body["geometry"] == {"type": "Point", "coordinates": [1.4442, 43.6045]}
    properties = body["properties"]
    assert properties["species"] == "Platanus" and properties["uses"] == ["shade"]
    assert properties["status"] == "pending" and properties["version"] == 1
    assert properties["observed_at"].startswith("2026-05-01T08:15:00")
    assert properties["accuracy_m"] == 4
    assert properties["created_at"] and properties["updated_at"]


async def test_replay_with_same_content_returns_200_and_stores_once(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    feature = point_feature(height_m=3)
    first = await client.post(URL, json=feature, headers=contributor_headers)
    again = await client.post(URL, json=feature, headers=contributor_headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert await count_rows(session) == 1
    assert await count_rows(session, ObservationVersion) == 1


async def test_replay_with_other_content_is_a_conflict(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    feature = point_feature(height_m=3)
    await client.post(URL, json=feature, headers=contributor_headers)
    feature["properties"]["height_m"] = 4
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_conflict"
    stored = await client.get(f"/api/v1/observations/{feature['id']}")
    assert stored.json()["properties"]["height_m"] == 3
    assert await count_rows(session) == 1


async def test_properties_are_validated_with_a_path_for_each_error(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    feature = point_feature(
        species=None, height_m=500, trunks=1.5, remarkable="yes", planted="2026-13-01",
        health="dead", uses=["shade", "shade"], colour="red", observed_at="yesterday",
        accuracy_m=-1,
    )  # fmt: skip
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    errors = {e["path"]: e["code"] for e in body["errors"]}
    assert errors == {
        "/properties/species": "required",
        "/properties/height_m": "above_maximum",
        "/properties/trunks": "wrong_type",
        "/properties/remarkable": "wrong_type",
        "/properties/planted": "invalid_date",
        "/properties/health": "not_a_choice",
        "/properties/uses/1": "duplicate_choice",
        "/properties/colour": "unknown_member",
        "/properties/observed_at": "invalid_datetime",
        "/properties/accuracy_m": "below_minimum",
    }
    height = next(e for e in body["errors"] if e["path"] == "/properties/height_m")
    assert height["detail"] == "The value 500 is above the maximum of 120.0."
    assert await count_rows(session) == 0


async def test_validation_messages_in_french(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    headers = {**contributor_headers, "Accept-Language": "fr"}
    response = await client.post(URL, json=point_feature(health="dead"), headers=headers)
    (error,) = response.json()["errors"]
    assert error["detail"] == "« dead » ne fait pas partie des valeurs permises : good, poor."


async def test_integral_float_is_stored_as_integer(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    response = await client.post(URL, json=point_feature(trunks=3.0), headers=contributor_headers)
    assert response.status_code == 201
    assert response.json()["properties"]["trunks"] == 3
    assert isinstance(response.json()["properties"]["trunks"], int)


async def test_z_is_dropped_and_said(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature()
    feature["geometry"]["coordinates"] = [1.4442, 43.6045, 146.2]
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 201
    body = response.json()
    assert body["geometry"]["coordinates"] == [1.4442, 43.6045]
    assert [w["code"] for w in body["warnings"]] == ["z_dropped"]


async def test_clockwise_polygon_is_rewound_and_stored(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    clockwise = [[1.44, 43.60], [1.44, 43.61], [1.45, 43.61], [1.45, 43.60], [1.44, 43.60]]
    feature = point_feature()
    feature["geometry"] = {"type": "Polygon", "coordinates": [clockwise]}
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 201, response.text
    assert response.json()["geometry"]["coordinates"][0] == list(reversed(clockwise))


async def test_geometry_type_not_allowed_by_the_campaign(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    feature = point_feature()
    feature["geometry"] = {"type": "LineString", "coordinates": [[1.44, 43.60], [1.45, 43.61]]}
    response = await client.post(URL, json=feature, headers=contributor_headers)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["path"], error["code"]) == ("/geometry/type", "geometry_type_not_allowed")


async def test_body_that_is_not_json_is_400(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    response = await client.post(URL, content=b'{"type": "Feat', headers=contributor_headers)
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    empty = await client.post(URL, content=b"", headers=contributor_headers)
    assert empty.status_code == 400


async def test_anonymous_submission_needs_a_token(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    response = await client.post(URL, json=point_feature())
    assert response.status_code == 401


async def test_device_accounts_only_where_the_campaign_allows(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str], db: Database
) -> None:
    _, device = await make_user(db, device=True)
    assert (await client.post(URL, json=point_feature(), headers=device)).status_code == 201
    await client.patch(
        "/api/v1/campaigns/arbres", json={"allow_anonymous": False}, headers=admin_headers
    )
    refused = await client.post(URL, json=point_feature(), headers=device)
    assert refused.status_code == 403 and refused.json()["code"] == "anonymous_not_allowed"


async def test_closed_campaign_refuses_observations(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str],
    contributor_headers: dict[str, str],
) -> None:  # fmt: skip
    await client.patch("/api/v1/campaigns/arbres", json={"status": "closed"}, headers=admin_headers)
    response = await client.post(URL, json=point_feature(), headers=contributor_headers)
    assert response.status_code == 409 and response.json()["code"] == "campaign_not_open"


# Batches -----------------------------------------------------------------------------------


async def test_batch_answers_each_feature_and_one_bad_feature_does_not_sink_the_others(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    replayed = point_feature(height_m=1)
    conflicting = point_feature(height_m=1)
    for feature in (replayed, conflicting):
        await client.post(URL, json=feature, headers=contributor_headers)
    conflicting = {**conflicting, "properties": {"species": "Quercus"}}
    bad_geometry = point_feature(lon=200)
    bad_property = point_feature(height_m=-3)
    new = point_feature()
    twin = {**new}
    features = [new, replayed, conflicting, bad_geometry, bad_property, twin]
    response = await client.post(
        URL + "/batch", json={"type": "FeatureCollection", "features": features},
        headers=contributor_headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    outcomes = [(r["index"], r["result"]) for r in body["results"]]
    assert outcomes == [(0, "created"), (1, "replayed"), (2, "conflict"), (3, "invalid"),
                        (4, "invalid"), (5, "invalid")]  # fmt: skip
    assert body["summary"] == {"created": 1, "replayed": 1, "conflict": 1, "invalid": 3}
    results = body["results"]
    assert results[0]["id"] == new["id"] and results[0]["version"] == 1
    assert results[3]["errors"][0]["path"] == "/features/3/geometry/coordinates/0"
    assert results[4]["errors"][0]["path"] == "/features/4/properties/height_m"
    assert results[5]["errors"][0]["code"] == "duplicate_id_in_batch"
    assert await count_rows(session) == 3


async def test_batch_envelope_errors(
    client: httpx.AsyncClient, campaign: dict[str, Any], contributor_headers: dict[str, str]
) -> None:
    not_a_collection = await client.post(
        URL + "/batch", json=point_feature(), headers=contributor_headers
    )
    assert not_a_collection.status_code == 422
    too_many = {"type": "FeatureCollection", "features": [point_feature() for _ in range(1001)]}
    response = await client.post(URL + "/batch", json=too_many, headers=contributor_headers)
    assert response.status_code == 413 and response.json()["code"] == "batch_too_large"


async def test_concurrent_submissions_of_one_new_id_store_one_row(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    _, admin = await make_user(committed_db, admin=True)
    _, contributor = await make_user(committed_db)
    await committed_client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    for _ in range(5):
        feature = point_feature(height_m=7)
        responses = await asyncio.gather(
            *(committed_client.post(URL, json=feature, headers=contributor) for _ in range(4))
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 200, 200, 201], [r.text for r in responses]
        assert len({r.json()["id"] for r in responses}) == 1
    async with committed_db.session() as session:
        assert await count_rows(session) == 5
        assert await count_rows(session, ObservationVersion) == 5


async def test_concurrent_conflicting_submissions(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    _, admin = await make_user(committed_db, admin=True)
    _, contributor = await make_user(committed_db)
    await committed_client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
    observation_id = uuid.uuid4()
    features = [point_feature(observation_id=observation_id, height_m=h) for h in (1, 2)]
    responses = await asyncio.gather(
        *(committed_client.post(URL, json=f, headers=contributor) for f in features)
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
