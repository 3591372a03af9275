"""The rules section of the console, in French and in English: a campaign's owner adds a rule,
sees a refusal next to its field, tries the rules on the data already received (the counts, the
affected observations on a map and listed with their findings) and saves them."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from tests.console.conftest import (
    ORGANISATION,
    Console,
    check_screen,
    observation,
    on_screen,
    sign_in,
)
from tests.factories import FIELDS

SLUG = "bancs-albi"
TEXTS = {
    "fr": {"flag": "Signalerait 1 sur 3 observations", "message": "GPS trop imprécis : 40 m",
           "refused": "1 a un constat bloquant"},
    "en": {"flag": "Would flag 1 of 3 observations", "message": "GPS too rough: 40 m",
           "refused": "1 has a blocking finding"},
}  # fmt: skip
DUPLICATES = {
    "name": "doublons",
    "kind": "duplicate",
    "severity": "flag",
    "params": {"distance_m": 2},
}


async def owned_campaign_with_observations(data: Console) -> None:
    """Edith's campaign (she created it: she owns it), one rule, three observations far apart,
    one with a poor GPS fix."""
    async with data.client() as client:
        signed_in = await client.post("/api/v1/auth/token",
                                      json={"username": data.editor_name, "password": "secret"})  # fmt: skip
        edith = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        body = {"slug": SLUG, "title": "Bancs", "organisation": ORGANISATION, "fields": FIELDS,
                "status": "open", "geometry_types": ["Point"]}  # fmt: skip
        created = await client.post("/api/v1/campaigns", json=body, headers=edith)
        assert created.status_code == 201, created.text
        rules = await client.put(f"/api/v1/campaigns/{SLUG}/rules",
                                 json={"rules": [DUPLICATES]}, headers=edith)  # fmt: skip
        assert rules.status_code == 200, rules.text
        for n, accuracy in enumerate((5, 8, 40)):
            feature = observation("banc")
            feature["geometry"]["coordinates"] = [2.14 + n / 100, 43.92]
            feature["properties"]["accuracy_m"] = accuracy
            sent = await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                     headers=edith)  # fmt: skip
            assert sent.status_code == 201, sent.text


async def stored_rules(data: Console) -> list[dict[str, Any]]:
    async with data.client() as client:
        response = await client.get(f"/api/v1/campaigns/{SLUG}/rules", headers=data.admin)
        assert response.status_code == 200, response.text
        rules: list[dict[str, Any]] = response.json()["rules"]
        return rules


async def test_an_owner_adds_tries_and_saves_a_rule(page: Page, console_data: Console) -> None:
    await owned_campaign_with_observations(console_data)
    before = await stored_rules(console_data)
    lang = str(await page.evaluate("document.documentElement.lang"))
    await sign_in(page, console_data.editor_name)
    await on_screen(page, "home")
    await page.goto(f"{console_data.url}/console/#/campaigns/{SLUG}/rules")
    await on_screen(page, "rules")
    assert await page.locator(".rule-card").count() == 1
    assert await page.input_value("#r0-name") == "doublons"
    tab = page.locator("nav.tabs a[aria-current=page]")
    assert await tab.get_attribute("data-section") == "rules"
    await check_screen(page, "rules")

    await page.select_option("#rules-add-kind", "accuracy")
    await page.click("#rules-add")
    assert await page.locator(".rule-card").count() == 2
    await page.fill("#r1-name", "GPS imprécis")
    await page.fill("#r1-max_m", "20")
    await page.select_option("#r1-severity", "block")
    await page.fill("#r1-message-fr", "GPS trop imprécis : {accuracy_m} m")
    await page.fill("#r1-message-en", "GPS too rough: {accuracy_m} m")
    await page.click("#rules-try")
    name_error = page.locator(".field[data-path='/rules/1/name'] > .error")
    await name_error.wait_for()
    assert await name_error.inner_text()
    assert await page.get_attribute("#r1-name", "aria-invalid") == "true"
    assert await page.locator(".field[data-path='/rules/1/params/max_m'] > .error").is_hidden()
    await check_screen(page, "rules-refused")

    await page.fill("#r1-name", "gps")
    await page.click("#rules-try")
    await page.wait_for_selector("#rules-trial[data-ready]")
    assert await page.locator("#trial-summary").inner_text() == TEXTS[lang]["flag"]
    assert TEXTS[lang]["refused"] in await page.locator("#rules-trial").inner_text()
    items = page.locator(".trial-item")
    assert await items.count() == 1
    assert TEXTS[lang]["message"] in await items.first.inner_text()
    assert await page.locator(".trial-map canvas").count() == 1, "the map beside the list"
    assert await page.locator(".field.invalid").count() == 0, "the refusal is gone"
    await check_screen(page, "rules-trial")
    assert await stored_rules(console_data) == before, "a trial saves nothing"

    await page.click(".rule-card:nth-child(2) button[data-action=up]")
    assert await page.input_value("#r0-name") == "gps", "moved up"
    await page.click("#rules-save")
    await page.locator(
        "#status", has_text="Règles enregistrées" if lang == "fr" else "Rules saved"
    ).wait_for()
    saved = await stored_rules(console_data)
    assert [rule["name"] for rule in saved] == ["gps", "doublons"]
    assert (saved[0]["severity"], saved[0]["params"]) == ("block", {"max_m": 20, "required": False})
    assert saved[0]["message"]["en"] == "GPS too rough: {accuracy_m} m"
