"""The account pages in a real headless Chromium. The first-run page, in French: the form's fields are found by
their labels, a refusal is announced (role=alert) with the server's reason, and success shows
the next steps and takes the token out of the address bar. A reset link's page sets the new
password."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Browser

from app.auth import setup
from app.db.session import Database
from tests.accounts.support import SmtpServer
from tests.accounts.test_email_outbox import wait_for_mail
from tests.accounts.test_password_reset import NEW_PASSWORD
from tests.accounts.test_signup import sign_up
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


async def test_reset_link_opens_a_page_that_sets_the_new_password(
    browser: Browser,  # noqa: F811
    committed_db: Database,
    database_url: str,
    smtp: SmtpServer,
) -> None:
    settings = live_settings(
        database_url, smtp_host=smtp.host, smtp_port=smtp.port, email_worker=True
    )
    with serve(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            assert (await sign_up(http, "noa@example.org")).status_code == 201
            await http.post("/api/v1/auth/password-reset", json={"email": "noa@example.org"})
            link = wait_for_mail(smtp, "noa@example.org", "password")
            context = await browser.new_context(locale="en-GB")
            page = await context.new_page()
            await page.goto(link)
            await page.get_by_label("New password (at least 10 characters)").fill(NEW_PASSWORD)
            await page.get_by_role("button", name="Set the new password").click()
            await (
                page.get_by_role("status")
                .filter(has_text="password is changed")
                .wait_for(timeout=WAIT_MS)
            )
            await context.close()
            signed_in = await http.post(
                "/api/v1/auth/token", json={"username": "noa@example.org", "password": NEW_PASSWORD}
            )
            assert signed_in.status_code == 200
