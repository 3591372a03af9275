"""A campaign's outcomes in the console, in French and English: the owner draws an area
around two contributions on the map, writes the message in both languages and a link, and
posts; the API and the public page then list the outcome with its count, and each author's
timeline has it. A selection that matches nothing is refused and says so. The staff alerts are
saved and shown again after a reload."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.async_api import Page

from app.db.session import Database
from tests.console.conftest import ARTIFACTS, Console, check_screen, on_screen, sign_in
from tests.factories import make_user

SLUG = "arbres-albi"
# The campaign's area: a square of about 1.6 x 2.2 km around (2.15, 43.93).
AREA = {"type": "Polygon", "coordinates": [[[2.14, 43.92], [2.16, 43.92], [2.16, 43.94],
                                            [2.14, 43.94], [2.14, 43.92]]]}  # fmt: skip
INSIDE = [(2.1497, 43.9298), (2.1503, 43.9302)]
OUTSIDE = (2.1415, 43.9215)
MESSAGES = {"fr": "Vos relevés ont servi au plan de plantation.",
            "en": "Your records fed the planting plan."}  # fmt: skip
LINK = "https://example.org/plan-plantation"
TEXTS = {
    "fr": {"count": "2 contributions", "listed": "2 contributions publiées concernées", "done": "Suite publiée : 2 contributions concernées, de 2 contributeurs.",
           "empty": "Aucune observation de la campagne", "saved": "Alertes enregistrées."},
    "en": {"count": "2 contributions", "listed": "2 published contributions concerned", "done": "Outcome posted: 2 contributions concerned, from 2 contributors.",
           "empty": "No observation of campaign", "saved": "Alerts saved."},
}  # fmt: skip


async def ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def set_up(data: Console, db: Database) -> list[tuple[str, dict[str, str]]]:
    """The editor's open campaign with two contributions by two people inside the area the
    test draws and one outside it; returns each contribution's id and its author's header."""
    authors = [(await make_user(db, f"camille-{i}"))[1] for i in range(2)]
    async with data.client() as client:
        credentials = {"username": data.editor_name, "password": "secret"}
        signed_in = await ok(await client.post("/api/v1/auth/token", json=credentials))
        token = signed_in["access_token"]
        body = {"slug": SLUG, "title": "Arbres d’Albi", "organisation": "mairie-albi",
                "licence": "etalab-2.0", "status": "open", "area": AREA,
                "fields": [{"name": "species", "type": "text", "label": {"fr": "Espèce", "en": "Species"}}]}  # fmt: skip
        await ok(await client.post("/api/v1/campaigns", json=body,
                                   headers={"Authorization": f"Bearer {token}"}))  # fmt: skip
        made = []
        for (lon, lat), headers in [*zip(INSIDE, authors, strict=True), (OUTSIDE, authors[0])]:
            feature: dict[str, Any] = {"type": "Feature", "id": str(uuid.uuid4()), "properties": {"species": "chêne"},
                       "geometry": {"type": "Point", "coordinates": [lon, lat]}}  # fmt: skip
            await ok(await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                       headers=headers))  # fmt: skip
            made.append((feature["id"], headers))
    return made


async def open_outcomes(page: Page) -> str:
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.evaluate(f"location.hash = '#/campaigns/{SLUG}/dashboard'")
    await on_screen(page, "dashboard")
    await page.click("nav.tabs a[data-section=outcomes]")  # the last tab
    await on_screen(page, "outcomes")
    await page.wait_for_selector("#outcomes-map[data-ready]")
    return str(await page.evaluate("document.documentElement.lang"))


async def draw_square(page: Page, half: float) -> None:
    """A square of 2 x `half` pixels around the middle of the map."""
    await page.locator("#outcomes-map").scroll_into_view_if_needed()
    await page.click("#outcomes-draw-start")
    box = await page.locator("#outcomes-map canvas").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(x + dx * half, y + dy * half) for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    for cx, cy in corners:
        await page.mouse.click(cx, cy)
        await page.wait_for_timeout(150)  # Terra Draw tells a click from a double click
    await page.mouse.click(*corners[0])  # on the first vertex: the polygon closes


async def test_an_owner_posts_an_outcome_for_an_area_drawn_on_the_map(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    made = await set_up(console_data, committed_db)
    lang = await open_outcomes(page)
    texts = TEXTS[lang]
    assert await page.locator("#outcomes-none").is_visible()
    assert await page.locator("#outcomes-count-note").is_visible()
    await check_screen(page, "outcomes")

    # A selection that matches nothing (no contribution is rejected) is refused, nothing posted.
    await page.fill("#outcome-message-fr", MESSAGES["fr"])
    await page.fill("#outcome-message-en", MESSAGES["en"])
    await page.check("#outcome-form input[name=status][value=rejected]")
    await page.click("#outcome-post")
    alert = page.locator("#outcome-form > .form-alert")
    await alert.wait_for()
    assert texts["empty"] in await alert.inner_text()
    await check_screen(page, "outcomes-refused")
    await page.uncheck("#outcome-form input[name=status][value=rejected]")

    # A link that is not http(s) is pointed at, next to its field.
    await page.fill("#outcome-link", "ftp://example.org/plan")
    await page.click("#outcome-post")
    await page.locator("[data-path='/link'] .error").wait_for()
    assert await page.locator("#outcome-link").get_attribute("aria-invalid") == "true"

    await draw_square(page, 90)
    await page.locator("#outcomes-draw-status", has_text="1").wait_for()
    await check_screen(page, "outcomes-drawn")
    await page.fill("#outcome-link", LINK)
    await page.click("#outcome-post")
    done = page.locator("#outcome-done-text")
    await done.wait_for()
    assert texts["done"] in await done.inner_text()
    item = page.locator("#outcomes-list li[data-outcome]")
    await item.wait_for()
    assert MESSAGES[lang] in await item.inner_text()
    assert await item.locator(".outcome-count").inner_text() == texts["listed"]
    assert await item.locator(f"a[href='{LINK}']").count() == 1
    shots = ARTIFACTS / f"console-outcomes-posted-{lang}-360x740.png"
    await check_screen(page, "outcomes-posted")
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.screenshot(path=shots, full_page=True, animations="disabled")
    await page.set_viewport_size({"width": 1280, "height": 800})

    async with console_data.client() as client:
        listed = await ok(await client.get(f"/api/v1/campaigns/{SLUG}/outcomes"))
        (outcome,) = listed["outcomes"]
        assert outcome["observations"] == 2 and outcome["message"] == MESSAGES
        assert outcome["link"] == LINK and outcome["geometry"]["type"] == "MultiPolygon"
        for observation_id, author in made:
            timeline = await ok(await client.get(f"/api/v1/observations/{observation_id}/timeline",
                                                 headers=author))  # fmt: skip
            events = [e for e in timeline["events"] if e["kind"] == "outcome"]
            inside = observation_id != made[-1][0]
            assert len(events) == (1 if inside else 0), observation_id
            if inside:
                assert events[0]["payload"]["outcome_id"] == outcome["id"]

    # The public page the console links to shows the outcome and its count.
    public = await page.locator("#outcomes-page").get_attribute("href")
    assert public is not None and public.endswith(f"/campaigns/{SLUG}/outcomes.html")
    await page.goto(public)
    body = await page.locator("body").inner_text()
    assert MESSAGES["fr"] in body or MESSAGES["en"] in body
    assert texts["count"] in body


async def test_an_owner_sets_the_staff_alerts(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    await set_up(console_data, committed_db)
    lang = await open_outcomes(page)
    assert not await page.locator("#alerts-flagged").is_checked()
    assert await page.locator("#alerts-threshold").input_value() == ""

    await page.fill("#alerts-threshold", "0")
    await page.click("#alerts-form button[type=submit]")
    await page.locator("[data-path='/backlog_threshold'] .error").wait_for()

    await page.check("#alerts-flagged")
    await page.fill("#alerts-threshold", "25")
    await page.click("#alerts-form button[type=submit]")
    await page.locator("#alerts-done", has_text=TEXTS[lang]["saved"]).wait_for()
    await check_screen(page, "outcomes-alerts")

    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    await on_screen(page, "outcomes")
    assert await page.locator("#alerts-flagged").is_checked()
    assert await page.locator("#alerts-threshold").input_value() == "25"
    async with console_data.client() as client:
        token = await ok(await client.post("/api/v1/auth/token",
                                           json={"username": "edith", "password": "secret"}))  # fmt: skip
        saved = await ok(await client.get(f"/api/v1/campaigns/{SLUG}/alerts",
                                          headers={"Authorization": f"Bearer {token['access_token']}"}))  # fmt: skip
    assert saved == {"flagged": True, "backlog_threshold": 25}
