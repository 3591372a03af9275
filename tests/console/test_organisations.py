"""Organisations in the console: an instance administrator creates one in the browser, sets the
defaults of its new campaigns, and manages its members' roles; an editor sees it read-only."""

from __future__ import annotations

from playwright.async_api import Page

from app.db.session import Database
from tests.console.conftest import ORGANISATION, Console, check_screen, on_screen, sign_in
from tests.factories import make_user


async def test_an_administrator_creates_an_organisation_and_manages_its_members(
    page: Page, console_data: Console, committed_db: Database
) -> None:
    await sign_in(page, "adrien")
    await on_screen(page, "home")
    await page.goto(console_data.url + "/console/#/organisations/new")
    await on_screen(page, "new-organisation")
    await check_screen(page, "new-organisation")
    await page.fill("#o-name", "Mairie de Muret")
    await page.fill("#o-slug", "Mairie de Muret")
    await page.click("form button[type=submit]")
    slug_error = page.locator(".field[data-path='/slug'] .error")
    await slug_error.wait_for()
    assert await page.locator("#o-slug").get_attribute("aria-invalid") == "true"
    await page.fill("#o-slug", "mairie-muret")
    await page.click("form button[type=submit]")
    await on_screen(page, "organisation")

    await page.select_option("#o-default_licence", "CC0-1.0")
    await page.fill("#o-default_attribution", "Ville de Muret")
    await page.click("#organisation-form button[type=submit]")
    async with console_data.client() as client:
        for _ in range(50):
            stored = (await client.get("/api/v1/organisations/mairie-muret")).json()
            if stored["default_licence"] == "CC0-1.0":
                break
            await page.wait_for_timeout(100)
    assert (stored["default_licence"], stored["default_attribution"]) == (
        "CC0-1.0",
        "Ville de Muret",
    )

    nadia, _ = await make_user(committed_db, "nadia")
    async with console_data.client() as client:
        response = await client.put(f"/api/v1/organisations/mairie-muret/members/{nadia.id}",
                                    json={"role": "editor"}, headers=console_data.admin)  # fmt: skip
        assert response.status_code == 200, response.text
    await page.reload()
    await on_screen(page, "organisation")
    row = page.locator(f"tr[data-user='{nadia.id}']")
    await row.wait_for()
    await check_screen(page, "organisation")
    await row.locator("select").select_option("admin")
    await page.locator(f"tr[data-user='{nadia.id}'] select").wait_for()

    async def role() -> str | None:
        async with console_data.client() as client:
            response = await client.get("/api/v1/organisations/mairie-muret/members",
                                        headers=console_data.admin)  # fmt: skip
        roles = {m["user_id"]: m["role"] for m in response.json()["members"]}
        return roles.get(str(nadia.id))

    for _ in range(50):
        if await role() == "admin":
            break
        await page.wait_for_timeout(100)
    assert await role() == "admin"
    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator(f"tr[data-user='{nadia.id}'] button.danger").click()
    await page.locator(f"tr[data-user='{nadia.id}']").wait_for(state="detached")
    assert await role() is None


async def test_an_editor_sees_her_organisation_read_only(page: Page, console_data: Console) -> None:
    await sign_in(page, console_data.editor_name)
    await on_screen(page, "home")
    await page.goto(f"{console_data.url}/console/#/organisations/{ORGANISATION}")
    await on_screen(page, "organisation")
    assert await page.locator("#o-name").is_disabled()
    assert await page.locator("#organisation-form button[type=submit]").count() == 0
    assert await page.locator("#org-members select").count() == 0
    rows = await page.locator("#org-members tbody th").all_inner_texts()
    assert "edith" in rows and len(rows) == 2, rows  # she and the administrator who created it
