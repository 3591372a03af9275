"""What the field app says and where: a refused position in words of the app's language,
status messages that hide neither the title nor the map's buttons, a language button named by
what it shows, plurals, numbers and dates by language, and no forbidden request on a
contributor's campaign page. A phone of 360x740 in Toulouse, in French."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Response, expect

from tests.console.conftest import serious_violations
from tests.pwa.conftest import (
    PHONE,
    Field,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)

SHOTS = Path("/tmp/shots-texts")
NAME_OF_LANG = "document.getElementById('lang').getAttribute('aria-label')"


async def shot(page: Page, name: str, toast: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    if not toast:
        await page.evaluate("document.getElementById('status').classList.remove('shown')")
    await page.screenshot(path=SHOTS / f"{name}.png", animations="disabled")


@pytest.fixture
async def no_gps(browser: Browser, field_data: Field) -> Any:
    """A phone whose person refused to share the position."""
    context = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR", permissions=[]
    )
    yield context
    await context.close()


async def test_a_refused_position_is_said_in_the_app_language(
    no_gps: BrowserContext, field_data: Field
) -> None:
    page = await open_app(no_gps, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    error = page.locator("#where-error")
    await expect(error).to_have_text(
        "L’accès à votre position est refusé : autorisez-le dans les réglages du navigateur. "
        "Vous pouvez aussi placer le point sur la carte."
    )
    where = page.locator("#where")
    await expect(where).not_to_contain_text("Recherche")  # no longer looking
    assert await where.get_attribute("aria-busy") is None
    await page.evaluate("document.getElementById('where-error').scrollIntoView({block: 'center'})")
    await shot(page, "gps-denied")
    await screenshot(page, "gps-denied")
    await page.click("#lang")  # the same screen, in English
    await page.click("button:has-text('My position')")
    await expect(error).to_contain_text("Access to your position is denied")
    await page.click("button:has-text('At the map centre')")  # the way out the message gives
    await expect(error).to_be_hidden()
    await expect(where).to_contain_text("placed by hand")


def _overlap(a: Any, b: Any) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


async def test_a_status_message_hides_neither_title_nor_map_buttons(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("précision ± 8 m")
    await page.evaluate(
        "import('/ui.js').then((m) => m.announce('Saisie enregistrée sur le téléphone.'))"
    )
    status = page.locator("#status.shown")
    await expect(status).to_have_text("Saisie enregistrée sur le téléphone.")
    toast = await status.bounding_box()
    assert toast is not None
    covered = ["#panel h1", ".bar", ".tabs", ".map-locate", ".maplibregl-ctrl-group",
               ".maplibregl-ctrl-attrib"]  # fmt: skip
    for selector in covered:
        for box in [await e.bounding_box() for e in await page.locator(selector).all()]:
            assert box is None or not _overlap(toast, box), selector
    await shot(page, "capture-toast", toast=True)
    await screenshot(page, "capture-toast", toast=True)


async def test_the_language_button_is_named_by_what_it_shows(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    button = page.locator("#lang")
    for shown, language in (("EN", "en"), ("FR", "fr")):
        await expect(button).to_have_text(shown)
        assert (await page.evaluate(NAME_OF_LANG)).startswith(f"{shown}")
        assert await button.get_attribute("lang") == language  # said in the language it names
        assert [v for v in await serious_violations(page) if "#lang" in v["nodes"]] == []
        await button.click()
        await page.wait_for_selector("#campaign-list .card")


async def test_plurals_numbers_and_dates_by_language(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    said = await page.evaluate("""async () => {
      const m = await import('/i18n.js');
      const texts = () => [m.tn('outbox.label', 0), m.tn('outbox.label', 1), m.tn('outbox.label', 2),
        m.tn('capture.vertices', 1), m.tn('capture.vertices', 4), m.tn('review.left', 1),
        m.formatNumber(1234.5, 1), m.formatDate('2025-03-05T10:00:00Z')];
      const french = texts();
      await m.setLanguage('en');
      const english = texts();
      await m.setLanguage('fr');
      return { french, english };
    }""")
    french, english = said["french"], said["english"]
    assert french[:6] == [
        "0 saisie en attente d’envoi", "1 saisie en attente d’envoi",
        "2 saisies en attente d’envoi", "1 sommet", "4 sommets",
        "Il reste 1 observation que vous avez passée.",
    ]  # fmt: skip
    assert french[6] == "1\u202f234,5" and "5 mars 2025" in french[7]
    assert english[:6] == [
        "0 captures waiting to be sent", "1 capture waiting to be sent",
        "2 captures waiting to be sent", "1 vertex", "4 vertices",
        "1 observation you skipped is left.",
    ]  # fmt: skip
    assert english[6] == "1,234.5" and "5 Mar 2025" in english[7]  # British, not "Mar 5"


async def test_a_contributor_campaign_page_asks_nothing_it_may_not(
    phone: BrowserContext, field_data: Field
) -> None:
    """The review button follows the campaign's `role`: no probe of the review queue, so no
    403 in the console of a contributor's phone."""
    page = await open_app(phone, field_data.url)
    refused: list[str] = []
    queue: list[str] = []

    def seen(response: Response) -> None:
        if response.status >= 400:
            refused.append(f"{response.status} {response.url}")
        if "review-queue" in response.url:
            queue.append(response.url)

    page.on("response", seen)
    await start_without_account(page)
    await open_campaign(page)
    await expect(page.locator("#panel h1")).to_have_text("Arbres de Toulouse")
    await page.wait_for_load_state("networkidle")
    assert await page.locator("a[href$='/review']").count() == 0
    assert (refused, queue) == ([], [])
