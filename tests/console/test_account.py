"""My account in the console, in French and in English: the display name changed, an e-mail
change asked for (with the password), and my sessions and tokens: another token revoked
stops working at once; revoking this browser's session signs it out."""

from __future__ import annotations

from playwright.async_api import Page

from tests.console.conftest import Console, check_screen, on_screen, sign_in

TEXTS = {
    "fr": {"saved": "Profil enregistré.", "logged": "journal du serveur", "revoked": "est révoqué"},
    "en": {"saved": "Profile saved.", "logged": "server log", "revoked": "is revoked"},
}


async def test_my_account_sessions_and_tokens(page: Page, console_data: Console) -> None:
    texts = TEXTS[str(await page.evaluate("document.documentElement.lang"))]
    async with console_data.client() as client:
        signed = await client.post(
            "/api/v1/auth/token", json={"username": "edith", "password": "secret"}
        )
        assert signed.status_code in (200, 201), signed.text
        bearer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        listed = (await client.get("/api/v1/me/tokens", headers=bearer)).json()["tokens"]
        [token_id] = [token["id"] for token in listed if token["current"]]
        before = len(listed)
    await sign_in(page, "edith")
    await on_screen(page, "home")
    await page.click("#nav a[href='#/account']")
    await on_screen(page, "account")
    rows = page.locator("#tokens-list tbody tr")
    assert await rows.count() == before + 1, "the tokens and this browser's session"
    assert await page.locator("#tokens-list tr[data-current]").count() == 1
    await check_screen(page, "account")

    await page.fill("#account-name", "Édith Piaf")
    await page.click("#profile-form button[type=submit]")
    await page.locator("#status", has_text=texts["saved"]).wait_for()
    async with console_data.client() as client:
        me = await client.get("/api/v1/me", headers=bearer)
        assert me.json()["display_name"] == "Édith Piaf"

    await page.fill("#account-email", "edith@mairie-albi.fr")
    await page.fill("#account-password", "wrong")
    await page.click("#email-form button[type=submit]")
    await page.locator("#email-form .form-alert").wait_for()
    await page.fill("#account-password", "secret")
    await page.click("#email-form button[type=submit]")
    await page.locator("#status", has_text=texts["logged"]).wait_for()

    # The other token (the API's) is revoked from here and stops working at once.
    await page.locator(f"#tokens-list tr[data-token='{token_id}'] button.danger").click()
    await page.locator("#status", has_text=texts["revoked"]).wait_for()
    assert await rows.count() == before
    async with console_data.client() as client:
        assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401

    # This browser's own session: asked first, then signed out.
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.locator("#tokens-list tr[data-current] button.danger").click()
    assert await rows.count() == before, "kept when not confirmed"
    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator("#tokens-list tr[data-current] button.danger").click()
    await on_screen(page, "signin")
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    await on_screen(page, "signin")
