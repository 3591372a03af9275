"""The XLSForm panel of the console's form section, in French and English: an editor reads an
XLSForm made by others (the report lists the questions and every cell left out with its sheet
and row), applies it (the form builder shows the new questions) and downloads the form."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, ViewportSize

from tests.console.conftest import ARTIFACTS, Console, check_screen
from tests.console.test_form_builder import create_campaign, language, open_builder, saved_fields

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
FORM = Path(__file__).parent.parent / "forms" / "xlsforms" / "pyxform_loop.xlsx"
LOOP_REASON = {"fr": "Le type de question « begin loop over toilet_type » n'est pas pris en charge.",
               "en": "Question type 'begin loop over toilet_type' is not supported."}  # fmt: skip
APPLIED = {"fr": "Les questions du XLSForm remplacent celles du formulaire.",
           "en": "The XLSForm’s questions replace the form’s."}  # fmt: skip


async def pictures(page: Page, name: str) -> None:
    """The panel at phone and desktop sizes (besides check_screen's laptop and tablet)."""
    lang = await language(page)
    for label, size in (("360x740", PHONE), ("1280x800", DESKTOP)):
        await page.set_viewport_size(size)
        await page.locator("section.xlsform").scroll_into_view_if_needed()
        await page.screenshot(path=ARTIFACTS / f"console-{name}-{lang}-{label}.png",
                              full_page=True, animations="disabled")  # fmt: skip
    await page.set_viewport_size(DESKTOP)


async def test_an_editor_imports_an_xlsform_then_downloads_the_form(
    page: Page, console_data: Console
) -> None:
    lang = await language(page)
    await create_campaign(console_data)
    await open_builder(page)
    await page.click("#xf-read")
    await page.locator("#xf-report .error").wait_for()
    await page.set_input_files("#xf-file", str(FORM))
    await page.click("#xf-read")
    rows = page.locator("table.xf-unmapped tbody tr")
    await rows.first.wait_for()
    assert await rows.count() == 2
    first = [cell.strip() for cell in await rows.nth(0).locator("td").all_inner_texts()]
    assert first == ["survey", "3", "type", "loop_toilet_types", LOOP_REASON[lang]]
    names = await page.locator("ol.xf-fields > li > code").all_inner_texts()
    assert names == ["available_toilet_types", "available_toilet_types_other"]
    assert await saved_fields(console_data) == [], "reading stores nothing"
    await check_screen(page, "xlsform-report")
    await pictures(page, "xlsform-report")

    await page.click("#xf-apply")
    await page.locator("#xf-report", has_text=APPLIED[lang]).wait_for()
    await page.locator(".fb-card").nth(1).wait_for()
    assert await page.locator(".fb-card").count() == 2
    stored = await saved_fields(console_data)
    assert [f["name"] for f in stored] == names and stored[0]["multiple"] is True

    href = await page.get_attribute("#xf-download", "href")
    assert href == "/api/v1/campaigns/bancs-albi/form.xlsx"
    absolute = await page.evaluate("(href) => new URL(href, location.href).href", href)
    downloaded = await page.request.get(absolute)
    assert downloaded.status == 200 and (await downloaded.body())[:2] == b"PK"
