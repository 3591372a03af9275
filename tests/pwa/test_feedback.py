"""Feedback in the field app: a validator works through the review queue (issues, photos,
agree, disagree with a reason), and a contributor sees what became of a capture (a status
changed by a validator, the owner's outcome with its link), unread entries highlighted."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.async_api import BrowserContext, expect
from sqlalchemy import text

from app.db.session import Database
from tests.media.test_media import jpeg_with_gps
from tests.pwa.conftest import (
    SLUG,
    Field,
    eventually_stored,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)

OUTCOME: dict[str, Any] = {
    "message": {"fr": "Vos arbres ont servi au plan canopée 2030.",
                "en": "Your trees went into the 2030 canopy plan."},
    "link": "https://example.org/plan-canopee",
}  # fmt: skip


async def votes_by(database: Database, reviewer: str) -> list[tuple[str, str, str | None]]:
    query = text(
        "SELECT r.observation_id::text, r.vote, r.reason FROM reviews r "
        "JOIN users u ON u.id = r.reviewer_id WHERE u.username = :name ORDER BY r.created_at"
    )
    async with database.session() as session:
        return [tuple(row) for row in await session.execute(query, {"name": reviewer})]


def point(lon: float, lat: float, species: str) -> dict[str, Any]:
    return {"type": "Feature", "id": str(uuid.uuid4()),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"species": species, "accuracy_m": 4}}  # fmt: skip


async def test_validator_agrees_and_disagrees_with_a_reason(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    # A third observation 1 m from the first: flagged as a likely duplicate, with a photo.
    duplicate = point(1.44201, 43.6050, "Platanus bis")
    async with field_data.client() as client:
        response = await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=duplicate,
                                     headers=field_data.other)  # fmt: skip
        assert response.json()["properties"]["status"] == "flagged"
        upload = {"file": ("platane.jpg", jpeg_with_gps(), "image/jpeg")}
        response = await client.post(f"/api/v1/observations/{duplicate['id']}/media",
                                     files=upload, headers=field_data.other)  # fmt: skip
        assert response.status_code == 201
    page = await open_app(phone, field_data.url)
    await page.click("#view details summary")
    await page.fill("#username", "valentin")
    await page.fill("#password", "secret")
    await page.click("#login-submit")
    await page.wait_for_selector("#campaign-list .card")
    await open_campaign(page)
    await page.click("text=Valider des observations")
    item = page.locator("#review-item")
    await expect(item.locator(".progress")).to_have_text("Observation 1 sur 3")  # flagged first
    await expect(item).to_contain_text("Signalée")
    await expect(item).to_contain_text("sans doute la même chose")
    await expect(item.locator(".photos img")).to_have_count(1)
    await page.wait_for_function("window.releveMap.getZoom() >= 17")  # the map shows it
    await screenshot(page, "review")
    await page.get_by_role("button", name="D’accord", exact=True).click()
    await expect(item.locator(".progress")).to_have_text("Observation 2 sur 3")
    await page.get_by_role("button", name="Pas d’accord").click()
    await page.get_by_role("button", name="Confirmer le désaccord").click()
    await expect(page.locator("#review-reason-error")).to_have_text("Ce champ est obligatoire.")
    await page.select_option("#review-reason", "not_found_on_site")
    await expect(page.locator("#review-reason-error")).to_be_hidden()
    await page.fill("#review-comment", "Pas d'arbre à cet endroit.")
    await page.evaluate("document.querySelector('.vote').scrollIntoView()")
    await screenshot(page, "review-disagree")
    await page.get_by_role("button", name="Confirmer le désaccord").click()
    await expect(item.locator(".progress")).to_have_text("Observation 3 sur 3")
    first, _ = field_data.others_observations
    assert await votes_by(committed_db, "valentin") == [
        (duplicate["id"], "agree", None), (first, "disagree", "not_found_on_site")
    ]  # fmt: skip
    await page.get_by_role("button", name="Passer").click()  # still there, at the end
    await expect(page.locator("#review-skipped")).to_contain_text("Il reste 1 observation que")
    await expect(page.locator("#review-done")).to_have_count(0)


async def test_my_contributions_show_a_status_change_and_an_outcome(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await page.fill("#f-species", "Tilleul du square")
    await page.click("#send")
    [stored] = await eventually_stored(committed_db, "Tilleul du square")
    async with field_data.client() as client:
        vote = {
            "vote": "disagree",
            "reason": "wrong_location",
            "comment": "Plutôt de l'autre côté.",
        }
        response = await client.post(f"/api/v1/observations/{stored['id']}/reviews", json=vote,
                                     headers=field_data.validator)  # fmt: skip
        assert response.json()["status"] == "needs_review"
        outcome = {**OUTCOME, "ids": [stored["id"]]}
        response = await client.post(f"/api/v1/campaigns/{SLUG}/outcomes", json=outcome,
                                     headers=field_data.owner)  # fmt: skip
        assert response.status_code == 201
        posted_id = response.json()["id"]
    await page.click(".tabs >> text=Mes contributions")
    card = page.locator(f"#sent-list a.card[data-id='{stored['id']}']")
    await expect(card).to_have_class("card unread")
    await expect(card).to_contain_text("À vérifier")
    await expect(card).to_contain_text(re.compile(r"\d+ nouveautés?"))
    await expect(page.locator("#unread")).to_be_visible()
    await screenshot(page, "contributions")
    await card.click()
    timeline = page.locator(".timeline")
    await expect(timeline).to_contain_text("n'est pas d'accord (mauvais emplacement)")
    await expect(timeline).to_contain_text("Statut passé de En attente à À vérifier")
    outcome_entry = timeline.locator(".event.outcome")
    await expect(outcome_entry).to_contain_text("Vos arbres ont servi au plan canopée 2030.")
    await expect(outcome_entry.get_by_role("link", name="En savoir plus")).to_have_attribute(
        "href", OUTCOME["link"]
    )
    page_link = outcome_entry.get_by_role("link", name="Ce que sont devenues les contributions")
    assert (await page_link.get_attribute("href") or "").endswith(
        f"/campaigns/{SLUG}/outcomes.html#outcome-{posted_id}"
    )
    assert await timeline.locator(".event.unread").count() >= 3  # vote, status, outcome
    await page.evaluate("document.querySelector('.event.outcome').scrollIntoView()")
    await screenshot(page, "timeline")
    await expect(page.locator("#unread")).to_be_hidden()  # read now that it was seen
