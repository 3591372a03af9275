"""The field app's inputs of the newer question types on a phone: a photo question (min 1), a
note, a geopoint ("use my position") and a repeat of two trees (one with its own photo), sent
offline then online; the server has each photo attached to its question."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from playwright.async_api import BrowserContext, FilePayload, expect
from sqlalchemy import text

from app.db.session import Database
from tests.media.test_media import jpeg_with_gps
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
    {"name": "photo_front", "type": "photo", "label": {"fr": "Photo du tronc", "en": "Trunk"},
     "min_count": 1, "max_count": 2},
    {"name": "intro", "type": "note", "label": {"fr": "Mesurez le tronc à 1,30 m.", "en": "Measure at 1.30 m."}},
    {"name": "entrance", "type": "geopoint", "label": {"fr": "Entrée du parc", "en": "Park entrance"}},
    {"name": "trees", "type": "repeat", "label": {"fr": "Arbre", "en": "Tree", "oc": "Arbre"},
     "min_count": 1, "max_count": 3, "fields": [
         {"name": "height", "type": "number", "label": {"fr-CA": "Hauteur (m)", "en": "Height (m)"}},
         {"name": "trunks", "type": "integer", "label": {"oc": "Tròncs", "fr": "Troncs"}, "required": True},
         {"name": "photo", "type": "photo", "label": {"fr": "Photo", "en": "Photo"}},
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
    front, tree = jpeg_with_gps("green"), jpeg_with_gps("red")
    # Sending without the required photo: refused on the phone, next to the question.
    await page.click("#send")
    await expect(page.locator("#f-photo_front-error")).to_be_visible()
    await page.set_input_files(
        "#f-photo_front-file",
        files=[FilePayload(name="front.jpg", mimeType="image/jpeg", buffer=front)],
    )
    await expect(page.locator("[data-media='photo_front'] .photos img")).to_have_count(1)
    await expect(page.locator(".field.note")).to_have_text("Mesurez le tronc à 1,30 m.")
    await page.click("fieldset.geopoint button")
    await expect(page.locator("fieldset.geopoint output")).to_contain_text("± 8 m")
    # One tree to start with (min 1): its labels picked fr-CA -> fr, oc-only -> fr fallback.
    await expect(page.locator(".instance")).to_have_count(1)
    await expect(page.locator(".instance > legend").first).to_have_text("Arbre 1")
    await expect(page.locator(".instance > .remove")).to_be_disabled()
    await page.click("fieldset.repeat > button")
    await expect(page.locator(".instance > legend").nth(1)).to_have_text("Arbre 2")
    await page.fill("#f-trees__0__height", "12,5")
    await page.fill("#f-trees__0__trunks", "1")
    await page.fill("#f-trees__1__trunks", "3")
    await page.set_input_files(
        "#f-trees__1__photo-file",
        files=[FilePayload(name="tree.jpg", mimeType="image/jpeg", buffer=tree)],
    )
    await expect(page.locator("[data-media='trees__1__photo'] .photos img")).to_have_count(1)
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
    sha = {
        name: hashlib.sha256(data).hexdigest() for name, data in (("front", front), ("tree", tree))
    }
    assert properties["photo_front"] == [sha["front"]]
    assert properties["trees"] == [
        {"height": 12.5, "trunks": 1},
        {"trunks": 3, "photo": [sha["tree"]]},
    ]
    assert "intro" not in properties
    attached = await _attached(committed_db, stored["id"])
    assert attached == {("photo_front", sha["front"]), ("trees/1/photo", sha["tree"])}


async def _attached(database: Database, observation_id: str) -> set[tuple[str, str]]:
    """The uploaded files of the observation by question, once every upload has arrived."""
    for _ in range(100):
        async with database.session() as session:
            rows = await session.execute(
                text("SELECT field, upload_sha256 FROM media WHERE observation_id = :id"),
                {"id": observation_id},
            )
            found = {(row[0], row[1]) for row in rows}
        if len(found) >= 2:
            return found
        await asyncio.sleep(0.1)
    return found
