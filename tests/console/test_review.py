"""The review board in the console, in French and in English: filters, ticking by checkbox and
by a drawn area, bulk validation and rejection with a reason (checked through the API, statuses
and timeline), one-at-a-time review from the keyboard, and a duplicate merged into an original
from the observation's page."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import Page, ViewportSize, expect
from sqlalchemy import update

from app.db.session import Database
from app.observations.models import Observation
from tests.console.conftest import (
    ARTIFACTS,
    ORGANISATION,
    Console,
    check_screen,
    on_screen,
    serious_violations,
    sign_in,
)
from tests.factories import campaign_body, make_user, point_feature

SLUG = "arbres"
PHONE: ViewportSize = {"width": 360, "height": 740}
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
ISSUE = {"rule": "near-road", "code": "too_far_from_road", "severity": "warn", "kind": "distance",
         "message": {"fr": "Trop loin de la route", "en": "Too far from the road"}}  # fmt: skip
REASON = {"fr": "Mauvais emplacement", "en": "Wrong location"}
PENDING = {"fr": "En attente", "en": "Pending"}
WEST = ["Chêne", "Érable", "Tilleul"]
EAST = ["Platane", "Micocoulier", "Pin"]


async def set_up(data: Console, db: Database) -> dict[str, Any]:
    """Edith's open campaign with three trees in the west of Toulouse and three in the east
    (from Camille), one from a device account, and a rule finding on the first tree."""
    _, camille = await make_user(db, "camille")
    _, device = await make_user(db, device=True)
    ids: dict[str, str] = {}
    async with data.client() as client:
        credentials = {"username": data.editor_name, "password": "secret"}
        token = (await client.post("/api/v1/auth/token", json=credentials)).json()["access_token"]
        owner = {"Authorization": f"Bearer {token}"}
        body = campaign_body(SLUG, organisation=ORGANISATION, allow_anonymous=True)
        created = await client.post("/api/v1/campaigns", json=body, headers=owner)
        assert created.status_code == 201, created.text
        places = [(name, 1.400 + i * 0.0005, 43.600) for i, name in enumerate(WEST)]
        places += [(name, 1.500 + i * 0.0005, 43.600) for i, name in enumerate(EAST)]
        for name, lon, lat in places:
            feature = point_feature(lon, lat, species=name)
            sent = await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                     headers=camille)  # fmt: skip
            assert sent.status_code == 201, sent.text
            ids[name] = feature["id"]
        feature = point_feature(1.5003, 43.6001, species="Platane (téléphone)")
        sent = await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                 headers=device)  # fmt: skip
        assert sent.status_code == 201, sent.text
        ids["device"] = feature["id"]
    async with db.session() as session:
        await session.execute(update(Observation).where(Observation.id == uuid.UUID(ids["Chêne"]))
                              .values(quality_issues=[ISSUE]))  # fmt: skip
        await session.commit()
    return {"ids": ids, "owner": owner}


async def open_board(page: Page) -> str:
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.evaluate(f"location.hash = '#/campaigns/{SLUG}/review'")
    await on_screen(page, "review")
    await page.wait_for_selector("#review-map[data-ready]")
    return str(await page.evaluate("document.documentElement.lang"))


async def rows(page: Page) -> list[str]:
    return await page.locator("#review-rows tr[data-id]").evaluate_all(
        "rows => rows.map(row => row.dataset.id)"
    )


async def wait_rows(page: Page, count: int) -> list[str]:
    await page.wait_for_function(
        f"document.querySelectorAll('#review-rows tr[data-id]').length === {count}"
    )
    return await rows(page)


async def observation(data: Console, headers: dict[str, str], oid: str) -> dict[str, Any]:
    async with data.client() as client:
        answer = await client.get(f"/api/v1/observations/{oid}", headers=headers)
        assert answer.status_code == 200, answer.text
        timeline = await client.get(f"/api/v1/observations/{oid}/timeline", headers=headers)
        assert timeline.status_code == 200, timeline.text
    return {"status": answer.json()["properties"]["status"], "events": timeline.json()["events"]}


async def shoot(page: Page, name: str) -> None:
    """Pictures for people to look at, at phone and laptop sizes."""
    language = await page.evaluate("document.documentElement.lang")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("document.getElementById('status').classList.remove('shown')")
    for label, size in (("360x740", PHONE), ("1280x800", LAPTOP)):
        await page.set_viewport_size(size)
        await page.wait_for_timeout(300)  # MapLibre resizes on the next frame
        await page.screenshot(path=ARTIFACTS / f"console-review-{name}-{language}-{label}.png", full_page=True,
                              animations="disabled")  # fmt: skip
    await page.set_viewport_size(LAPTOP)


async def test_filter_tick_by_area_and_act_in_bulk(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    made = await set_up(console_data, committed_db)
    ids, owner = made["ids"], made["owner"]
    lang = await open_board(page)
    assert len(await wait_rows(page, 7)) == 7
    assert (
        await page.locator("nav.tabs a[aria-current=page]").get_attribute("data-section")
        == "review"
    )
    assert "?" in await page.locator("#review-keys").inner_text()
    await check_screen(page, "review")
    await shoot(page, "board")

    await page.fill("#review-finding", "too_far_from_road")
    await page.click("#review-apply")
    assert await wait_rows(page, 1) == [ids["Chêne"]]
    await page.click("#review-reset")
    await wait_rows(page, 7)
    await page.check("input[name=contributor][value=device]")
    await page.click("#review-apply")
    assert await wait_rows(page, 1) == [ids["device"]]
    await page.click("#review-reset")
    await wait_rows(page, 7)

    # An area drawn around the western trees: the table shows them only; all three ticked.
    await page.click("#review-area-draw")
    box = await page.locator("#review-map canvas").bounding_box()
    assert box is not None
    left, top = box["x"] + 8, box["y"] + 8
    middle, bottom = box["x"] + box["width"] / 2, box["y"] + box["height"] - 8
    corners = [(left, top), (middle, top), (middle, bottom), (left, bottom)]
    for x, y in corners:
        await page.mouse.click(x, y)
        await page.wait_for_timeout(150)  # Terra Draw tells a click from a double click
    await page.mouse.click(*corners[0])
    assert set(await wait_rows(page, 3)) == {ids[name] for name in WEST}
    await page.click("#review-area-select")
    await page.wait_for_function("document.querySelectorAll('.review-tick:checked').length === 3")
    await shoot(page, "area")

    # Reject two of them with a reason; the third is validated.
    await page.uncheck(f"tr[data-id='{ids['Tilleul']}'] .review-tick")
    await page.select_option("#review-reason", "wrong_location")
    await page.fill("#review-comment", "Côté rue")
    await page.click("#review-bulk-reject")
    await page.locator(".review-table-panel .form-alert").wait_for()
    await page.wait_for_function(
        "document.querySelectorAll('tr[data-status=rejected]').length === 2"
    )
    await page.check(f"tr[data-id='{ids['Tilleul']}'] .review-tick")
    await page.click("#review-bulk-validate")
    await page.wait_for_selector(f"tr[data-id='{ids['Tilleul']}'][data-status=validated]")
    for name, status in (("Chêne", "rejected"), ("Érable", "rejected"), ("Tilleul", "validated")):
        seen = await observation(console_data, owner, ids[name])
        assert seen["status"] == status, name
        changed = [e for e in seen["events"] if e["kind"] == "status_changed"]
        assert len(changed) == 1 and changed[0]["payload"]["to"] == status
        if status == "rejected":
            assert changed[0]["payload"]["reason"] == REASON[lang]
    for name in EAST:
        assert (await observation(console_data, owner, ids[name]))["status"] == "pending"

    # Two eastern trees: their contributor is asked a question.
    await page.click("#review-area-clear")
    await wait_rows(page, 7)
    for name in ("Platane", "Pin"):
        await page.check(f"tr[data-id='{ids[name]}'] .review-tick")
    await page.fill("#review-question", "Quelle hauteur ?")
    await page.click("#review-bulk-ask")
    await page.wait_for_selector(f"tr[data-id='{ids['Pin']}'][data-status=needs_info]")
    for name in ("Platane", "Pin"):
        asked = await observation(console_data, owner, ids[name])
        assert asked["status"] == "needs_info"
        questions = [e["payload"] for e in asked["events"] if e["kind"] == "info_requested"]
        assert questions == [{"question": "Quelle hauteur ?"}]

    # "Tick all" over the whole campaign again.
    await page.click("#review-area-clear")
    await wait_rows(page, 7)
    await page.check("#review-all")
    await page.wait_for_function("document.querySelectorAll('.review-tick:checked').length === 7")


async def test_keyboard_review_of_three(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    made = await set_up(console_data, committed_db)
    ids, owner = made["ids"], made["owner"]
    await open_board(page)
    await page.check("input[name=status][value=pending]")
    await page.click("#review-apply")
    order = await wait_rows(page, 7)
    assert order[:3] == [ids[name] for name in WEST]
    await page.locator("h1").click()  # the focus leaves the form: keys go to the board
    await page.keyboard.press("?")
    await page.locator("#review-help[open]").wait_for()
    await shoot(page, "help")
    await page.keyboard.press("Escape")
    await page.locator("#review-help:not([open])").wait_for(state="attached")

    await page.keyboard.press("j")
    await page.keyboard.press("k")
    assert await page.locator("tr.current").get_attribute("data-id") == ids["Chêne"]
    await page.keyboard.press("v")  # Chêne validated; it leaves the "pending" list
    await page.wait_for_function(f"!document.querySelector(\"tr[data-id='{ids['Chêne']}']\")")
    assert await page.locator("tr.current").get_attribute("data-id") == ids["Érable"]
    await page.keyboard.press("s")  # Érable skipped
    assert await page.locator("tr.current").get_attribute("data-id") == ids["Tilleul"]
    await page.keyboard.press("r")
    await page.locator("#review-reject[open]").wait_for()
    await page.select_option("#review-key-reason", "not_found_on_site")
    await page.click("#review-reject-confirm")
    await page.wait_for_function(f"!document.querySelector(\"tr[data-id='{ids['Tilleul']}']\")")
    assert await page.locator("tr.current").get_attribute("data-id") == ids["Platane"]
    await page.keyboard.press("o")  # Platane is the original
    assert "Platane" in await page.locator("#review-state").inner_text()
    await page.keyboard.press("j")
    await page.keyboard.press("d")  # Micocoulier is its duplicate
    await page.wait_for_function(f"!document.querySelector(\"tr[data-id='{ids['Micocoulier']}']\")")

    async with console_data.client() as client:
        queue = await client.get(f"/api/v1/campaigns/{SLUG}/review-queue", headers=owner)
    assert queue.status_code == 200, queue.text
    assert [item["feature"]["id"] for item in queue.json()["items"]][-1] == ids["Érable"]
    expected = {"Chêne": "validated", "Érable": "pending", "Tilleul": "rejected",
                "Platane": "pending", "Micocoulier": "duplicate"}  # fmt: skip
    for name, status in expected.items():
        assert (await observation(console_data, owner, ids[name]))["status"] == status, name


async def test_merge_a_duplicate_into_an_original(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    made = await set_up(console_data, committed_db)
    ids, owner = made["ids"], made["owner"]
    await open_board(page)
    await wait_rows(page, 7)
    await page.click(f"tr[data-id='{ids['Platane']}'] a")
    await on_screen(page, "review-observation")
    nearby = page.locator("#obs-nearby li[data-id]")
    await nearby.first.wait_for()
    # The device's photo-less tree is 30 m away; Micocoulier is 40 m away.
    assert await nearby.evaluate_all("items => items.map(i => i.dataset.id)") == [
        ids["device"], ids["Micocoulier"]]  # fmt: skip
    assert "too_far_from_road" not in await page.locator("#obs-findings").inner_text()
    await check_screen(page, "review-observation")
    await shoot(page, "observation")
    await page.click(f"#obs-nearby li[data-id='{ids['device']}'] .review-merge-here")
    await page.locator(
        f"#obs-nearby li[data-id='{ids['device']}'] .badge[data-status=duplicate]"
    ).wait_for()
    merged = await observation(console_data, owner, ids["device"])
    assert merged["status"] == "duplicate"
    async with console_data.client() as client:
        detail = await client.get(f"/api/v1/campaigns/{SLUG}/review/observations/{ids['device']}",
                                  headers=owner)  # fmt: skip
    assert detail.json()["feature"]["properties"]["duplicate_of"] == ids["Platane"]

    # Back on the board, a bulk merge: the two others into Platane.
    await page.click("#obs-back")
    await on_screen(page, "review")
    await wait_rows(page, 7)
    for name in ("Platane", "Pin"):
        await page.check(f"tr[data-id='{ids[name]}'] .review-tick")
    await page.select_option("#review-original", ids["Platane"])
    await page.click("#review-bulk-merge")
    await page.wait_for_selector(f"tr[data-id='{ids['Pin']}'][data-status=duplicate]")
    assert (await observation(console_data, owner, ids["Pin"]))["status"] == "duplicate"
    assert (await observation(console_data, owner, ids["Platane"]))["status"] == "pending"


async def test_a_click_on_the_map_opens_the_observation_popup(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    ids = (await set_up(console_data, committed_db))["ids"]
    lang = await open_board(page)
    await wait_rows(page, 7)
    await page.fill("#review-finding", "too_far_from_road")
    await page.click("#review-apply")
    assert await wait_rows(page, 1) == [ids["Chêne"]]

    # Alone on the board, the tree is at the middle of the map once the map has drawn it.
    await page.locator("#review-map").scroll_into_view_if_needed()
    box = await page.locator("#review-map canvas").bounding_box()
    assert box is not None
    popup = page.locator("#review-map .releve-popup")
    for _ in range(20):
        await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        if await popup.count():
            break
        await page.wait_for_timeout(250)
    await expect(popup.locator(".releve-popup-title")).to_have_text("Chêne")
    await expect(popup.locator(".releve-popup-status")).to_have_text(PENDING[lang])
    rows = popup.locator(".releve-popup-rows")
    await expect(rows.locator("dt")).to_have_text(["species"])
    await expect(rows.locator("dd")).to_have_text(["Chêne"])
    assert await page.locator("tr.current").get_attribute("data-id") == ids["Chêne"]
    assert await serious_violations(page) == []
    await shoot(page, "popup")
