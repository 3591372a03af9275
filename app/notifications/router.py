"""Notification preferences (``/me/notifications``), Web Push subscriptions and the
one-click unsubscribe page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.auth.deps import CurrentUser
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.db.session import SessionDep
from app.errors import request_language
from app.notifications import alerts, pages, preferences, push, secrets
from app.notifications.schemas import (
    CampaignAlertsIn,
    CampaignAlertsOut,
    EndpointIn,
    PreferenceIn,
    PreferencesOut,
    PushSubscriptionIn,
    VapidKeyOut,
)

router = APIRouter(tags=["notifications"])
pages_router = APIRouter(include_in_schema=False)


@router.get("/me/notifications")
async def read_preferences(session: SessionDep, user: CurrentUser) -> PreferencesOut:
    """How you hear of what happens to your contributions (nothing until you opt in)."""
    return await preferences.read(session, user)


@router.put("/me/notifications")
async def save_preferences(
    body: PreferenceIn, session: SessionDep, user: CurrentUser
) -> PreferencesOut:
    """E-mail off, instant or daily digest, and push, for every campaign without its own."""
    return await preferences.save_account(session, user, body)


@router.put("/me/notifications/campaigns/{slug}")
async def save_campaign_preferences(
    slug: str, body: PreferenceIn, session: SessionDep, user: CurrentUser
) -> PreferencesOut:
    """This campaign's own setting, which wins over the account's."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await preferences.save_campaign(session, user, campaign, body)


@router.get("/campaigns/{slug}/alerts")
async def read_campaign_alerts(
    slug: str, session: SessionDep, user: CurrentUser
) -> CampaignAlertsOut:
    """Owners: which alerts the campaign sends its owners and validators."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await alerts.read(session, campaign, user)


@router.put("/campaigns/{slug}/alerts")
async def save_campaign_alerts(
    slug: str, body: CampaignAlertsIn, session: SessionDep, user: CurrentUser
) -> CampaignAlertsOut:
    """Owners: alert on each new flagged contribution, and on a backlog over a threshold."""
    campaign = await campaigns.get_campaign(session, slug, user)
    return await alerts.save(session, campaign, user, body)


@router.get("/push/vapid-public-key")
async def vapid_public_key(session: SessionDep) -> VapidKeyOut:
    """The server's VAPID public key, for ``pushManager.subscribe``."""
    return VapidKeyOut(key=push.application_server_key(await push.vapid_key(session)))


@router.post("/me/push-subscriptions", status_code=204)
async def subscribe_push(body: PushSubscriptionIn, session: SessionDep, user: CurrentUser) -> None:
    """Register this browser's push subscription (again: it replaces the old one)."""
    await preferences.subscribe_push(session, user, body)


@router.delete("/me/push-subscriptions", status_code=204)
async def unsubscribe_push(body: EndpointIn, session: SessionDep, user: CurrentUser) -> None:
    await preferences.unsubscribe_push(session, user.id, body.endpoint)


async def _scope(session: SessionDep, token: str) -> tuple[secrets.UnsubscribeScope, str | None]:
    scope = secrets.verify_unsubscribe(await secrets.signing_key(session), token)
    campaign = await session.get(Campaign, scope.campaign_id) if scope.campaign_id else None
    return scope, campaign.title if campaign else None


@pages_router.get("/notifications/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_page(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    _, campaign = await _scope(session, token)
    return HTMLResponse(pages.confirm_page(request_language(request), campaign))


@pages_router.post("/notifications/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    """RFC 8058 one-click: no sign-in, the signed token is enough; twice is like once."""
    scope, _ = await _scope(session, token)
    await preferences.unsubscribe(session, scope)
    return HTMLResponse(pages.done_page(request_language(request)))
