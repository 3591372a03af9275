"""The console's form builder, in French and in English: an editor builds a five-question form
in two languages, reorders it with the keyboard, watches the phone preview follow and saves it;
refusals show next to the question and member they name; on a campaign with contributions,
removing a question, renaming a key or dropping a choice asks first, and cancelling keeps it."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from app.messages import render
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
SAVED = {"fr": "Formulaire enregistré.", "en": "Form saved."}
DEFAULTS: dict[str, Any] = {
    "help": None, "required": False, "min_length": None, "max_length": None, "minimum": None,
    "maximum": None, "min_date": None, "max_date": None, "choices": None, "multiple": False,
}  # fmt: skip


def label(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


def choices(*rows: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"value": value, "label": label(fr, en)} for value, fr, en in rows]


STATES = choices(("bon", "Bon", "Good"), ("use", "Usé", "Worn"), ("casse", "Cassé", "Broken"))
USES = choices(("repos", "Repos", "Rest"), ("ombre", "Ombre", "Shade"))


async def language(page: Page) -> str:
    return str(await page.evaluate("document.documentElement.lang"))


async def create_campaign(data: Console, **changes: Any) -> None:
    """The campaign, created by the organisation's editor (so its owner) through the API."""
    body = {"slug": SLUG, "title": "Bancs", "organisation": ORGANISATION, **changes}
    async with data.client() as client:
        credentials = {"username": data.editor_name, "password": "secret"}
        token = await client.post("/api/v1/auth/token", json=credentials)
        assert token.status_code in (200, 201), token.text
        editor = {"Authorization": f"Bearer {token.json()['access_token']}"}
        response = await client.post("/api/v1/campaigns", json=body, headers=editor)
        assert response.status_code == 201, response.text


async def saved_fields(data: Console) -> list[dict[str, Any]]:
    async with data.client() as client:
        response = await client.get(f"/api/v1/campaigns/{SLUG}", headers=data.admin)
        assert response.status_code == 200, response.text
        fields: list[dict[str, Any]] = response.json()["fields"]
        return fields


async def open_builder(page: Page) -> None:
    """Signed in as the organisation's editor, from the home to the campaign's Form tab."""
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.click(f".campaign[data-slug='{SLUG}'] h3 a")
    await on_screen(page, "editor")
    await page.click("nav.tabs a[data-section=form]")
    await on_screen(page, "form")


async def add_question(page: Page, kind: str, name: str, fr: str, en: str) -> int:
    index = await page.locator(".fb-card").count()
    await page.select_option("#fb-add-type", kind)
    await page.click("#fb-add")
    assert await page.evaluate("document.activeElement.id") == f"fb-{index}-name"
    await page.keyboard.type(name)
    await page.fill(f"#fb-{index}-label-fr", fr)
    await page.fill(f"#fb-{index}-label-en", en)
    return index


async def add_choices(page: Page, index: int, rows: list[dict[str, Any]]) -> None:
    for position, row in enumerate(rows):
        await page.click(f"#fb-{index}-add-choice")
        await page.keyboard.type(row["value"])
        await page.fill(f"#fb-{index}-c{position}-fr", row["label"]["fr"])
        await page.fill(f"#fb-{index}-c{position}-en", row["label"]["en"])


async def preview_labels(page: Page) -> list[str]:
    labels = page.locator("#fb-preview .field > label, #fb-preview .field > legend")
    return [text.strip() for text in await labels.all_inner_texts()]


async def test_an_editor_builds_a_form_in_two_languages(page: Page, console_data: Console) -> None:
    lang = await language(page)
    await create_campaign(console_data)
    await open_builder(page)
    assert (
        await page.locator("nav.tabs a[aria-current=page]").get_attribute("data-section") == "form"
    )

    text = await add_question(page, "text", "espece", "Essence du bois", "Wood")
    await page.fill(f"#fb-{text}-help-fr", "Chêne, pin…")
    await page.fill(f"#fb-{text}-help-en", "Oak, pine…")
    await page.fill(f"#fb-{text}-max_length", "80")
    number = await add_question(page, "number", "longueur_m", "Longueur (m)", "Length (m)")
    await page.fill(f"#fb-{number}-minimum", "0,5")
    await page.fill(f"#fb-{number}-maximum", "12")
    state = await add_question(page, "choice", "etat", "État", "Condition")
    await add_choices(page, state, [STATES[0], STATES[2], STATES[1]])
    uses = await add_question(page, "multiple", "usages", "Usages", "Uses")
    await add_choices(page, uses, USES)
    shaded = await add_question(page, "boolean", "ombrage", "Ombragé", "Shaded")
    await page.check(f"#fb-{shaded}-required")

    expected_labels = ["Essence du bois", "Longueur (m)", "État", "Usages", "Ombragé"]
    if lang == "en":
        expected_labels = ["Wood", "Length (m)", "Condition", "Uses", "Shaded"]
    shown = await preview_labels(page)
    assert len(shown) == 5 and shown[:4] == expected_labels[:4], shown
    assert shown[4].startswith(expected_labels[4]), "with the mark of a required answer"
    preview = page.locator("#fb-preview")
    assert await preview.locator("input, select, textarea").count() >= 5

    # The preview follows every keystroke, in the language of the page.
    await page.fill(f"#fb-{text}-label-{lang}", "Essence" if lang == "fr" else "Timber")
    assert (await preview_labels(page))[0] == ("Essence" if lang == "fr" else "Timber")

    # Keyboard reordering: the last question twice up, the focus staying on its button.
    await page.focus(f".fb-card[data-index='{shaded}'] > .fb-head [data-action=up]")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Enter")
    focused = await page.evaluate("document.activeElement.closest('.fb-card').dataset.index")
    assert focused == "2"
    assert (await preview_labels(page))[2].startswith(expected_labels[4])
    # The third choice of "etat" (now the fourth question) one up: bon, use, casse.
    await page.click(".fb-choice[data-path='/fields/3/choices/2'] [data-action=up]")
    await check_screen(page, "form-builder")

    await page.click("#fb-save")
    await page.locator("#status", has_text=SAVED[lang]).wait_for()
    first = label("Essence", "Wood") if lang == "fr" else label("Essence du bois", "Timber")
    expected: list[dict[str, Any]] = [
        {"name": "espece", "type": "text", "label": first,
         "help": label("Chêne, pin…", "Oak, pine…"), "max_length": 80},
        {"name": "longueur_m", "type": "number", "label": label("Longueur (m)", "Length (m)"),
         "minimum": 0.5, "maximum": 12},
        {"name": "ombrage", "type": "boolean", "label": label("Ombragé", "Shaded"),
         "required": True},
        {"name": "etat", "type": "choice", "label": label("État", "Condition"), "choices": STATES},
        {"name": "usages", "type": "choice", "label": label("Usages", "Uses"), "choices": USES,
         "multiple": True},
    ]  # fmt: skip
    assert await saved_fields(console_data) == [{**DEFAULTS, **spec} for spec in expected]


async def test_a_refused_form_shows_each_problem_next_to_its_member(
    page: Page, console_data: Console
) -> None:
    lang = await language(page)
    await create_campaign(console_data, fields=FIELDS[:1])
    await open_builder(page)
    state = await add_question(page, "choice", "etat", "État", "Condition")
    await page.click(f"#fb-{state}-add-choice")
    await page.keyboard.type("bon")
    await page.fill(f"#fb-{state}-c0-en", "Good")
    await page.click("#fb-save")
    missing = page.locator(f".field[data-path='/fields/{state}/choices/0/label/fr'] > .error")
    await missing.wait_for()
    assert await missing.inner_text()
    assert await page.get_attribute(f"#fb-{state}-c0-fr", "aria-invalid") == "true"
    assert await page.locator(f".field[data-path='/fields/{state}/name'] > .error").is_hidden()
    assert await page.locator("#form-builder .form-alert").is_visible()

    await page.fill(f"#fb-{state}-c0-fr", "Bon")
    await page.fill("#fb-0-name", "status")
    await page.click("#fb-save")
    reserved = page.locator(".field[data-path='/fields/0/name'] > .error")
    await reserved.wait_for()
    assert await reserved.inner_text() == render("reserved_field_name", lang, {"name": "status"})  # type: ignore[arg-type]
    assert await missing.is_hidden(), "the earlier problem is cleared"
    assert await saved_fields(console_data) == [{**DEFAULTS, **FIELDS[0]}], "nothing saved"


async def test_changes_that_hide_collected_values_ask_first(
    page: Page, console_data: Console
) -> None:
    species, health = FIELDS[0], FIELDS[5]
    await create_campaign(console_data, fields=[species, health], status="open")
    async with console_data.client() as client:
        response = await client.post(f"/api/v1/campaigns/{SLUG}/observations",
                                     json=observation("banc"), headers=console_data.admin)  # fmt: skip
        assert response.status_code == 201, response.text
    await open_builder(page)
    await page.click(".fb-card[data-index='0'] > .fb-head [data-action=remove]")
    warning = page.locator("#fb-warn")
    await warning.wait_for()
    assert "species" in await warning.locator(".fb-warn-list").inner_text()
    assert await page.evaluate("document.activeElement.id") == "fb-warn-cancel"
    await check_screen(page, "form-builder-warning")
    await page.click("#fb-warn-cancel")
    await warning.wait_for(state="detached")
    assert await page.locator(".fb-card").count() == 2, "cancel keeps the question"
    assert await page.input_value("#fb-0-name") == "species"

    # A renamed key and a choice no longer offered are confirmed when saving.
    await page.fill("#fb-1-name", "etat")
    await page.click(".fb-choice[data-path='/fields/1/choices/1'] [data-action=remove]")
    await page.click("#fb-save")
    await warning.wait_for()
    listed = await warning.locator(".fb-warn-list").inner_text()
    assert all(word in listed for word in ("health", "etat", "poor")), listed
    await page.keyboard.press("Escape")
    await warning.wait_for(state="detached")
    assert await saved_fields(console_data) == [{**DEFAULTS, **f} for f in (species, health)]
    await page.click("#fb-save")
    await page.click("#fb-warn-confirm")
    await page.locator("#status", has_text=SAVED[await language(page)]).wait_for()
    saved = await saved_fields(console_data)
    assert [(f["name"], len(f["choices"] or [])) for f in saved] == [("species", 0), ("etat", 1)]

    await page.click(".fb-card[data-index='0'] > .fb-head [data-action=remove]")
    await page.click("#fb-warn-confirm")
    # The confirmation closes, then the card goes: wait for it rather than race the renderer.
    await page.wait_for_function(
        "document.querySelectorAll('.fb-card').length === 1", timeout=10_000
    )
    await page.click("#fb-save")
    await warning.wait_for(state="detached")
    await page.locator("#status", has_text=SAVED[await language(page)]).wait_for()
    assert [f["name"] for f in await saved_fields(console_data)] == ["etat"]


async def test_an_editor_gives_questions_logic_the_preview_follows_it(
    page: Page, console_data: Console
) -> None:
    lang = await language(page)
    await create_campaign(console_data)
    await open_builder(page)
    height = await add_question(page, "number", "hauteur", "Hauteur (m)", "Height (m)")
    await page.fill(f"#fb-{height}-constraint", ". < 50")
    await page.fill(f"#fb-{height}-constraint_message-fr", "Moins de 50 m.")
    await page.fill(f"#fb-{height}-constraint_message-en", "Under 50 m.")
    cause = await add_question(page, "text", "cause", "Cause", "Cause")
    await page.fill(f"#fb-{cause}-relevant", "${hauteur} > 10")
    size = await add_question(page, "calculate", "taille", "Taille", "Size")
    await page.fill(f"#fb-{size}-calculation", "if(${hauteur} > 20, 'grand', 'petit')")
    # The preview applies the logic: "cause" is asked once the height is over 10 m.
    preview_cause = page.locator(f"#fb-preview .field[data-name='preview_{cause}']")
    await preview_cause.wait_for(state="hidden")
    await page.fill(f"#f-preview_{height}", "12")
    await preview_cause.wait_for(state="visible")
    assert await page.locator(f"#fb-preview .field[data-name='preview_{size}']").is_hidden()
    await check_screen(page, "form-builder-logic")

    await page.fill(f"#fb-{cause}-relevant", "${hauter} > 10")
    await page.click("#fb-save")
    refused = page.locator(f".field[data-path='/fields/{cause}/relevant'] > .error")
    await refused.wait_for()
    assert "${hauter}" in await refused.inner_text()
    await page.fill(f"#fb-{cause}-relevant", "${hauteur} > 10")
    await page.click("#fb-save")
    await page.locator("#status", has_text=SAVED[lang]).wait_for()
    fields = await saved_fields(console_data)
    assert fields[height]["constraint"] == ". < 50"
    assert fields[height]["constraint_message"] == label("Moins de 50 m.", "Under 50 m.")
    assert fields[cause]["relevant"] == "${hauteur} > 10"
    assert fields[size]["type"] == "calculate"
    assert fields[size]["calculation"] == "if(${hauteur} > 20, 'grand', 'petit')"


async def test_photo_audio_geopoint_and_note_questions_with_counts(
    page: Page, console_data: Console
) -> None:
    trees: dict[str, Any] = {"name": "arbres", "type": "repeat", "label": label("Arbre", "Tree"), "min_count": 1,
             "fields": [{"name": "hauteur", "type": "number", "label": label("Hauteur", "Height")}]}  # fmt: skip
    await create_campaign(console_data, fields=[trees])
    await open_builder(page)
    photo = await add_question(page, "photo", "photo_tronc", "Photo du tronc", "Trunk photo")
    await page.fill(f"#fb-{photo}-min_count", "1")
    await page.fill(f"#fb-{photo}-max_count", "3")
    await add_question(page, "audio", "chant", "Chant", "Song")
    await add_question(page, "geopoint", "entree", "Entrée", "Entrance")
    await add_question(page, "note", "consigne", "Mesurez à 1,30 m", "Measure at 1.30 m")
    preview = page.locator("#fb-preview")
    await preview.locator("fieldset.media").first.wait_for()
    assert await preview.locator("fieldset.media").count() == 2
    assert await preview.locator("fieldset.geopoint, .field.note, fieldset.repeat").count() == 3
    await page.click("#fb-save")
    lang = await language(page)
    await page.locator("#status", has_text=SAVED[lang]).wait_for()
    saved = await saved_fields(console_data)
    assert [{**DEFAULTS, **child} for child in trees["fields"]] == saved[0]["fields"]  # kept
    assert saved[0]["min_count"] == 1
    assert saved[1]["type"] == "photo" and (saved[1]["min_count"], saved[1]["max_count"]) == (1, 3)
    assert [spec["type"] for spec in saved[2:]] == ["audio", "geopoint", "note"]


async def test_languages_the_builder_does_not_edit_are_kept_on_save(
    page: Page, console_data: Console
) -> None:
    """A form imported from an XLSForm in Occitan, Spanish and British English: the builder
    edits fr and en, and saving keeps every other language of labels, help, choices and
    constraint messages as it came (one of them with no French or English at all)."""
    many = {"fr": "Arbre", "en": "Tree", "oc": "Arbre", "es": "Árbol", "en-GB": "Tree (GB)"}
    state: dict[str, Any] = {
        "name": "etat", "type": "choice", "label": many, "help": {"oc": "Causa", "und": "?"},
        "constraint": ". != 'mort'", "constraint_message": {"fr": "Non", "es": "No", "oc": "Non"},
        "choices": [{"value": "sain", "label": {"fr": "Sain", "en": "Healthy", "oc": "San"}},
                    {"value": "mort", "label": {"und": "†"}}],
    }  # fmt: skip
    await create_campaign(console_data, fields=[state])
    await open_builder(page)
    await page.fill("#fb-0-label-fr", "Arbre suivi")
    await page.click("#fb-save")
    await page.locator("#status", has_text=SAVED[await language(page)]).wait_for()
    saved = (await saved_fields(console_data))[0]
    assert saved["label"] == {**many, "fr": "Arbre suivi"}
    assert saved["help"] == state["help"]
    assert saved["constraint_message"] == state["constraint_message"]
    assert saved["choices"] == state["choices"]
