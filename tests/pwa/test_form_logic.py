"""The field app's form logic in a real Chromium: every row of the shared expression table
evaluated by pwa/logic.js (the server evaluates the same rows: tests/forms), and a form with
relevance, a constraint and a calculation."""

from __future__ import annotations

from typing import Any

from playwright.async_api import BrowserContext, Page, expect

from app.db.session import Database
from tests.factories import FIELDS
from tests.forms.test_expression_cases import CASES
from tests.pwa.conftest import (
    PHONE,
    SLUG,
    Field,
    eventually_stored,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)

EVALUATE_CASES = """async (cases) => {
  const logic = await import('/logic.js');
  return cases.map((c) => {
    const names = Object.keys(c.values);
    const paths = logic.fieldPaths(names.map((name) => ({ name, type: 'text' })));
    const doc = logic.buildInstance(c.values, names);
    return c.as === 'boolean'
      ? logic.condition(c.expression, doc, paths, c.current)
      : logic.value(c.expression, doc, paths, c.current);
  });
}"""


async def test_field_app_evaluator_agrees_with_every_row_of_the_table(
    browser: Any, live_server: str
) -> None:
    context = await browser.new_context()
    page: Page = await context.new_page()
    await page.goto(live_server + "/manifest.webmanifest")
    results = await page.evaluate(EVALUATE_CASES, CASES)
    await context.close()
    wrong = [
        (case["expression"], case["expected"], got)
        for case, got in zip(CASES, results, strict=True)
        if got != case["expected"]
    ]
    assert wrong == []


LOGIC_FIELDS: list[dict[str, Any]] = [
    *FIELDS[:2],
    {**FIELDS[1], "constraint": ". < 50",
     "constraint_message": {"fr": "Plus de 50 m ? Vérifiez la hauteur.",
                            "en": "Over 50 m? Check the height."}},
    {**FIELDS[2], "default": 1},
    *FIELDS[3:6],
    {"name": "cause", "type": "text", "label": {"fr": "Cause du mauvais état", "en": "Cause"},
     "relevant": "${health} = 'poor'", "required": True},
    {"name": "size", "type": "calculate", "label": {"fr": "Taille", "en": "Size"},
     "calculation": "if(${height_m} > 20, 'grand', 'petit')"},
]  # fmt: skip
del LOGIC_FIELDS[1]  # height_m, replaced by its version with a constraint


async def test_form_shows_fields_as_answers_make_them_relevant_and_checks_constraints(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    async with field_data.client() as client:
        response = await client.patch(
            f"/api/v1/campaigns/{SLUG}", json={"fields": LOGIC_FIELDS}, headers=field_data.owner
        )
        assert response.status_code == 200, response.text
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    cause = page.locator(".field[data-name='cause']")
    await expect(cause).to_be_hidden()
    await expect(page.locator("#f-trunks")).to_have_value("1")  # the default
    await page.fill("#f-species", "Quercus robur")
    await page.fill("#f-height_m", "60")
    await page.select_option("#f-health", "poor")
    await expect(cause).to_be_visible()
    await page.click("#send")
    height_error = page.locator("#f-height_m-error")
    await expect(height_error).to_have_text("Plus de 50 m ? Vérifiez la hauteur.")
    await expect(page.locator("#f-cause-error")).to_have_text("Ce champ est obligatoire.")
    await page.locator(".field[data-name='height_m']").scroll_into_view_if_needed()
    await screenshot(page, "form-logic-phone")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await screenshot(page, "form-logic-desktop")
    await page.set_viewport_size({"width": PHONE["width"], "height": PHONE["height"]})
    await page.fill("#f-height_m", "25")
    await page.select_option("#f-health", "good")  # cause is no longer asked: not sent
    await expect(cause).to_be_hidden()
    await page.click("#send")
    [stored] = await eventually_stored(committed_db, "Quercus robur")
    properties = stored["properties"]
    assert properties["height_m"] == 25 and properties["trunks"] == 1
    assert properties["size"] == "grand" and "cause" not in properties


ARBRES: list[dict[str, Any]] = [
    *FIELDS,
    {"name": "arbres", "type": "repeat", "label": {"fr": "Arbre", "en": "Tree"}, "min_count": 1,
     "fields": [
         {"name": "etat", "type": "choice", "label": {"fr": "État", "en": "State"},
          "choices": [{"value": "sain", "label": {"fr": "Sain", "en": "Healthy"}},
                      {"value": "malade", "label": {"fr": "Malade", "en": "Sick"}}]},
         {"name": "cause", "type": "text", "label": {"fr": "Cause", "en": "Cause"},
          "relevant": "${etat} = 'malade'", "required": True},
         {"name": "tour", "type": "number", "label": {"fr": "Tour (cm)", "en": "Girth (cm)"},
          "constraint": ". < 900", "constraint_message": {"fr": "Moins de 9 m.", "en": "Under 9 m."}},
         {"name": "rayon", "type": "calculate", "label": {"fr": "Rayon", "en": "Radius"},
          "calculation": "round(${tour} div 6.2832, 1)"},
         {"name": "essence", "type": "choice", "label": {"fr": "Essence", "en": "Species"},
          "choice_filter": "etat = ${etat} or etat = ''",
          "choices": [{"value": "tilleul", "label": {"fr": "Tilleul"}, "data": {"etat": ""}},
                      {"value": "gui", "label": {"fr": "Gui"}, "data": {"etat": "malade"}}]},
     ]},
]  # fmt: skip


async def test_a_repeat_child_is_shown_checked_and_computed_in_its_own_instance(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    async with field_data.client() as client:
        response = await client.patch(
            f"/api/v1/campaigns/{SLUG}", json={"fields": ARBRES}, headers=field_data.owner
        )
        assert response.status_code == 200, response.text
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await page.fill("#f-species", "Tilia tomentosa")
    await page.click("fieldset.repeat > button")
    causes = [page.locator(f".field[data-name='arbres__{i}__cause']") for i in (0, 1)]
    await expect(causes[0]).to_be_hidden()
    await page.select_option("#f-arbres__0__etat", "malade")
    await page.select_option("#f-arbres__1__etat", "sain")
    await expect(causes[0]).to_be_visible()
    await expect(causes[1]).to_be_hidden()
    # The choice filter reads each instance's own state: mistletoe only for the sick tree.
    await expect(page.locator("#f-arbres__0__essence option[value='gui']")).to_be_enabled()
    await expect(page.locator("#f-arbres__1__essence option[value='gui']")).to_be_disabled()
    await expect(page.locator("#f-arbres__1__essence option[value='tilleul']")).to_be_enabled()
    await page.fill("#f-arbres__0__tour", "950")
    await page.fill("#f-arbres__1__tour", "314,16")
    await page.click("#send")  # the sick tree's cause is asked, its girth too large
    await expect(page.locator("#f-arbres__0__cause-error")).to_have_text(
        "Ce champ est obligatoire."
    )
    await expect(page.locator("#f-arbres__0__tour-error")).to_have_text("Moins de 9 m.")
    await expect(page.locator("#f-arbres__1__tour-error")).to_be_hidden()
    await page.locator("fieldset.repeat").scroll_into_view_if_needed()
    await screenshot(page, "repeat-logic-phone")
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.locator("fieldset.repeat").scroll_into_view_if_needed()
    await screenshot(page, "repeat-logic-desktop")
    await page.set_viewport_size({"width": PHONE["width"], "height": PHONE["height"]})
    await page.fill("#f-arbres__0__cause", "chancre")
    await page.fill("#f-arbres__0__tour", "628,32")
    await page.click("#send")
    [stored] = await eventually_stored(committed_db, "Tilia tomentosa")
    assert stored["properties"]["arbres"] == [
        {"etat": "malade", "cause": "chancre", "tour": 628.32, "rayon": "100"},
        {"etat": "sain", "tour": 314.16, "rayon": "50"},
    ]
