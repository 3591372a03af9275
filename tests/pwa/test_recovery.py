"""A device account's recovery code in the field app (real Chromium, phone screens): phone A
starts without an account, contributes, makes a code (copy, print), replaces it; phone B, a
second browser, restores the account with the code and sees A's contribution and its
timeline; what A had not sent yet stays in A's outbox and goes from there. Then a device
account adds an e-mail address and a password from the settings."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.async_api import BrowserContext, Page, expect

from app.db.session import Database
from tests.console.conftest import serious_violations
from tests.pwa.conftest import (
    PHONE,
    SLUG,
    TOULOUSE,
    Field,
    eventually_stored,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)

STORED_SESSION = "import('/idb.js').then((m) => m.settings.get('session'))"
CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}$")
SYNCED = 20_000
# No print dialog headless: the page's print() only notes what would be printed.
FAKE_PRINT = "window.print = () => { window.printedCode = document.body.classList.contains('print-recovery') }"
SHOW_CODE = "document.getElementById('recovery-code-value').scrollIntoView({block: 'center'})"


async def capture(page: Page, species: str) -> None:
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("précision ± 8 m")
    await page.fill("#f-species", species)
    await page.click("#send")


async def make_code(page: Page, previous: str = "") -> str:
    await page.click("#recovery-make")
    value = page.locator("#recovery-code-value")
    await expect(value).to_have_text(CODE)
    await expect(value).not_to_have_text(previous)
    return (await value.text_content() or "").strip()


async def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious violations in the view."""
    return await serious_violations(page)


async def desktop_screenshot(page: Page, name: str) -> None:
    await page.set_viewport_size({"width": 1280, "height": 800})
    await screenshot(page, f"{name}-desktop")
    await page.set_viewport_size(PHONE)


async def test_a_second_phone_restores_the_account_with_its_recovery_code(
    phone: BrowserContext, browser: Any, field_data: Field, committed_db: Database
) -> None:
    a = await open_app(phone, field_data.url)
    await start_without_account(a)
    await open_campaign(a)
    await capture(a, "Quercus ilex")
    [sent] = await eventually_stored(committed_db, "Quercus ilex")
    await expect(a.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
    async with field_data.client() as client:  # a validator's vote: an entry on its timeline
        vote = await client.post(f"/api/v1/observations/{sent['id']}/reviews",
                                 json={"vote": "agree"}, headers=field_data.validator)  # fmt: skip
        assert vote.is_success, vote.text
    await phone.set_offline(True)  # this one stays in A's outbox for now
    await open_campaign_again(a)
    await capture(a, "Pinus pinea")
    await expect(a.locator("#outbox-count")).to_have_text("1")
    await phone.route(f"**/api/v1/campaigns/{SLUG}/observations", lambda route: route.abort())
    await phone.set_offline(False)

    await a.click("a[data-section=settings]")
    await expect(a.locator("#recovery-state")).to_have_text("Aucun code pour l’instant.")
    first = await make_code(a)
    await phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=field_data.url)
    await a.click("#recovery-copy")
    assert await a.evaluate("navigator.clipboard.readText()") == first
    await a.evaluate(FAKE_PRINT)
    await a.click("#recovery-print")
    assert await a.evaluate("window.printedCode") is True
    await a.evaluate(SHOW_CODE)
    assert await violations(a) == []
    await screenshot(a, "recovery-code")
    await desktop_screenshot(a, "recovery-code")
    await a.emulate_media(media="print")
    await a.evaluate("document.body.classList.add('print-recovery')")
    await expect(a.locator(".tabs")).to_be_hidden()
    await expect(a.locator("#recovery-code-value")).to_be_visible()
    await expect(a.locator("#recovery-copy")).to_be_hidden()
    await screenshot(a, "recovery-print")
    await a.evaluate("document.body.classList.remove('print-recovery')")
    await a.emulate_media(media="screen")

    a.once("dialog", lambda dialog: dialog.accept())  # "the current code will stop working"
    await expect(a.locator("#recovery-make")).to_have_text("Remplacer le code")
    code = await make_code(a, first)
    assert code != first
    await expect(a.locator("#recovery-state")).to_contain_text("Un code a été créé le")

    b_phone = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR",
        geolocation=TOULOUSE, permissions=["geolocation"],
    )  # fmt: skip
    try:
        b = await open_app(b_phone, field_data.url)
        await b.click("#recover summary")
        await b.fill("#recovery-input", first)  # the replaced code
        await b.click("#recover-submit")
        await expect(b.locator("#recover-error")).to_contain_text("n'ouvre aucun compte")
        await expect(b.locator("#recovery-input")).to_have_attribute("aria-invalid", "true")
        assert await violations(b) == []
        await screenshot(b, "recover-wrong")
        await desktop_screenshot(b, "recover-wrong")
        await b.fill("#recovery-input", code.lower().replace("-", " "))
        await b.click("#recover-submit")
        await b.wait_for_selector("#campaign-list .card")
        session_a = await a.evaluate(STORED_SESSION)
        session_b = await b.evaluate(STORED_SESSION)
        assert session_b["user"]["id"] == session_a["user"]["id"]
        assert session_b["token"] != session_a["token"]

        await b.click("a[data-section=mine]")
        card = b.locator(f"#sent-list a.card[data-id='{sent['id']}']")
        await expect(card).to_contain_text("Quercus ilex")
        await expect(b.locator("#sent-list a.card")).to_have_count(1)  # Pinus is still on A
        await expect(b.locator("#outbox-list")).to_be_hidden()
        await screenshot(b, "restored-mine")
        await desktop_screenshot(b, "restored-mine")
        await card.click()
        await expect(b.locator(".timeline .event")).not_to_have_count(0)
        await expect(b.locator(".timeline")).to_contain_text("valentin")
        await screenshot(b, "restored-timeline")

        # A's unsent capture stayed in A's outbox, and goes from A, under the same account.
        await phone.unroute(f"**/api/v1/campaigns/{SLUG}/observations")
        await a.evaluate("window.dispatchEvent(new Event('online'))")
        await eventually_stored(committed_db, "Pinus pinea")
        await expect(a.locator("#outbox-count")).to_have_text("0", timeout=SYNCED)
        await b.click("text=← Retour")
        await expect(b.locator("#sent-list a.card")).to_have_count(2)
    finally:
        await b_phone.close()


async def open_campaign_again(page: Page) -> None:
    await page.click("a[data-section=campaigns]")
    await page.wait_for_selector("#campaign-list .card")
    await open_campaign(page)


async def test_a_device_account_adds_an_e_mail_and_a_password(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await page.click("a[data-section=settings]")
    await page.click("details.credentials summary")
    await page.fill("#credentials-email", "mesange@example.org")
    await page.fill("#credentials-password", "court")
    await page.click("#credentials-submit")  # the browser's own check first: minlength 10
    assert await page.evaluate("document.getElementById('credentials-password').validity.tooShort")
    await page.fill("#credentials-password", "une phrase assez longue")
    await page.click("#credentials-submit")
    await expect(page.locator("#account-email")).to_contain_text("mesange@example.org")
    await expect(page.locator("#recovery")).to_have_count(0)  # no recovery code any more
    assert await violations(page) == []
    await screenshot(page, "credentials-done")
    await desktop_screenshot(page, "credentials-done")
    login = {"username": "mesange@example.org", "password": "une phrase assez longue"}
    async with httpx.AsyncClient(base_url=field_data.url, timeout=10) as client:
        response = await client.post("/api/v1/auth/session", json=login)
    stored = await page.evaluate(STORED_SESSION)
    assert response.status_code == 200 and response.json()["user"]["id"] == stored["user"]["id"]
    assert stored["user"]["is_device"] is False


async def test_a_mistyped_code_is_explained_in_english(browser: Any, field_data: Field) -> None:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                        locale="en-GB")  # fmt: skip
    try:
        page = await open_app(context, field_data.url)
        await page.click("#recover summary")
        await expect(page.locator("#recover-form")).to_contain_text("What stays on the old phone")
        await page.fill("#recovery-input", "K7QM-3HXR-OOOO")
        await page.click("#recover-submit")
        error = page.locator("#recover-error")
        await expect(error).to_contain_text("A recovery code has 20 letters and digits")
        await expect(error).to_contain_text("no 0, 1, I or O")
        assert await violations(page) == []
        await screenshot(page, "recover-format-en")
    finally:
        await context.close()
