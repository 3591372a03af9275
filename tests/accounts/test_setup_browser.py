"""The first-run page in a real headless Chromium, in French: the form's fields are found by
their labels, a refusal is announced (role=alert) with the server's reason, and success shows
the next steps and takes the token out of the address bar."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser

from app.auth import setup
from app.db.session import Database
from tests.embed.conftest import browser  # noqa: F401 - the headless Chromium fixture
from tests.live import live_settings, serve

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WAIT_MS = 15_000


async def test_setup_page_creates_the_administrator_in_the_browser(
    browser: Browser,  # noqa: F811
    committed_db: Database,
    database_url: str,
) -> None:
    async with committed_db.session() as session:
        token = await setup.issue_setup_token(session)
        await session.commit()
    with serve(live_settings(database_url, email_worker=False)) as base_url:
        context = await browser.new_context(locale="fr-FR")
        page = await context.new_page()
        response = await page.goto(f"{base_url}/setup#token={token}")
        assert response is not None and response.status == 200
        assert "token" not in page.url
        await page.get_by_label("Nom d'utilisateur").fill("mairie")
        await page.get_by_label("Adresse électronique").fill("sig@mairie.fr")
        await page.get_by_label("Mot de passe (10 caractères au moins)").fill("court")
        await page.get_by_role("button", name="Créer l'administrateur").click()
        alert = page.get_by_role("alert")
        await alert.wait_for(timeout=WAIT_MS)
        assert "10 caractères" in await alert.inner_text()

        await page.get_by_label("Mot de passe (10 caractères au moins)").fill("une longue phrase")
        await page.get_by_role("button", name="Créer l'administrateur").click()
        done = page.get_by_role("status").filter(has_text="C'est fait")
        await done.wait_for(timeout=WAIT_MS)
        assert not await page.locator("#setup").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=ARTIFACTS / "setup-fr-done.png")
        await context.close()
    async with committed_db.session() as session:
        assert await setup.admin_exists(session)
