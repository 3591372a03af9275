"""The form section's "Migrate the data" and "Form versions" panels, in French and English: an
owner merges two choices of a choice question, then renames that question, each confirmed in
words first; the server's contributions hold the merged values under the new key, the versions
list shows the three versions, and the retired choices and key say since which version; the
builder's warning on a rename points to the migration instead."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, ViewportSize

from tests.console.conftest import ARTIFACTS, Console, check_screen
from tests.console.test_form_builder import (
    SLUG,
    STATES,
    create_campaign,
    label,
    language,
    open_builder,
    saved_fields,
)

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
FIELDS: list[dict[str, Any]] = [
    {"name": "species", "type": "text", "label": label("Espèce", "Species")},
    {"name": "health", "type": "choice", "label": label("État", "Condition"), "choices": STATES},
]
SENT = ["bon", "use", "casse", "use"]
DONE = {"fr": "Version {v} du formulaire : {n} contributions réécrites.",
        "en": "Form version {v}: {n} contributions rewritten."}  # fmt: skip
MIGRATE = {"fr": "« Migrer les données »", "en": "“Migrate the data”"}
RETIRED = {"fr": "retiré depuis la version 2", "en": "retired since version 2"}


async def pictures(page: Page, name: str) -> None:
    """The two panels at phone and desktop sizes (besides check_screen's laptop and tablet)."""
    lang = await language(page)
    ARTIFACTS.mkdir(exist_ok=True)
    for size_name, size in (("360x740", PHONE), ("1280x800", DESKTOP)):
        await page.set_viewport_size(size)
        await page.locator("#form-migrate-panel").scroll_into_view_if_needed()
        await page.screenshot(path=ARTIFACTS / f"console-{name}-{lang}-{size_name}.png",
                              full_page=True, animations="disabled")  # fmt: skip
    await page.set_viewport_size(DESKTOP)


async def stored(data: Console) -> list[dict[str, Any]]:
    async with data.client() as client:
        response = await client.get(f"/api/v1/campaigns/{SLUG}/observations?limit=100",
                                    headers=data.admin)  # fmt: skip
        assert response.status_code == 200, response.text
        return [feature["properties"] for feature in response.json()["features"]]


async def test_an_owner_merges_choices_then_renames_the_question(
    page: Page, console_data: Console
) -> None:
    lang = await language(page)
    await create_campaign(console_data, fields=FIELDS, status="open")
    async with console_data.client() as client:
        for index, health in enumerate(SENT):
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.148, 43.9 + index / 100]},
                       "properties": {"species": "banc", "health": health}}  # fmt: skip
            response = await client.post(f"/api/v1/campaigns/{SLUG}/observations",
                                         json=feature, headers=console_data.admin)  # fmt: skip
            assert response.status_code == 201, response.text
    await open_builder(page)
    await page.locator("#fv-body .fv-version").first.wait_for()
    assert await page.locator(".fv-version").count() == 1

    # Merge "use" and "casse" into "bon": an error first (nothing chosen), then the confirmation.
    await page.select_option("#fm-op", "merge_choices")
    await page.select_option("#fm-field", "health")
    await page.select_option("#fm-into", "bon")
    await page.click("#fm-review")
    await page.click("#fm-confirm")
    choices_error = page.locator(".field[data-path='/steps/0/choices'] > .error")
    await choices_error.wait_for()
    assert await choices_error.inner_text() != ""
    await page.check("input[name=fm-choice][value=use]")
    await page.check("input[name=fm-choice][value=casse]")
    await page.click("#fm-review")
    effect = await page.locator("#fm-effect").inner_text()
    assert "use" in effect and "casse" in effect and "bon" in effect
    await check_screen(page, "form-migrate-confirm")
    await pictures(page, "form-migrate-confirm")
    await page.click("#fm-confirm")
    await page.locator("#fm-done", has_text=DONE[lang].format(v=2, n=3)).wait_for()
    await page.locator(".fv-version[data-version='2']").wait_for()

    # Rename "health" to "etat": a taken name is refused next to the input, then it goes.
    await page.select_option("#fm-op", "rename")
    await page.select_option("#fm-field", "health")
    await page.fill("#fm-to", "species")
    await page.click("#fm-review")
    await page.click("#fm-confirm")
    to_error = page.locator(".field[data-path='/steps/0/to'] > .error")
    await to_error.wait_for()
    assert await page.get_attribute("#fm-to", "aria-invalid") == "true"
    await page.fill("#fm-to", "etat")
    await page.click("#fm-review")
    await page.click("#fm-confirm")
    await page.locator("#fm-done", has_text=DONE[lang].format(v=3, n=4)).wait_for()
    await page.locator(".fv-version[data-version='3']").wait_for()

    assert await page.locator(".fv-version").count() == 3
    assert await page.input_value("#fb-1-name") == "etat", "the builder shows the new key"
    retired = await page.locator(".fv-retired").inner_text()
    assert RETIRED[lang] in retired and "casse" in retired and "health" in retired
    values = await stored(console_data)
    assert [p.get("etat") for p in values] == ["bon"] * 4
    assert all("health" not in p for p in values)
    assert [f["name"] for f in await saved_fields(console_data)] == ["species", "etat"]

    # A rename in the builder would hide the values: its warning points to the migration instead.
    await page.fill("#fb-1-name", "etat2")
    await page.click("#fb-save")
    warning = page.locator("#fb-warn")
    await warning.wait_for()
    assert MIGRATE[lang] in await warning.locator("#fb-warn-help").inner_text()
    await page.click("#fb-warn-migrate")
    await warning.wait_for(state="detached")
    assert await page.evaluate("document.activeElement.id") == "fm-op"
    assert [f["name"] for f in await saved_fields(console_data)] == ["species", "etat"]
    await page.fill("#fb-1-name", "etat")
    await page.locator("#form-versions").scroll_into_view_if_needed()
    await check_screen(page, "form-versions")
    await pictures(page, "form-versions")
