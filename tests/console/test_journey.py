"""From an empty instance to open data, with nothing but a browser.

The setup link (what `releve serve` prints) creates the administrator; the administrator signs
in to the console, creates an organisation and invites its future administrator by e-mail (the
link read from a real SMTP server); she creates her account through the link, creates a
campaign, draws its area on the map, builds a five-question form in French and English, uploads
a reference layer, adds a rule checked by a dry run and opens the campaign; a citizen on a
phone contributes through the field app; the campaign's dashboard counts the contribution and
the open data carries it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import shapely
from playwright.async_api import Browser, BrowserContext, Page

from app.auth import setup
from app.db.session import Database
from tests.accounts.conftest import smtp as smtp
from tests.accounts.support import SmtpServer
from tests.accounts.test_email_outbox import wait_for_mail
from tests.console.conftest import LAPTOP, TIMEOUT_MS, check_screen, on_screen, sign_in
from tests.console.test_form_builder import add_choices, add_question, choices
from tests.live import live_settings, serve
from tests.pwa.conftest import (
    PHONE,
    TOULOUSE,
    open_app,
    open_campaign,
    start_without_account,
    until_the_server_is_quiet,
)

ORGANISATION = "mairie-toulouse"
SLUG = "bancs-toulouse"
TITLE = "Bancs publics de Toulouse"
OWNER_EMAIL = "sig@mairie-toulouse.fr"
POINTS = "observations/ign_geodesie_points_31.geojson"


@pytest.fixture
def app_url(database_url: str, committed_db: Database, smtp: SmtpServer) -> Iterator[str]:
    """A live server with its own e-mail worker, sending to the test's SMTP server."""
    settings = live_settings(
        database_url, smtp_host=smtp.host, smtp_port=smtp.port, email_worker=True
    )
    with serve(settings) as url:
        yield url


@pytest.fixture
async def laptop(browser: Browser, app_url: str, committed_db: Database) -> Any:
    """Opens fresh laptop browsers in French; all are closed before the data is emptied."""
    contexts: list[BrowserContext] = []

    async def open_page(path: str) -> Page:
        context = await browser.new_context(viewport=LAPTOP, locale="fr-FR")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()
        await page.goto(app_url + path)
        return page

    yield open_page
    for context in contexts:
        await context.close()
    await until_the_server_is_quiet(committed_db)


async def api(app_url: str, path: str) -> Any:
    async with httpx.AsyncClient(base_url=app_url, timeout=10) as client:
        response = await client.get(path if path.startswith("/ogc") else f"/api/v1{path}")
        assert response.status_code == 200, response.text
        return response.json()


async def first_administrator(committed_db: Database, laptop: Any) -> None:
    async with committed_db.session() as session:
        assert not await setup.admin_exists(session), "an empty instance"
        token = await setup.issue_setup_token(session)
        await session.commit()
    page = await laptop(f"/setup#token={token}")
    await page.get_by_label("Nom d'utilisateur").fill("admin")
    await page.get_by_label("Adresse électronique").fill("admin@releve.example")
    await page.get_by_label("Mot de passe (10 caractères au moins)").fill("une longue phrase")
    await page.get_by_role("button", name="Créer l'administrateur").click()
    await page.get_by_role("status").filter(has_text="C'est fait").wait_for()


async def organisation_and_invitation(laptop: Any, smtp: SmtpServer) -> str:
    page = await laptop("/console/")
    await page.wait_for_selector("body[data-ready]")
    await sign_in(page, "admin", "une longue phrase")
    await on_screen(page, "home")
    await page.click("#new-organisation")
    await on_screen(page, "new-organisation")
    await page.fill("#o-name", "Mairie de Toulouse")
    await page.fill("#o-slug", ORGANISATION)
    await page.click("form button[type=submit]")
    await on_screen(page, "organisation")
    await page.fill("#invite-email", OWNER_EMAIL)
    await page.select_option("#invite-role", "admin")
    await page.click("#invite-form button[type=submit]")
    await page.locator(f"#invitations-list tr:has-text('{OWNER_EMAIL}')").wait_for()
    await check_screen(page, "journey-organisation")
    return wait_for_mail(smtp, OWNER_EMAIL)


async def owner_accepts(laptop: Any, link: str) -> Page:
    page = await laptop(link[link.index("/console/") :])
    await page.wait_for_selector("body[data-ready]")
    await page.fill("#invite-name", "Service SIG")
    await page.fill("#invite-password", "correct horse battery")
    await page.click("#invite-signup button[type=submit]")
    await page.locator("#accept-form").wait_for()
    await page.click("#accept-form button[type=submit]")
    await on_screen(page, "home")
    assert await page.locator(f".org[data-organisation='{ORGANISATION}']").count() == 1
    return page


async def new_campaign(page: Page) -> None:
    await page.click("#new-campaign")
    await on_screen(page, "new")
    assert await page.locator("#new-organisation").input_value() == ORGANISATION
    await page.fill("#new-title", TITLE)
    await page.fill("#new-slug", SLUG)
    await page.click("form button[type=submit]")
    await on_screen(page, "editor")


async def draw_area(page: Page) -> None:
    """A rectangle over most of the map, which opens on metropolitan France."""
    await page.click("nav.tabs a[data-section=area]")
    await on_screen(page, "area")
    await page.wait_for_selector("#area-map[data-ready]")
    await page.locator("#area-map").scroll_into_view_if_needed()
    box = await page.locator("#area-map canvas").bounding_box()
    assert box is not None
    # Within the window (the map may run below it), zoomed out a little with the wheel.
    height = min(box["height"], LAPTOP["height"] - box["y"])
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + height / 2)
    await page.mouse.wheel(0, 400)
    await page.wait_for_timeout(800)
    await page.click("#area-draw-start")
    left, top = box["x"] + box["width"] * 0.1, box["y"] + height * 0.1
    right, bottom = box["x"] + box["width"] * 0.9, box["y"] + height * 0.9
    corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
    for x, y in corners:
        await page.mouse.click(x, y)
        await page.wait_for_timeout(150)  # Terra Draw tells a click from a double click
    await page.mouse.click(*corners[0])
    await page.locator("[data-fact=vertices] dd", has_text="4").wait_for()
    await page.click("#area-save")
    await page.locator("#area-state", has_text="Zone enregistrée").wait_for()


async def build_form(page: Page) -> None:
    await page.click("nav.tabs a[data-section=form]")
    await on_screen(page, "form")
    text = await add_question(page, "text", "espece", "Essence du bois", "Wood")
    await page.check(f"#fb-{text}-required")
    number = await add_question(page, "number", "longueur_m", "Longueur (m)", "Length (m)")
    await page.fill(f"#fb-{number}-maximum", "12")
    state = await add_question(page, "choice", "etat", "État", "Condition")
    await add_choices(page, state, choices(("bon", "Bon", "Good"), ("casse", "Cassé", "Broken")))
    uses = await add_question(page, "multiple", "usages", "Usages", "Uses")
    await add_choices(page, uses, choices(("repos", "Repos", "Rest"), ("ombre", "Ombre", "Shade")))
    await add_question(page, "boolean", "ombrage", "Ombragé", "Shaded")
    await page.click("#fb-save")
    await page.locator("#status", has_text="Formulaire enregistré.").wait_for()


async def upload_layer(page: Page, shared_data: Path) -> None:
    await page.click("nav.tabs a[data-section=layers]")
    await on_screen(page, "layers")
    await page.set_input_files("#layer-file", str(shared_data / POINTS))
    await page.fill("#layer-slug", "reperes-31")
    await page.fill("#layer-title", "Repères géodésiques")
    await page.click("#layer-form button[type=submit]")
    await page.locator(".import-report").wait_for()
    await page.locator("tr[data-layer=reperes-31]").wait_for()


async def rule_with_dry_run(page: Page) -> str:
    await page.click("nav.tabs a[data-section=rules]")
    await on_screen(page, "rules")
    await page.select_option("#rules-add-kind", "near")
    await page.click("#rules-add")
    await page.fill("#r0-name", "loin-des-reperes")
    assert await page.input_value("#r0-layer") == "reperes-31"
    await page.fill("#r0-max_distance_m", "5000")
    await page.fill("#r0-message-fr", "À plus de 5 km d’un repère géodésique")
    await page.fill("#r0-message-en", "More than 5 km from a survey point")
    await page.click("#rules-try")
    await page.wait_for_selector("#rules-trial[data-ready]")
    summary = await page.locator("#trial-summary").inner_text()
    await page.click("#rules-save")
    await page.wait_for_function("document.querySelector('#status').textContent.trim() !== ''")
    return summary


async def open_the_campaign(page: Page) -> None:
    await page.click("nav.tabs a[data-section=settings]")
    await on_screen(page, "editor")
    await page.select_option("#c-status", "open")
    await page.click("#campaign-form button[type=submit]")
    await page.locator("#figures", has_text="Ouverte").wait_for()


async def citizen_contributes(browser: Browser, app_url: str) -> None:
    phone = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR",
        geolocation=TOULOUSE, permissions=["geolocation"],
    )  # fmt: skip
    try:
        page = await open_app(phone, app_url)
        await start_without_account(page)
        await open_campaign(page, TITLE)
        await page.click("text=Ajouter un point")
        await page.click("button:has-text('Ma position')")
        await page.locator("#where", has_text="précision").wait_for(timeout=TIMEOUT_MS)
        await page.fill("#f-espece", "Chêne")
        await page.click("#send")
        await page.locator("#panel h1", has_text=TITLE).wait_for(timeout=TIMEOUT_MS)
        for _ in range(100):
            if (await api(app_url, f"/campaigns/{SLUG}"))["observation_count"]:
                break
            await page.wait_for_timeout(100)
    finally:
        await phone.close()


async def test_from_an_empty_instance_to_open_data_in_a_browser(
    browser: Browser,
    app_url: str,
    committed_db: Database,
    smtp: SmtpServer,
    laptop: Any,
    shared_data: Path,
) -> None:
    await first_administrator(committed_db, laptop)
    link = await organisation_and_invitation(laptop, smtp)
    owner = await owner_accepts(laptop, link)
    await new_campaign(owner)
    await draw_area(owner)
    await build_form(owner)
    await upload_layer(owner, shared_data)
    assert "0" in await rule_with_dry_run(owner), "no observation yet: nothing flagged"
    await open_the_campaign(owner)

    campaign = await api(app_url, f"/campaigns/{SLUG}")
    assert campaign["organisation"] == ORGANISATION and campaign["accepting_contributions"]
    assert [f["name"] for f in campaign["fields"]] == [
        "espece", "longueur_m", "etat", "usages", "ombrage",
    ]  # fmt: skip
    assert all(set(f["label"]) == {"fr", "en"} for f in campaign["fields"])
    area = shapely.geometry.shape(campaign["area"])
    assert area.contains(shapely.Point(TOULOUSE["longitude"], TOULOUSE["latitude"]))

    await citizen_contributes(browser, app_url)

    await owner.click("nav.tabs a[data-section=dashboard]")
    await on_screen(owner, "dashboard")
    await owner.locator("[data-total=contributions] dd", has_text="1").wait_for()
    await check_screen(owner, "journey-dashboard")
    # Open data: the contribution is in the OGC API collection, with its answer.
    items = await api(app_url, f"/ogc/collections/{SLUG}/items")
    assert [f["properties"]["espece"] for f in items["features"]] == ["Chêne"]
