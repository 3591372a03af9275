"""A validator's queue in the field app: more than a page (50) of observations to review, all
reached through the server's cursor; a skipped one comes back at the end of the queue (the
skip is recorded on the server); "nothing to review" only once the queue is truly empty. The
review button follows the campaign's `role`. A phone of 360x740, in French."""

from __future__ import annotations

import uuid

from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import text

from app.db.session import Database
from tests.pwa.conftest import SLUG, Field, open_app, open_campaign
from tests.pwa.test_follow_up import screenshots

EXTRA = 55  # with the two of the fixture: 57 to review, two pages


async def sign_in(page: Page, username: str) -> None:
    await page.click("#view details summary")
    await page.fill("#username", username)
    await page.fill("#password", "secret")
    await page.click("#login-submit")
    await page.wait_for_selector("#campaign-list .card")


async def scalar(database: Database, query: str) -> int:
    async with database.session() as session:
        return int(await session.scalar(text(query)) or 0)


async def test_the_whole_queue_is_reached_and_skips_come_back_last(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    features = [
        {"type": "Feature", "id": str(uuid.uuid4()),
         "geometry": {"type": "Point", "coordinates": [1.40 + i * 0.001, 43.58]},
         "properties": {"species": f"Arbre {i}", "accuracy_m": 4}}
        for i in range(EXTRA)
    ]  # fmt: skip
    async with field_data.client() as client:
        response = await client.post(f"/api/v1/campaigns/{SLUG}/observations/batch",
                                     json={"type": "FeatureCollection", "features": features},
                                     headers=field_data.other)  # fmt: skip
        assert response.json()["summary"]["created"] == EXTRA, response.text
    total = EXTRA + 2
    page = await open_app(phone, field_data.url)
    await sign_in(page, "valentin")
    await open_campaign(page)
    await page.click("text=Valider des observations")
    item = page.locator("#review-item")
    progress = item.locator(".progress")
    await expect(progress).to_have_text(f"Observation 1 sur {total}")
    skipped = await item.get_attribute("data-id")
    await page.get_by_role("button", name="Passer").click()
    await expect(progress).to_have_text(f"Observation 2 sur {total}")
    assert await scalar(committed_db, "SELECT count(*) FROM review_skips") == 1
    for i in range(2, total + 1):  # past the first page of 50: the next one is loaded
        await expect(progress).to_have_text(f"Observation {i} sur {total}")
        await expect(page.locator("#review-done")).to_have_count(0)
        await page.get_by_role("button", name="D’accord", exact=True).click()
    # The skipped one, last: it went to the end of the queue on the server.
    await expect(progress).to_have_text(f"Observation {total + 1} sur {total + 1}")
    assert await item.get_attribute("data-id") == skipped
    await page.get_by_role("button", name="Passer").click()
    await expect(page.locator("#review-skipped")).to_have_text(
        "Il reste 1 observation que vous avez passée."
    )
    await expect(page.locator("#review-done")).to_have_count(0)
    await screenshots(page, "review-skipped")
    await page.get_by_role("button", name="Les revoir").click()
    await expect(progress).to_have_text("Observation 1 sur 1")
    await page.get_by_role("button", name="D’accord", exact=True).click()
    await expect(page.locator("#review-done")).to_have_text(
        "Rien à valider pour l’instant. Merci !"
    )
    votes = "SELECT count(*) FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE u.username = 'valentin'"
    assert await scalar(committed_db, votes) == total


async def test_no_review_button_without_the_role(phone: BrowserContext, field_data: Field) -> None:
    page = await open_app(phone, field_data.url)
    await sign_in(page, "dominique")  # a contributor: no queue to probe, no button
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    await open_campaign(page)
    await expect(page.locator("#panel .legend")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    await expect(page.locator("text=Valider des observations")).to_have_count(0)
    assert not [url for url in requests if "review-queue" in url]
