from __future__ import annotations

import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from starlette.responses import Response

from app.auth.deps import CurrentUser, OptionalUser
from app.auth.ratelimit import RateLimit
from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.errors import PayloadTooLarge, request_language
from app.observations import service, submission
from app.observations.geojson import features_of_collection
from app.observations.schemas import BATCH_EXAMPLE, FEATURE_EXAMPLE, parse_bbox, parse_statuses
from app.web import json_response, raw_json_response, read_json

router = APIRouter(tags=["observations"])
IfMatch = Annotated[str | None, Header(alias="If-Match")]


@router.post(
    "/campaigns/{slug}/observations",
    status_code=201,
    openapi_extra=FEATURE_EXAMPLE,
    responses={200: {"description": "Replay of an already stored observation"}},
)
async def submit_observation(
    slug: str, request: Request, session: SessionDep, user: CurrentUser, _: RateLimit
) -> Response:
    """Submit one GeoJSON Feature. Send your own UUID as `id` to make retries safe."""
    campaign = await campaigns.get_campaign(session, slug, user)
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    result, row = await submission.submit_one(session, campaign, user, body)
    language = request_language(request)
    content: bytes | str = row.json
    if result.warnings:
        warnings = ",".join(_dumps(w.to_json(language)) for w in result.warnings)
        content = row.json[:-1] + f',"warnings":[{warnings}]}}'
    status = 201 if result.outcome == "created" else 200
    headers = {"ETag": service.etag(row.version), "Location": f"/api/v1/observations/{row.id}"}
    return raw_json_response(content, status, headers)


@router.post("/campaigns/{slug}/observations/batch", openapi_extra=BATCH_EXAMPLE)
async def submit_batch(
    slug: str, request: Request, session: SessionDep, user: CurrentUser, _: RateLimit
) -> Response:
    """Submit a FeatureCollection; each feature gets its own result, in order."""
    campaign = await campaigns.get_campaign(session, slug, user)
    settings = request.app.state.settings
    body = await read_json(request, settings.max_body_bytes, check_text=False)
    features = features_of_collection(body)
    if len(features) > settings.max_batch_features:
        raise PayloadTooLarge(
            "batch_too_large", limit=settings.max_batch_features, count=len(features)
        )
    results = await submission.submit_batch(session, campaign, user, features)
    language = request_language(request)
    summary = {outcome: 0 for outcome in ("created", "replayed", "conflict", "invalid")}
    items = []
    for result in results:
        summary[result.outcome] += 1
        items.append(_item_json(result, language))
    return json_response({"summary": summary, "results": items})


def _item_json(result: submission.ItemResult, language: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"index": result.index, "id": result.id, "result": result.outcome}
    if result.version is not None:
        item["version"] = result.version
        item["status"] = result.status
    if result.errors:
        item["errors"] = [error.to_json(language) for error in result.errors]
    if result.warnings:
        item["warnings"] = [warning.to_json(language) for warning in result.warnings]
    return item


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@router.post("/campaigns/{slug}/check", openapi_extra=FEATURE_EXAMPLE)
async def check_observation(
    slug: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Run the campaign's quality rules on a Feature without storing it."""
    campaign = await campaigns.get_campaign(session, slug, user)
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    item, verdict = await submission.check(session, campaign, body)
    return json_response(submission.check_report(item, verdict, request_language(request)))


@router.get("/campaigns/{slug}/observations")
async def list_observations(
    slug: str,
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    status: Annotated[str | None, Query(description="Comma-separated statuses")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    cursor: str | None = None,
) -> Response:
    """A page of a campaign's observations as a FeatureCollection, oldest first."""
    campaign = await campaigns.get_campaign(session, slug, user)
    rows, next_cursor = await service.list_features(
        session, campaign, parse_bbox(bbox), parse_statuses(status), cursor, limit, user
    )
    links = [{"rel": "self", "href": str(request.url)}]
    if next_cursor:
        links.append(
            {"rel": "next", "href": str(request.url.include_query_params(cursor=next_cursor))}
        )
    head = f'{{"type":"FeatureCollection","numberReturned":{len(rows)},"links":{_dumps(links)}'
    return raw_json_response(head + ',"features":[' + ",".join(row.json for row in rows) + "]}")


@router.get("/observations/{observation_id}")
async def get_observation(
    observation_id: uuid.UUID, session: SessionDep, user: OptionalUser
) -> Response:
    row = await service.get_feature(session, observation_id, user)
    return raw_json_response(row.json, headers={"ETag": service.etag(row.version)})


@router.patch("/observations/{observation_id}")
async def edit_observation(
    observation_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    _: RateLimit,
    if_match: IfMatch = None,
) -> Response:
    """Change geometry and/or properties (JSON Merge Patch); needs If-Match with the version."""
    version = service.parse_if_match(if_match)
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    row = await service.edit(session, observation_id, user, body, version)
    return raw_json_response(row.json, headers={"ETag": service.etag(row.version)})


@router.delete("/observations/{observation_id}")
async def withdraw_observation(
    observation_id: uuid.UUID, session: SessionDep, user: CurrentUser, if_match: IfMatch = None
) -> Response:
    """Withdraw (soft-delete) an observation; it stays in the history."""
    version = service.parse_if_match(if_match) if if_match else None
    row = await service.withdraw(session, observation_id, user, version)
    return raw_json_response(row.json, headers={"ETag": service.etag(row.version)})


@router.get("/observations/{observation_id}/history")
async def observation_history(
    observation_id: uuid.UUID, session: SessionDep, user: OptionalUser
) -> Response:
    """Every version: who, when, why, what changed (unpublished ones: author and reviewers)."""
    versions = await service.history(session, observation_id, user)
    return json_response({"id": observation_id, "versions": versions})
