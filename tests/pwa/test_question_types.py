"""The field app's inputs of the newer question types on a phone: a note, a geopoint ("use my
position") and a repeat of two trees, sent offline then online; labels in another language."""

from __future__ import annotations

from typing import Any

from playwright.async_api import BrowserContext, expect

from app.db.session import Database
from tests.pwa.conftest import (
    FIELDS,
    SLUG,
    TOULOUSE,
    Field,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
    stored_observations,
)

SYNCED = 20_000
TYPED: list[dict[str, Any]] = [
    {"name": "intro", "type": "note", "label": {"fr": "Mesurez le tronc à 1,30 m.", "en": "Measure at 1.30 m."}},
    {"name": "entrance", "type": "geopoint", "label": {"fr": "Entrée du parc", "en": "Park entrance"}},
    {"name": "trees", "type": "repeat", "label": {"fr": "Arbre", "en": "Tree", "oc": "Arbre"},
     "min_count": 1, "max_count": 3, "fields": [
         {"name": "height", "type": "number", "label": {"fr-CA": "Hauteur (m)", "en": "Height (m)"}},
         {"name": "trunks", "type": "integer", "label": {"oc": "Tròncs", "fr": "Troncs"}, "required": True},
     ]},
]  # fmt: skip


async def test_note_geopoint_and_repeat_sent_offline_then_online(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    async with field_data.client() as client:
        changed = await client.patch(f"/api/v1/campaigns/{SLUG}", json={"fields": FIELDS + TYPED},
                                     headers=field_data.owner)  # fmt: skip
        assert changed.status_code == 200, changed.text
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await phone.set_offline(True)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await page.fill("#f-species", "Quercus robur")
    await expect(page.locator(".field.note")).to_have_text("Mesurez le tronc à 1,30 m.")
    await page.click("fieldset.geopoint button")
    await expect(page.locator("fieldset.geopoint output")).to_contain_text("± 8 m")
    # One tree to start with (min 1): its labels picked fr-CA -> fr, oc-only -> fr fallback.
    await expect(page.locator(".instance")).to_have_count(1)
    await expect(page.locator(".instance legend").first).to_have_text("Arbre 1")
    await expect(page.locator(".instance .remove")).to_be_disabled()
    await page.click("fieldset.repeat > button")
    await expect(page.locator(".instance legend").nth(1)).to_have_text("Arbre 2")
    await page.fill("#f-trees__0__height", "12,5")
    await page.fill("#f-trees__0__trunks", "1")
    await page.fill("#f-trees__1__trunks", "3")
    await expect(page.locator("label[for='f-trees__0__height']")).to_have_text("Hauteur (m)")
    await page.locator("fieldset.repeat").scroll_into_view_if_needed()
    await screenshot(page, "question-types-phone")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.locator("fieldset.repeat").scroll_into_view_if_needed()
    await screenshot(page, "question-types-desktop")
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.click("#send")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    await phone.set_offline(False)
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    [stored] = await stored_observations(committed_db, "Quercus robur")
    properties = stored["properties"]
    assert properties["entrance"] == {
        "type": "Point", "coordinates": [TOULOUSE["longitude"], TOULOUSE["latitude"]]
    }  # fmt: skip
    assert properties["trees"] == [{"height": 12.5, "trunks": 1}, {"trunks": 3}]
    assert "intro" not in properties
