"""After sending, in the field app: the validator's reason and comment on the timeline, the
unread badge that matches the "Nouveau" markers and clears as timelines are read, titles known
after a reload, and the author's edit (online, with a conflict, offline) and withdrawal. A phone
of 360x740 in Toulouse, in French."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import BrowserContext, Page, ViewportSize, expect

from app.db.session import Database
from tests.console.conftest import serious_violations
from tests.pwa.conftest import (
    PHONE,
    SLUG,
    Field,
    open_app,
    screenshot,
    start_without_account,
    stored_observations,
)

SYNCED = 20_000  # ms
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


async def screenshots(page: Page, name: str) -> None:
    """No serious accessibility violation; the screen on the phone, then on a desktop
    (tests/artifacts/pwa-NAME[-desktop].png)."""
    await page.evaluate("document.getElementById('status').classList.remove('shown')")
    await page.wait_for_timeout(250)  # the status toast fades out first (see styles.css)
    violations = await serious_violations(page)
    assert violations == [], f"{name}: {violations}"
    await screenshot(page, name)
    await page.set_viewport_size(DESKTOP)
    await page.wait_for_timeout(300)  # the map follows the new size
    await screenshot(page, f"{name}-desktop")
    await page.set_viewport_size(PHONE)


async def my_headers(page: Page) -> dict[str, str]:
    """The Authorization header of the phone's own (device) account."""
    token = await page.evaluate(
        "import('/session.js').then((m) => m.loadSession()).then((s) => s.token)"
    )
    return {"Authorization": f"Bearer {token}"}


async def send_point(
    field_data: Field, headers: dict[str, str], species: str, lon: float, lat: float = 43.6045
) -> str:
    feature: dict[str, Any] = {"type": "Feature", "id": str(uuid.uuid4()),
               "geometry": {"type": "Point", "coordinates": [lon, lat]},
               "properties": {"species": species, "accuracy_m": 4}}  # fmt: skip
    async with field_data.client() as client:
        response = await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                     headers=headers)  # fmt: skip
        assert response.status_code == 201, response.text
    return feature["id"]


async def post(field_data: Field, path: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    async with field_data.client() as client:
        response = await client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code in (200, 201, 204), response.text


async def test_reason_comment_and_unread_badge_after_a_reload(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    mine = await my_headers(page)
    older = await send_point(field_data, mine, "Micocoulier du quai", 1.4440)
    newer = await send_point(field_data, mine, "Tilleul du square", 1.4446)
    vote = {"vote": "disagree", "reason": "wrong_location", "comment": "Plutôt de l'autre côté."}
    await post(field_data, f"/observations/{older}/reviews", vote, field_data.validator)
    await post(field_data, f"/observations/{newer}/decision",
               {"status": "rejected", "reason": "Hors du périmètre du relevé"}, field_data.owner)  # fmt: skip
    # Straight to "my contributions" after a reload: no campaign was loaded before.
    await page.goto(field_data.url + "/#/mine")
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    cards = page.locator("#sent-list a.card")
    await expect(cards.filter(has_text="Tilleul du square")).to_have_count(1)
    await expect(cards.filter(has_text="Micocoulier du quai")).to_have_count(1)
    await expect(cards.first).to_contain_text("Arbres de Toulouse")
    await expect(page.locator("#sent-list")).not_to_contain_text("Observation ·")
    badge = page.locator("#unread")
    await expect(badge).to_be_visible()
    total = int(await badge.inner_text())
    await screenshots(page, "follow-up-list")

    # The newer one first: its news clear, the older one's stay although their ids are lower.
    await page.click(f"#sent-list a.card[data-id='{newer}']")
    timeline = page.locator(".timeline")
    await expect(timeline).to_contain_text(
        "Statut passé de En attente à Rejetée : Hors du périmètre du relevé"
    )
    news_newer = await timeline.locator(".new").count()
    assert news_newer >= 1
    await expect(timeline.locator(".event[data-kind=submitted] .new")).to_have_count(0)  # yours
    await expect(badge).to_have_text(str(total - news_newer))
    await page.click("a.back")
    await expect(page.locator(f"#sent-list a.card[data-id='{newer}']")).not_to_have_class(
        "card unread"
    )
    older_card = page.locator(f"#sent-list a.card[data-id='{older}']")
    await expect(older_card).to_have_class("card unread")
    await older_card.click()
    await expect(timeline.locator(".event[data-kind=vote] .comment")).to_have_text(
        "Commentaire : « Plutôt de l'autre côté. »"
    )
    await expect(timeline).to_contain_text("n'est pas d'accord (mauvais emplacement)")
    assert await timeline.locator(".new").count() == total - news_newer
    await screenshots(page, "follow-up-timeline")
    await expect(badge).to_be_hidden()
    await page.reload()  # the server's mark moved too
    await page.wait_for_selector("body[data-ready]")
    await expect(page.locator(".timeline .event").first).to_be_visible()
    await expect(badge).to_be_hidden()


async def test_edit_conflict_offline_change_and_withdrawal(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    # 1 m from another contributor's tree: flagged as a likely duplicate, at the edit too.
    observation = await send_point(field_data, await my_headers(page), "Platane", 1.44201, 43.6050)
    await page.goto(f"{field_data.url}/#/mine/{observation}")
    await page.click("#edit")
    await expect(page.locator("#panel h1")).to_have_text("Modifier la contribution")
    await expect(page.locator("#f-species")).to_have_value("Platane")
    await page.fill("#f-species", "Platane commun")
    await page.fill("#f-height_m", "18")
    await screenshots(page, "follow-up-edit")
    await page.click("#send")
    issues = page.locator("#edit-issues")
    await expect(issues).to_contain_text("Modification enregistrée. Statut : Signalée.")
    await expect(issues).to_contain_text("sans doute la même chose")
    await page.evaluate("document.getElementById('check').scrollIntoView()")
    await screenshots(page, "follow-up-edit-flagged")
    await issues.get_by_role("link", name="Voir le suivi").click()
    await expect(page.locator(".timeline")).to_contain_text("Modifiée par")
    [stored] = await stored_observations(committed_db, "Platane commun")
    assert stored["properties"]["height_m"] == 18

    # Someone else changes it while the phone edits: 412, said plainly, and a reload.
    await page.click("#edit")
    await page.fill("#f-species", "Platane d'Orient")
    async with field_data.client() as client:
        response = await client.patch(f"/api/v1/observations/{observation}",
                                      json={"properties": {"species": "Platanus orientalis"}},
                                      headers={**field_data.owner, "If-Match": "*"})  # fmt: skip
        assert response.status_code == 200, response.text
    await page.click("#send")
    await expect(page.locator("#edit-conflict")).to_contain_text(
        "Quelqu’un a modifié cette contribution"
    )
    await page.evaluate("document.getElementById('check').scrollIntoView()")
    await screenshots(page, "follow-up-conflict")
    await page.click("#edit-reload")
    await expect(page.locator("#f-species")).to_have_value("Platanus orientalis")

    # Offline: the change waits in the outbox and goes with the current version's If-Match.
    await phone.set_offline(True)
    await page.fill("#f-species", "Platane d'Orient")
    await page.click("#send")
    await expect(page.locator("#outbox-count")).to_have_text("1")
    await expect(page.locator("#outbox-list")).to_contain_text("Modification")
    await phone.set_offline(False)
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    [stored] = await stored_observations(committed_db, "Platane d'Orient")
    assert stored["id"] == observation and stored["status"] != "withdrawn"

    await page.goto(f"{field_data.url}/#/mine/{observation}")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#withdraw")
    await expect(page.locator("#view .badge")).to_have_text("Retirée")
    await expect(page.locator("#edit")).to_have_count(0)
    [stored] = await stored_observations(committed_db, "Platane d'Orient")
    assert stored["status"] == "withdrawn"
