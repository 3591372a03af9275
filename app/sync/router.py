"""``GET /changes`` (public change feed) and the owners' webhook endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.auth.deps import CurrentUser
from app.auth.models import User
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.db.session import SessionDep
from app.sync import feed, webhooks
from app.sync.deps import TargetPolicyDep
from app.sync.schemas import (
    DeliveryList,
    DeliveryOut,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookOut,
)
from app.web import raw_json_response

router = APIRouter()

MANAGE = "manage this campaign's webhooks"


@router.get("/changes", tags=["change feed"])
async def read_changes(
    request: Request,
    session: SessionDep,
    since: Annotated[
        str | None, Query(description="The `next` cursor of the previous page")
    ] = None,
    campaign: Annotated[str | None, Query(description="Only this campaign's changes")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Changes to published observations, oldest first: each with the observation's current
    public Feature, or `deleted: true` and no feature (a tombstone). Poll with `next`."""
    campaign_id = (await campaigns.get_campaign(session, campaign, None)).id if campaign else None
    page = await feed.read_changes(session, since, campaign_id, limit)
    next_href = str(request.url.include_query_params(since=page.next_cursor))
    head = orjson.dumps(
        {"next": page.next_cursor, "links": [{"rel": "next", "href": next_href}]}
    ).decode()
    return raw_json_response(
        f'{head[:-1]},"changes":[{",".join(page.items)}]}}', media_type="application/json"
    )


async def _owned(session: AsyncSession, slug: str, user: User) -> Campaign:
    return await campaigns.get_campaign_as(session, slug, user, "owner", MANAGE)


@router.post(
    "/campaigns/{slug}/webhooks",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["webhooks"],
)
async def create_webhook(
    slug: str, body: WebhookCreate, session: SessionDep, user: CurrentUser, policy: TargetPolicyDep
) -> WebhookCreated:
    """Register a URL for the campaign's events (owners). The secret is shown only here.
    The URL must reach a public internet address (or a host the operator allowed)."""
    campaign = await _owned(session, slug, user)
    hook = await webhooks.create_webhook(session, campaign, user, body, policy)
    return WebhookCreated.of(hook)


@router.get("/campaigns/{slug}/webhooks", response_model=WebhookList, tags=["webhooks"])
async def list_webhooks(slug: str, session: SessionDep, user: CurrentUser) -> WebhookList:
    campaign = await _owned(session, slug, user)
    hooks = await webhooks.list_webhooks(session, campaign)
    return WebhookList(webhooks=[WebhookOut.of(hook) for hook in hooks])


@router.delete(
    "/campaigns/{slug}/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT,
    tags=["webhooks"],
)  # fmt: skip
async def delete_webhook(
    slug: str, webhook_id: uuid.UUID, session: SessionDep, user: CurrentUser
) -> Response:
    campaign = await _owned(session, slug, user)
    await webhooks.delete_webhook(session, campaign, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/campaigns/{slug}/webhooks/{webhook_id}/deliveries",
    response_model=DeliveryList,
    tags=["webhooks"],
)
async def list_deliveries(
    slug: str,
    webhook_id: uuid.UUID,
    session: SessionDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryList:
    """The delivery log, newest first: attempts, last status and error, next attempt."""
    campaign = await _owned(session, slug, user)
    log = await webhooks.delivery_log(session, campaign, webhook_id, limit)
    return DeliveryList(deliveries=[DeliveryOut.of(delivery) for delivery in log])


@router.post(
    "/campaigns/{slug}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    status_code=status.HTTP_201_CREATED,
    tags=["webhooks"],
)
async def redeliver(
    slug: str,
    webhook_id: uuid.UUID,
    delivery_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    session: SessionDep,
    user: CurrentUser,
) -> DeliveryOut:
    """Send a delivery's event again (owners): a new pending delivery in the log, with the
    same event id, that the worker sends with the usual retries."""
    campaign = await _owned(session, slug, user)
    return DeliveryOut.of(await webhooks.redeliver(session, campaign, webhook_id, delivery_id))
