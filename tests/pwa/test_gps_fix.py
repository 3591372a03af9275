"""Waiting for a good GPS fix: on a 360x740 phone the point follows the position as its
accuracy improves, the accuracy is said each time, the citizen may keep a fix before it is
good; a good one ends the wait by itself."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect

from tests.pwa.conftest import (
    TOULOUSE,
    Field,
    open_app,
    open_campaign,
    screenshot,
    start_without_account,
)


async def test_the_fix_improves_until_it_is_good(phone: BrowserContext, field_data: Field) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_campaign(page)
    await phone.set_geolocation({**TOULOUSE, "accuracy": 80})
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    where = page.locator("#where")
    await expect(where).to_contain_text("± 80 m")
    await expect(where).to_contain_text("La position s’affine")
    keep = page.get_by_role("button", name="Garder cette position")
    await expect(keep).to_be_visible()
    await screenshot(page, "gps-fix-waiting")
    # A better fix moves the point and says so; a worse one afterwards changes nothing.
    await phone.set_geolocation({"latitude": 43.60452, "longitude": 1.44421, "accuracy": 35})
    await expect(where).to_contain_text("± 35 m")
    await phone.set_geolocation({**TOULOUSE, "accuracy": 70})
    await page.wait_for_timeout(500)
    await expect(where).to_contain_text("± 35 m")
    # The citizen keeps it: no longer waiting.
    await keep.click()
    await expect(keep).to_have_count(0)
    await expect(where).not_to_contain_text("s’affine")
    # Asked again, a good fix ends the wait by itself.
    await page.click("button:has-text('Ma position')")
    await phone.set_geolocation({**TOULOUSE, "accuracy": 4})
    await expect(where).to_contain_text("± 4 m")
    await expect(where).not_to_contain_text("s’affine")
    await expect(keep).to_have_count(0)
