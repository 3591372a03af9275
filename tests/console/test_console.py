"""The owners' console, screen by screen, in French and in English: an organisation's editor
signs in, creates a campaign, edits it and finds it on the home with its figure; refusals show
next to their field; a throttled sign-in says how long to wait."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from playwright.async_api import Page, ViewportSize

from app.messages import render
from tests.console.conftest import (
    ARTIFACTS,
    LAPTOP,
    ORGANISATION,
    Console,
    check_screen,
    observation,
    on_screen,
    sign_in,
)
from tests.factories import FIELDS

SLUG = "bancs-albi"
PHONE: ViewportSize = {"width": 360, "height": 740}
TEXTS: dict[str, dict[str, str]] = {
    "fr": {"role": "éditeur", "open": "Ouverte", "draft": "Brouillon", "species": "Espèce",
           "one": "1 contribution", "wait": "réessayez dans", "fix": "2 points à corriger",
           "saved": "Campagne enregistrée."},
    "en": {"role": "editor", "open": "Open", "draft": "Draft", "species": "Species",
           "one": "1 contribution", "wait": "try again in", "fix": "2 things to fix",
           "saved": "Campaign saved."},
}  # fmt: skip


async def language(page: Page) -> str:
    return str(await page.evaluate("document.documentElement.lang"))


async def campaign(data: Console, slug: str = SLUG) -> dict[str, Any]:
    async with data.client() as client:
        response = await client.get(f"/api/v1/campaigns/{slug}", headers=data.admin)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def test_an_editor_creates_edits_and_follows_a_campaign(
    page: Page, console_data: Console
) -> None:
    lang = await language(page)
    texts = TEXTS[lang]
    await on_screen(page, "signin")
    await check_screen(page, "signin")
    await sign_in(page, "edith", "wrong")
    alert = page.locator(".form-alert")
    await alert.wait_for()
    assert await alert.inner_text() == render("invalid_credentials", lang)  # type: ignore[arg-type]

    await sign_in(page, "edith")
    await on_screen(page, "home")
    assert "Mairie d’Albi" in await page.locator(".orgs").inner_text()
    assert texts["role"] in await page.locator(".orgs").inner_text()
    await check_screen(page, "home")

    await page.click("#new-campaign")
    await on_screen(page, "new")
    assert await page.locator("#new-organisation").input_value() == ORGANISATION
    await check_screen(page, "new")
    await page.fill("#new-title", "Bancs publics d’Albi")
    await page.fill("#new-slug", SLUG)
    await page.click("form button[type=submit]")
    await on_screen(page, "editor")
    created = await campaign(console_data)
    assert (created["status"], created["organisation"]) == ("draft", ORGANISATION)
    assert await page.locator("#c-licence").input_value() == "etalab-2.0", "organisation default"
    current = page.locator("nav.tabs a[aria-current=page]")
    assert await current.get_attribute("data-section") == "settings"

    # The form builder is not in the console yet: the form comes through the API.
    async with console_data.client() as client:
        response = await client.patch(f"/api/v1/campaigns/{SLUG}", json={"fields": FIELDS},
                                      headers=console_data.admin)  # fmt: skip
        assert response.status_code == 200, response.text
    await page.reload()
    await on_screen(page, "editor")
    preview = page.locator(".phone-form")
    assert texts["species"] in await preview.inner_text(), "the phone's form renderer"
    assert await preview.locator(".field").count() == len(FIELDS)

    await page.select_option("#c-licence", "CC-BY-4.0")
    await page.select_option("#c-status", "open")
    await page.fill("#c-closes_at", "2031-06-30T18:00")
    await page.click("#campaign-form button[type=submit]")
    await page.locator("#figures", has_text=texts["open"]).wait_for()
    saved = await campaign(console_data)
    assert (saved["licence"], saved["status"], saved["title"]) == (
        "CC-BY-4.0", "open", "Bancs publics d’Albi",
    )  # fmt: skip
    # The closing typed in the browser's local time is stored as that instant.
    instant = await page.evaluate("new Date('2031-06-30T18:00').toISOString()")
    assert datetime.fromisoformat(saved["closes_at"]) == datetime.fromisoformat(instant)
    assert (saved["opens_at"], saved["accepting_contributions"]) == (None, True)
    assert await page.input_value("#c-closes_at") == "2031-06-30T18:00"
    await check_screen(page, "editor")

    async with console_data.client() as client:
        response = await client.post(f"/api/v1/campaigns/{SLUG}/observations",
                                     json=observation("banc"), headers=console_data.admin)  # fmt: skip
        assert response.status_code == 201, response.text
    await page.click("#nav a")
    await on_screen(page, "home")
    card = page.locator(f".campaign[data-slug='{SLUG}']")
    assert await card.locator(".count").inner_text() == texts["one"]
    assert await card.locator(".badge").inner_text() == texts["open"]
    await check_screen(page, "home-figures")

    await page.click("#signout")
    await on_screen(page, "signin")
    assert "releve_csrf" not in await page.evaluate("document.cookie")


async def test_a_refused_change_is_shown_next_to_its_field(
    page: Page, console_data: Console
) -> None:
    async with console_data.client() as client:
        body = {"slug": SLUG, "title": "Bancs", "organisation": ORGANISATION}
        response = await client.post("/api/v1/campaigns", json=body, headers=console_data.admin)
        assert response.status_code == 201, response.text
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.click(f".campaign[data-slug='{SLUG}'] h3 a")
    await on_screen(page, "editor")
    await page.fill("#c-basemap_url", "ftp://tuiles.example/{z}/{x}/{y}.png")
    await page.fill("#c-location_precision_m", "0")
    await page.select_option("#c-status", "open")
    await page.click("#campaign-form button[type=submit]")
    basemap = page.locator(".field[data-path='/basemap_url'] .error")
    await basemap.wait_for()
    assert await basemap.inner_text()
    precision = page.locator(".field[data-path='/location_precision_m'] .error")
    assert await precision.inner_text()
    assert await page.get_attribute("#c-basemap_url", "aria-invalid") == "true"
    assert await page.locator(".field[data-path='/title'] .error").is_hidden()
    assert TEXTS[await language(page)]["fix"] in await page.locator(".form-alert").inner_text()
    assert (await campaign(console_data))["status"] == "draft", "nothing saved"
    await check_screen(page, "refused")

    before = await language(page)
    await page.click("#lang")
    await on_screen(page, "editor")
    assert await language(page) == ({"fr", "en"} - {before}).pop()
    expected = {"fr": "Campagne « Bancs »", "en": "Campaign “Bancs”"}[await language(page)]
    assert await page.locator("h1").inner_text() == expected


async def test_an_owner_chooses_a_served_basemap(page: Page, console_data: Console) -> None:
    async with console_data.client() as client:
        credentials = {"username": "edith", "password": "secret"}
        token = (await client.post("/api/v1/auth/token", json=credentials)).json()["access_token"]
        body = {"slug": SLUG, "title": "Bancs", "organisation": ORGANISATION}
        response = await client.post("/api/v1/campaigns", json=body,
                                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert response.status_code == 201, response.text
        served = (await client.get("/basemaps")).json()["basemaps"]
    lang = await language(page)
    saved_text = TEXTS[lang]["saved"]
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.click(f".campaign[data-slug='{SLUG}'] h3 a")
    await on_screen(page, "editor")
    options = page.locator("#c-basemap option")
    assert await options.evaluate_all("options => options.map(o => o.value)") == [
        "", *(basemap["name"] for basemap in served)]  # fmt: skip
    assert {"haute-garonne", "saint-barthelemy"} <= {basemap["name"] for basemap in served}
    assert await page.input_value("#c-basemap") == ""

    await page.select_option("#c-basemap", "haute-garonne")
    await page.click("#campaign-form button[type=submit]")
    await page.locator("#status", has_text=saved_text).wait_for(state="attached")
    saved = await campaign(console_data)
    assert (saved["basemap"], saved["basemap_url"]) == ("haute-garonne", None)
    assert saved["basemap_style"].endswith("/basemaps/haute-garonne/style.json")
    await page.reload()
    await on_screen(page, "editor")
    assert await page.input_value("#c-basemap") == "haute-garonne"
    await check_screen(page, "editor-basemap")
    await page.evaluate("document.getElementById('status').classList.remove('shown')")
    for label, size in (("1280x800", LAPTOP), ("360x740", PHONE)):
        await page.set_viewport_size(size)
        await page.screenshot(path=ARTIFACTS / f"console-editor-basemap-{lang}-{label}.png",
                              full_page=True, animations="disabled")  # fmt: skip
    await page.set_viewport_size(LAPTOP)

    # A basemap the instance stopped serving while the page was open: refused next to its field.
    await page.evaluate("""() => {
      const select = document.getElementById('c-basemap');
      select.append(new Option('Retirée', 'retiree'));
      select.value = 'retiree';
    }""")
    await page.click("#campaign-form button[type=submit]")
    error = page.locator(".field[data-path='/basemap'] .error")
    await error.wait_for()
    assert await error.inner_text()
    assert await page.get_attribute("#c-basemap", "aria-invalid") == "true"
    assert await page.locator(".field[data-path='/basemap_url'] .error").is_hidden()
    assert (await campaign(console_data))["basemap"] == "haute-garonne", "nothing saved"

    await page.select_option("#c-basemap", "")
    await page.click("#campaign-form button[type=submit]")
    await error.wait_for(state="hidden")
    await page.locator("#status", has_text=saved_text).wait_for(state="attached")
    assert (await campaign(console_data))["basemap"] is None


async def test_a_throttled_sign_in_says_how_long_to_wait(page: Page) -> None:
    """The server allows three failures per account (conftest) and then answers 429."""
    alert = page.locator(".form-alert")
    for _ in range(3):
        await sign_in(page, "edith", "wrong")
        await alert.wait_for()
    await sign_in(page, "edith")
    await page.locator(".form-alert", has_text=TEXTS[await language(page)]["wait"]).wait_for()
    assert await page.locator("body[data-screen='signin']").count() == 1


async def test_an_ended_session_leads_back_to_the_sign_in(page: Page) -> None:
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.context.clear_cookies()
    await page.click("#new-campaign")
    await on_screen(page, "signin")
    assert await page.locator("#signout").is_hidden()


async def test_an_instance_administrator_creates_a_campaign_without_organisation(
    page: Page, console_data: Console
) -> None:
    await sign_in(page, "adrien")
    await on_screen(page, "home")
    roles = await page.locator(".orgs li").all_inner_texts()
    assert len(roles) == 2, "the instance role, then the organisation its creator administers"
    await page.click("#new-campaign")
    await on_screen(page, "new")
    await page.select_option("#new-organisation", "")
    await page.fill("#new-title", "Repères IGN")
    await page.fill("#new-slug", "reperes-ign")
    await page.click("form button[type=submit]")
    await on_screen(page, "editor")
    created = await campaign(console_data, "reperes-ign")
    assert (created["organisation"], created["status"]) == (None, "draft")
    await page.click("#nav a")
    await on_screen(page, "home")
    card = page.locator(".campaign[data-slug='reperes-ign']")
    assert await card.locator(".badge").inner_text() == TEXTS[await language(page)]["draft"]


async def test_the_console_is_served_at_its_own_address(console_data: Console) -> None:
    async with console_data.client() as client:
        bare = await client.get("/console")
        page = await client.get("/console/")
        shared = await client.get("/forms.js")
    assert (bare.status_code, bare.headers["location"]) == (308, "/console/")
    assert page.status_code == 200 and "/console/app.js" in page.text
    assert shared.status_code == 200, "the field app's modules the console imports"
