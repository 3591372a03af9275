"""Drafts survive leaving the capture screen: a citizen half-way through a capture taps
another tab, comes back, and finds the point and the answers again; "start afresh" drops them,
and a sent capture leaves no draft behind."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect

from tests.pwa.conftest import Field, open_app, open_campaign, screenshot, start_without_account


async def test_a_capture_left_half_way_is_taken_up_again(
    phone: BrowserContext, field_data: Field
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("± 8 m")
    await page.fill("#f-species", "Quercus ilex")
    await page.click(".tabs a[data-section=mine]")  # away, without sending
    await expect(page.locator("#view h1")).to_be_visible()
    await page.click(".tabs a[data-section=campaigns]")
    await page.click("#campaign-list .card:has-text('Arbres de Toulouse')")
    await page.click("text=Ajouter un point")
    await expect(page.locator("#draft-kept")).to_contain_text("Brouillon repris")
    await expect(page.locator("#f-species")).to_have_value("Quercus ilex")
    await expect(page.locator("#where")).to_contain_text("± 8 m")
    await screenshot(page, "capture-draft-kept")
    # Start afresh: nothing kept.
    await page.get_by_role("button", name="Recommencer à zéro").click()
    await expect(page.locator("#draft-kept")).to_have_count(0)
    await expect(page.locator("#f-species")).to_have_value("")
    await expect(page.locator("#where")).to_have_text("")
    # Cancelled: nothing kept either.
    await page.fill("#f-species", "Tilia")
    await page.click("text=Annuler")
    await page.click("text=Ajouter un point")
    await expect(page.locator("#f-species")).to_have_value("")
    await expect(page.locator("#draft-kept")).to_have_count(0)
