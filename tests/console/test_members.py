"""The members section and the invitation link, in a real browser against a live server with
its own e-mail worker and a real SMTP server: an owner invites a validator, the e-mail's link
opens the console signed out, the invitee creates an account, accepts and sees the campaign;
the owner then sees the new member, changes their role and revokes another invitation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from app.db.session import Database
from tests.accounts.conftest import smtp as smtp
from tests.accounts.support import SmtpServer
from tests.accounts.test_email_outbox import wait_for_mail
from tests.console.conftest import (
    LAPTOP,
    ORGANISATION,
    TIMEOUT_MS,
    Console,
    check_screen,
    on_screen,
    sign_in,
)
from tests.factories import campaign_body
from tests.live import live_settings, serve

SLUG = "bancs-gaillac"
TITLE = "Bancs de Gaillac"
TEXTS = {
    "fr": {"validator": "Valideur", "welcome": "Invitation acceptée", "lead": "avec le rôle « valideur »"},
    "en": {"validator": "Validator", "welcome": "Invitation accepted", "lead": "as validator"},
}  # fmt: skip


@pytest.fixture
def app_url(database_url: str, committed_db: Database, smtp: SmtpServer) -> Iterator[str]:
    """The live server sends its e-mails (its own worker) to the test's SMTP server."""
    settings = live_settings(
        database_url, smtp_host=smtp.host, smtp_port=smtp.port, email_worker=True
    )
    with serve(settings) as url:
        yield url


async def owner_campaign(data: Console) -> dict[str, str]:
    """The editor's token, after creating the draft campaign they own."""
    async with data.client() as client:
        signed_in = await client.post(
            "/api/v1/auth/token", json={"username": data.editor_name, "password": "secret"}
        )
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        body = campaign_body(SLUG, title=TITLE, status="draft", organisation=ORGANISATION)
        created = await client.post("/api/v1/campaigns", json=body, headers=headers)
        assert created.status_code == 201, created.text
    return headers


async def members(data: Console, headers: dict[str, str]) -> dict[str, Any]:
    async with data.client() as client:
        response = await client.get(f"/api/v1/campaigns/{SLUG}/members", headers=headers)
        assert response.status_code == 200, response.text
        return {m["display_name"]: m["role"] for m in response.json()["members"]}


async def invite(page: Page, email: str) -> None:
    await page.fill("#invite-email", email)
    await page.select_option("#invite-role", "validator")
    await page.click("#invite-form button[type=submit]")
    await page.locator(f"#invitations-list tr:has-text('{email}')").wait_for()


async def test_an_owner_invites_a_validator_who_signs_up_through_the_link(
    page: Page, browser: Browser, console_data: Console, smtp: SmtpServer
) -> None:
    lang = str(await page.evaluate("document.documentElement.lang"))
    texts = TEXTS[lang]
    owner = await owner_campaign(console_data)
    await sign_in(page, console_data.editor_name)
    await on_screen(page, "home")
    await page.goto(f"{console_data.url}/console/#/campaigns/{SLUG}/members")
    await on_screen(page, "members")
    assert TITLE in await page.locator("h1").inner_text()
    await invite(page, "vera@example.org")
    row = page.locator("#invitations-list tr:has-text('vera@example.org')")
    assert texts["validator"] in await row.inner_text()
    await check_screen(page, "members")

    link = wait_for_mail(smtp, "vera@example.org", "invit")
    assert link.startswith(f"{console_data.url}/console/#/invitation/")
    locale = "fr-FR" if lang == "fr" else "en-GB"
    context = await browser.new_context(viewport=LAPTOP, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    invitee = await context.new_page()
    await invitee.goto(link)
    await on_screen(invitee, "invitation")
    lead = await invitee.locator(".lead").inner_text()
    assert TITLE in lead and texts["lead"] in lead
    assert await invitee.input_value("#invite-email") == "vera@example.org"
    await check_screen(invitee, "invitation")
    await invitee.fill("#invite-name", "Vera")
    await invitee.fill("#invite-password", "short")
    await invitee.click("#invite-signup button[type=submit]")
    error = invitee.locator("#invite-signup .field[data-path='/password'] .error")
    await error.wait_for()
    assert "10" in await error.inner_text()  # the refusal, next to its field
    await invitee.fill("#invite-password", "correct horse battery")
    await invitee.click("#invite-signup button[type=submit]")
    await invitee.locator("#accept-form").wait_for()
    await invitee.click("#accept-form button[type=submit]")
    await on_screen(invitee, "editor")
    assert TITLE in await invitee.locator("h1").inner_text()
    await invitee.locator("#status").filter(has_text=texts["welcome"]).wait_for()
    await context.close()
    assert (await members(console_data, owner))["Vera"] == "validator"

    # The owner sees the new member, makes them a contributor, and revokes another invitation.
    await page.reload()
    await on_screen(page, "members")
    vera = page.locator("#members-list tr:has-text('Vera')")
    await vera.locator("select").select_option("contributor")
    await vera.locator("button.change-role").click()
    await page.wait_for_function("document.querySelector('#status').textContent.includes('Vera')")
    assert (await members(console_data, owner))["Vera"] == "contributor"
    assert await page.locator("#invitations-list tr").count() == 0
    await invite(page, "marc@example.org")
    await page.locator("#invitations-list tr:has-text('marc@example.org') button.revoke").click()
    await page.locator("#invitations-list tr:has-text('marc@example.org')").wait_for(
        state="detached"
    )
    async with console_data.client() as client:
        pending = await client.get(f"/api/v1/campaigns/{SLUG}/invitations", headers=owner)
        assert pending.json() == {"invitations": []}


async def test_a_bad_link_says_why_it_cannot_be_accepted(page: Page, console_data: Console) -> None:
    lang = str(await page.evaluate("document.documentElement.lang"))
    await page.goto(f"{console_data.url}/console/#/invitation/not-a-real-token")
    await on_screen(page, "invitation")
    alert = await page.locator(".form-alert").inner_text()
    assert ("demandez à la personne" if lang == "fr" else "ask the person") in alert
    async with httpx.AsyncClient(base_url=console_data.url, timeout=10) as client:
        preview = await client.post("/api/v1/invitations/preview", json={"token": "x"})
        assert preview.status_code == 410
