"""The targets section, in a real browser against a live server: an owner makes the IGN
markers of a layer the campaign's targets, filters those to visit (a visited one leaves the
list) and assigns one to a contributor; the API then shows the assignment."""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import Page

from app.db.session import Database
from tests.console.conftest import (
    ARTIFACTS,
    LAPTOP,
    ORGANISATION,
    Console,
    on_screen,
    serious_violations,
    sign_in,
)
from tests.factories import make_user
from tests.targets.conftest import IGN, TOULOUSE_BBOX, monitoring_body, visit

SLUG = "reperes"
PHONE = {"width": 360, "height": 740}
TEXTS = {"fr": {"to_visit": "À visiter", "assigned": "attribuée à"},
         "en": {"to_visit": "To visit", "assigned": "assigned to"}}  # fmt: skip


def _inside(feature: dict[str, Any]) -> bool:
    lon, lat = feature["geometry"]["coordinates"]
    return (
        TOULOUSE_BBOX[0] <= lon <= TOULOUSE_BBOX[2] and TOULOUSE_BBOX[1] <= lat <= TOULOUSE_BBOX[3]
    )


async def set_up(data: Console, database: Database) -> tuple[dict[str, str], str]:
    """The IGN layer (around Toulouse), edith's campaign without targets, claire its contributor."""
    claire, claire_headers = await make_user(database, "claire")
    features = [f for f in json.loads(IGN.read_bytes())["features"] if _inside(f)]
    layer = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    async with data.client() as client:
        response = await client.post(
            "/api/v1/reference-layers", headers=data.admin,
            data={"slug": "ign-31", "title": "Repères IGN 31", "licence": "etalab-2.0"},
            files={"file": ("ign.geojson", layer, "application/geo+json")},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        signed_in = await client.post(
            "/api/v1/auth/token", json={"username": data.editor_name, "password": "secret"}
        )
        owner = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        body = monitoring_body(organisation=ORGANISATION)
        del body["targets"]
        created = await client.post("/api/v1/campaigns", json=body, headers=owner)
        assert created.status_code == 201, created.text
        member = await client.put(f"/api/v1/campaigns/{SLUG}/members/{claire.id}",
                                  json={"role": "contributor"}, headers=owner)  # fmt: skip
        assert member.status_code == 200, member.text
    return claire_headers, str(claire.id)


async def pictures(page: Page, name: str) -> None:
    """No serious accessibility violation; a picture at phone and laptop sizes."""
    assert await serious_violations(page) == [], name
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("document.getElementById('status').classList.remove('shown')")
    language = await page.evaluate("document.documentElement.lang")
    for label, size in (("360x740", PHONE), ("1280x800", LAPTOP)):
        await page.set_viewport_size(size)  # type: ignore[arg-type]
        await page.screenshot(path=ARTIFACTS / f"console-{name}-{language}-{label}.png",
                              full_page=True, animations="disabled")  # fmt: skip
    await page.set_viewport_size(LAPTOP)


async def set_targets(page: Page) -> None:
    await page.select_option("#targets-layer", "ign-31")
    await page.select_option("#targets-state-field", "condition")
    await page.fill("#targets-revisit", "365")
    await page.select_option("#targets-title-property", "site_ref")
    await page.select_option("#targets-reference-property", "id")
    await page.click("#targets-form button[type=submit]")
    await page.locator("#targets-table tbody tr").first.wait_for()


async def test_an_owner_sets_up_targets_filters_and_assigns_one(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    lang = str(await page.evaluate("document.documentElement.lang"))
    claire_headers, claire_id = await set_up(console_data, committed_db)
    await sign_in(page, console_data.editor_name)
    await on_screen(page, "home")
    await page.evaluate(f"location.hash = '#/campaigns/{SLUG}/targets'")
    await on_screen(page, "targets")
    await pictures(page, "targets-empty")
    await set_targets(page)
    rows = page.locator("#targets-table tbody tr")
    total = await rows.count()
    assert total > 2
    assert await rows.locator(f".badge:has-text('{TEXTS[lang]['to_visit']}')").count() == total
    async with console_data.client() as client:
        campaign = (await client.get(f"/api/v1/campaigns/{SLUG}")).json()
        assert campaign["targets"]["layer"] == "ign-31"
        assert campaign["targets"]["revisit_after_days"] == 365
        first = (await client.get(f"/api/v1/campaigns/{SLUG}/targets?limit=1")).json()["targets"][0]
        posted = await client.post(f"/api/v1/campaigns/{SLUG}/observations",
                                   json=visit(first, "damaged"), headers=claire_headers)  # fmt: skip
        assert posted.status_code == 201, posted.text
    await page.check("#targets-filter-to-visit")
    await page.wait_for_function(
        f"document.querySelectorAll('#targets-table tbody tr').length === {total - 1}"
    )
    assert await page.locator(f"tr[data-target='{first['id']}']").count() == 0
    await page.uncheck("#targets-filter-to-visit")
    await page.select_option("#targets-filter-state", "damaged")
    await page.wait_for_function(
        "document.querySelectorAll('#targets-table tbody tr').length === 1"
    )
    await page.select_option("#targets-filter-state", "")
    await page.check("#targets-filter-to-visit")
    await page.wait_for_function(
        f"document.querySelectorAll('#targets-table tbody tr').length === {total - 1}"
    )
    row = rows.first
    target_id = await row.get_attribute("data-target")
    await row.locator("select").select_option(claire_id)
    await row.locator("button.assign").click()
    await page.locator(f"tr[data-target='{target_id}'] .assignee").wait_for()
    assert TEXTS[lang]["assigned"] in (await page.locator("#status").text_content() or "")
    async with console_data.client() as client:
        detail = await client.get(f"/api/v1/campaigns/{SLUG}/targets/{target_id}",
                                  headers=claire_headers)  # fmt: skip
        assert detail.json()["mine"] is True
        mine = await client.get(
            f"/api/v1/campaigns/{SLUG}/targets?mine=true", headers=claire_headers
        )
        assert [t["id"] for t in mine.json()["targets"]] == [target_id]
    await pictures(page, "targets")
    await page.locator(f"tr[data-target='{target_id}'] button.unassign").click()
    await page.wait_for_function(
        f"!document.querySelector(\"tr[data-target='{target_id}'] .assignee\")"
    )
    async with console_data.client() as client:
        mine = await client.get(
            f"/api/v1/campaigns/{SLUG}/targets?mine=true", headers=claire_headers
        )
        assert mine.json()["targets"] == []


async def test_a_validator_reads_the_setting_and_takes_an_assignment_back(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    _, claire_id = await set_up(console_data, committed_db)
    victor, _ = await make_user(committed_db, "victor")
    async with console_data.client() as client:
        signed_in = await client.post(
            "/api/v1/auth/token", json={"username": console_data.editor_name, "password": "secret"}
        )
        owner = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        settings = monitoring_body()["targets"]
        patched = await client.patch(f"/api/v1/campaigns/{SLUG}", json={"targets": settings},
                                     headers=owner)  # fmt: skip
        assert patched.status_code == 200, patched.text
        await client.put(f"/api/v1/campaigns/{SLUG}/members/{victor.id}",
                         json={"role": "validator"}, headers=owner)  # fmt: skip
        first = (await client.get(f"/api/v1/campaigns/{SLUG}/targets?limit=1")).json()["targets"][0]
        url = f"/api/v1/campaigns/{SLUG}/targets/{first['id']}"
        assigned = await client.post(f"{url}/assignment", json={"user": claire_id}, headers=owner)
        assert assigned.status_code == 200, assigned.text
    await sign_in(page, "victor")
    await on_screen(page, "home")
    await page.evaluate(f"location.hash = '#/campaigns/{SLUG}/targets'")
    await on_screen(page, "targets")
    assert await page.locator("#targets-layer").is_disabled()
    assert await page.locator("#targets-form button[type=submit]").count() == 0
    await page.locator(f"tr[data-target='{first['id']}'] button.unassign").click()
    await page.wait_for_function(
        f"!document.querySelector(\"tr[data-target='{first['id']}'] .assignee\")"
    )
    async with console_data.client() as client:
        detail = await client.get(url, headers=owner)
        assert detail.json()["assignee"] is None
