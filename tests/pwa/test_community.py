"""Talking back in the field app: a validator's question ("more information needed") that the
author answers by editing; "Is this it?" before sending a point where one was already
reported, "Yes, that's it" confirming and following the original; "Not fixed" on a closed
observation one follows, which reopens it. A phone of 360x740 in Toulouse, in French."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect
from sqlalchemy import text

from app.db.session import Database
from tests.media.test_media import jpeg_with_gps
from tests.pwa.conftest import (
    Field,
    open_app,
    open_campaign,
    start_without_account,
    stored_observations,
)
from tests.pwa.test_follow_up import my_headers, post, screenshots, send_point


async def confirmations(database: Database, observation: str) -> list[tuple[str, str | None]]:
    query = text(
        "SELECT kind, comment FROM observation_confirmations WHERE observation_id = :id "
        "ORDER BY created_at"
    )
    async with database.session() as session:
        return [tuple(row) for row in await session.execute(query, {"id": observation})]


async def test_the_author_answers_a_question_by_editing(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    observation = await send_point(field_data, await my_headers(page), "Chêne", 1.4440)
    question = {"question": "Quelle hauteur fait-il, à peu près ?"}
    await post(field_data, f"/observations/{observation}/request-info", question,
               field_data.validator)  # fmt: skip
    await page.click(".tabs >> text=Mes contributions")
    card = page.locator(f"#sent-list a.card[data-id='{observation}']")
    await expect(card).to_contain_text("Informations demandées")
    await card.click()
    asked = page.locator("#question")
    await expect(asked).to_contain_text("Un validateur vous demande :")
    await expect(asked.locator("blockquote")).to_have_text(question["question"])
    await screenshots(page, "community-question")
    await asked.get_by_role("link", name="Répondre en modifiant la saisie").click()
    await expect(page.locator("#panel .question blockquote")).to_have_text(question["question"])
    await page.fill("#f-height_m", "14")
    await page.click("#send")
    await expect(page.locator("#view .badge").first).to_have_text("À vérifier")
    await expect(page.locator("#question")).to_have_count(0)
    [stored] = await stored_observations(committed_db, "Chêne")
    assert stored["status"] == "needs_review" and stored["properties"]["height_m"] == 14


async def test_is_this_it_then_not_fixed(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    original = field_data.others_observations[0]  # "Platanus" at 1.4420, 43.6050
    async with field_data.client() as client:
        upload = {"file": ("platane.jpg", jpeg_with_gps(), "image/jpeg")}
        response = await client.post(f"/api/v1/observations/{original}/media", files=upload,
                                     headers=field_data.other)  # fmt: skip
        assert response.status_code == 201
    await phone.set_geolocation({"latitude": 43.60502, "longitude": 1.44202, "accuracy": 5})
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)

    # Somewhere already reported: the other one is offered, and "No" goes on with the capture.
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await page.fill("#f-species", "Platane")
    await page.click("#send")
    sheet = page.locator("#nearby")
    await expect(sheet).to_contain_text("Est-ce celle-ci ?")
    candidate = sheet.locator(f".nearby-item[data-id='{original}']")
    await expect(candidate).to_contain_text("Platanus")
    await expect(candidate).to_contain_text("En attente")
    await expect(candidate.locator("img")).to_have_count(1)
    await screenshots(page, "community-nearby")
    await page.click("#nearby-other")
    await expect(sheet).to_have_count(0)
    await expect(page.locator("#check")).to_contain_text("sans doute la même chose")
    assert await confirmations(committed_db, original) == []

    # Again, and "Yes, that's it": a confirmation of the original, which the phone now follows.
    await page.click("text=Annuler")
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await page.fill("#f-species", "Platane")
    await page.click("#send")
    await sheet.get_by_role("button", name="Oui, c’est ça").click()
    await expect(page.locator("#view h1")).to_have_text("Suivi de la contribution")
    assert await confirmations(committed_db, original) == [("same", None)]
    assert await stored_observations(committed_db, "Platane") == []
    await page.click(".tabs >> text=Mes contributions")
    await expect(page.locator(f"#sent-list a.card[data-id='{original}']")).to_contain_text("Suivie")

    # Decided by the owner; the follower says it is not fixed: back to review.
    decision = {"status": "validated", "reason": "Vu sur place"}
    await post(field_data, f"/observations/{original}/decision", decision, field_data.owner)
    await page.goto(f"{field_data.url}/#/mine/{original}")
    await page.fill("#confirm-comment", "Toujours pas élagué.")
    await screenshots(page, "community-confirm")
    await page.click("#confirm-not-fixed")
    await expect(page.locator("#view .badge").first).to_have_text("À vérifier")
    assert await confirmations(committed_db, original) == [("not_fixed", "Toujours pas élagué.")]
    await expect(page.locator(".timeline")).to_contain_text("Toujours pas élagué.")
