"""The publish section in a real browser: the embed snippet follows its options and its live
preview shows the campaign's map; the copy button puts the snippet on the clipboard; one
download link per export format; the QGIS addresses; a webhook registered (a refused address
is named next to its field), listed, and its empty delivery log."""

from __future__ import annotations

import httpx
from playwright.async_api import Page

from tests.console.conftest import ORGANISATION, Console, check_screen, on_screen, sign_in
from tests.factories import campaign_body

SLUG = "fontaines-albi"
TITLE = "Fontaines d’Albi"
HOOK = "http://93.184.215.14:9/hook"  # a public literal address: no DNS needed


async def open_campaign(data: Console) -> None:
    async with httpx.AsyncClient(base_url=data.url, timeout=10) as client:
        signed_in = await client.post(
            "/api/v1/auth/token", json={"username": data.editor_name, "password": "secret"}
        )
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        body = campaign_body(SLUG, title=TITLE, status="open", organisation=ORGANISATION)
        created = await client.post("/api/v1/campaigns", json=body, headers=headers)
        assert created.status_code == 201, created.text


async def test_the_publish_screen_shows_the_snippet_its_preview_and_the_addresses(
    page: Page, console_data: Console
) -> None:
    lang = str(await page.evaluate("document.documentElement.lang"))
    await open_campaign(console_data)
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await sign_in(page, console_data.editor_name)
    await on_screen(page, "home")
    await page.goto(f"{console_data.url}/console/#/campaigns/{SLUG}/publish")
    await on_screen(page, "publish")

    snippet = await page.input_value("#embed-snippet")
    assert f'src="{console_data.url}/embed/{SLUG}"' in snippet and 'height="480"' in snippet
    preview = page.frame_locator("#embed-preview")
    await preview.locator("html[lang]").wait_for(state="attached")
    await page.fill("#embed-height", "300")
    await page.select_option("#embed-lang", "en")
    await page.check("#embed-validated")
    snippet = await page.input_value("#embed-snippet")
    assert f'src="{console_data.url}/embed/{SLUG}?lang=en&amp;status=validated"' in snippet
    assert 'height="300"' in snippet
    src = await page.get_attribute("#embed-preview", "src")
    assert src == f"{console_data.url}/embed/{SLUG}?lang=en&status=validated"
    await page.wait_for_function(
        "document.querySelector('#embed-preview').contentDocument?.documentElement?.lang === 'en'"
    )
    await page.click("#embed-copy")
    copied_text = "Copié" if lang == "fr" else "Copied"
    await page.locator("#status").filter(has_text=copied_text).wait_for()
    copied = await page.evaluate("navigator.clipboard.readText()")
    assert copied == snippet

    links = page.locator(".exports a")
    assert await links.count() == 5
    hrefs = [await links.nth(i).get_attribute("href") for i in range(5)]
    assert f"/api/v1/campaigns/{SLUG}/export?format=gpkg" in hrefs
    assert await page.input_value("#gis-ogc") == f"{console_data.url}/ogc"
    tilejson = await page.input_value("#gis-tilejson")
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(tilejson)).status_code == 200
        assert (await client.get(await page.input_value("#gis-collection"))).status_code == 200

    await page.fill("#webhook-url", "http://127.0.0.1/hook")
    await page.click("#webhook-form button[type=submit]")
    refused = page.locator("#webhook-form .field[data-path='/url'] .error")
    await refused.wait_for()
    assert await refused.inner_text()
    await page.fill("#webhook-url", HOOK)
    await page.click("#webhook-form button[type=submit]")
    await page.locator(f"#webhooks-list tr:has-text('{HOOK}')").wait_for()
    assert len(await page.input_value("#webhook-secret-value")) > 20
    await page.click("#webhooks-list button.show-log")
    await page.locator("#webhook-log .delivery-log").wait_for()
    empty = "Aucun envoi" if lang == "fr" else "No delivery yet"
    assert empty in await page.locator("#webhook-log").inner_text()
    await check_screen(page, "publish")
