"""The outbox's other ways out: a token that stopped working (sign in again, the captures
follow), a conflict (same id, other content: shown, then sent as a new capture), and the
service worker sending on its own through Background Sync with no page open."""

from __future__ import annotations

import asyncio
import json

import httpx
from playwright.async_api import BrowserContext, Page, Route, expect
from sqlalchemy import text

from app.db.session import Database
from tests.pwa.conftest import (
    SLUG,
    Field,
    eventually_stored,
    open_app,
    open_campaign,
    start_without_account,
)

SYNCED = 20_000


async def capture_point(page: Page, species: str) -> None:
    """A point at the phone's position, sent (into the outbox, and on when possible)."""
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("précision")
    await page.fill("#f-species", species)
    await page.click("#send")
    await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")


async def test_expired_token_asks_to_sign_in_again_and_the_capture_follows(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await phone.set_offline(True)
    await capture_point(page, "Érable champêtre")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    async with committed_db.session() as session:  # the device's token is revoked meanwhile
        await session.execute(text("DELETE FROM api_tokens WHERE user_id IN "
                                   "(SELECT id FROM users WHERE is_device)"))  # fmt: skip
        await session.commit()
    await phone.set_offline(False)
    banner = page.locator("#banner")
    await expect(banner).to_contain_text("Votre session a expiré", timeout=SYNCED)
    await expect(page.locator("#outbox-count")).to_have_text("1")  # nothing dropped
    user_caches = "caches.keys().then(names => names.filter(n => n.startsWith('releve-api-user-')))"
    [expired_cache] = await page.evaluate(user_caches)
    await banner.get_by_role("link", name="Se reconnecter").click()
    await page.click("#start-device")
    [stored] = await eventually_stored(committed_db, "Érable champêtre")
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    await expect(banner).to_be_hidden()
    assert expired_cache not in await page.evaluate(user_caches)  # that account's answers are gone
    async with committed_db.session() as session:
        devices = (await session.execute(text("SELECT id::text FROM users WHERE is_device "
                                              "ORDER BY created_at"))).scalars().all()  # fmt: skip
    assert stored["created_by"] == devices[-1] and len(devices) == 2  # sent by the new account


async def test_conflict_is_shown_then_sent_as_a_new_capture(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    first_id: list[str] = []

    async def other_content_first(route: Route) -> None:
        """Before the first capture arrives, another content is stored under its id."""
        feature = json.loads(route.request.post_data or "{}")
        if not first_id:
            first_id.append(feature["id"])
            properties = {**feature["properties"], "species": "Cormier (autre)"}
            headers = {"Authorization": await route.request.header_value("authorization") or ""}
            async with httpx.AsyncClient() as client:
                other = {**feature, "properties": properties}
                response = await client.post(route.request.url, json=other, headers=headers)
                assert response.status_code == 201
        await route.continue_()

    await phone.route(f"**/api/v1/campaigns/{SLUG}/observations", other_content_first)
    await capture_point(page, "Cormier")
    await page.click("#outbox")
    item = page.locator(".outbox-item")
    await expect(item).to_have_attribute("data-state", "conflict", timeout=SYNCED)
    await expect(item).to_contain_text("Une autre version de cette saisie")
    await item.get_by_role("button", name="Envoyer comme nouvelle saisie").click()
    [copy] = await eventually_stored(committed_db, "Cormier")
    [other] = await eventually_stored(committed_db, "Cormier (autre)")
    assert other["id"] == first_id[0] and copy["id"] != first_id[0]
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)


async def test_service_worker_sends_the_outbox_with_no_page_open(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await phone.set_offline(True)
    await capture_point(page, "Sorbier des oiseleurs")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    await page.close()  # no page is left to send it
    await phone.set_offline(False)
    # Chromium fires Background Sync by itself when the network comes back; to not depend on
    # its timing, the test also dispatches the event through the DevTools protocol.
    blank = await phone.new_page()
    cdp = await phone.new_cdp_session(blank)
    registrations: list[dict[str, str]] = []
    updated = "ServiceWorker.workerRegistrationUpdated"
    cdp.on(updated, lambda event: registrations.extend(event["registrations"]))
    await cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        await asyncio.sleep(0.1)
    registration = next(r["registrationId"] for r in registrations if not r["isDeleted"])
    await cdp.send("ServiceWorker.dispatchSyncEvent", {
        "origin": field_data.url, "registrationId": registration, "tag": "outbox", "lastChance": False,
    })  # fmt: skip
    await eventually_stored(committed_db, "Sorbier des oiseleurs")
