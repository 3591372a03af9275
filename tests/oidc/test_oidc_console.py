"""The console's sign-in through the identity provider, in a real headless Chromium: the
button, the provider's pages, and back to the console signed in; a failure said in the form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, Route

from tests.console.conftest import AXE, LAPTOP, TIMEOUT_MS, check_screen, on_screen
from tests.embed.conftest import browser as browser
from tests.oidc.conftest import OidcSetup
from tests.pwa.conftest import until_the_server_is_quiet

LABEL = {
    "fr": "Se connecter avec Agents publics (test)",
    "en": "Sign in with Agents publics (test)",
}


@pytest.fixture(params=["fr-FR", "en-GB"])
async def page(
    request: Any, browser: Browser, oidc: OidcSetup, committed_db: Any
) -> AsyncIterator[Page]:
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is missing: run `make setup`")
    context = await browser.new_context(viewport=LAPTOP, locale=request.param)
    context.set_default_timeout(TIMEOUT_MS)

    async def offline(route: Route) -> None:  # the provider's dev pages import a web font
        await route.abort()

    await context.route("https://**/*", offline)
    page = await context.new_page()
    yield page
    await context.close()
    await until_the_server_is_quiet(committed_db)


async def test_the_console_signs_in_through_the_provider(page: Page, oidc: OidcSetup) -> None:
    await page.goto(oidc.app_url + "/console/")
    await page.wait_for_selector("body[data-ready]")
    await on_screen(page, "signin")
    language = await page.evaluate("document.documentElement.lang")
    button = page.locator("a[data-oidc]")
    assert (await button.inner_text()).strip() == LABEL[language]
    await check_screen(page, "signin-oidc")
    await button.click()
    await page.fill("input[name=login]", "zoe")
    await page.fill("input[name=password]", "any")
    await page.click("button[type=submit]")
    await page.click("button[type=submit]")  # the provider's consent page
    await on_screen(page, "home")
    assert page.url.startswith(oidc.app_url + "/console/")
    assert "Agent zoe" in await page.inner_text("h1")


async def test_a_failed_sign_in_is_said_on_the_sign_in_screen(page: Page, oidc: OidcSetup) -> None:
    await page.goto(oidc.app_url + "/console/")
    await page.wait_for_selector("body[data-ready]")
    await page.click("a[data-oidc]")
    await page.click("a[href$='/abort']")  # "Cancel" at the provider
    await on_screen(page, "signin")
    alert = page.locator(".form-alert")
    await alert.wait_for(state="visible")
    language = await page.evaluate("document.documentElement.lang")
    expected = {"fr": "annulée ou refusée", "en": "cancelled or refused"}[language]
    assert expected in await alert.inner_text()
    assert "oidc_error" not in page.url
    await check_screen(page, "signin-oidc-error")
