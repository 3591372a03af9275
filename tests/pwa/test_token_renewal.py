"""The field app renews its token when fewer than 30 days are left: a phone in use keeps its
pseudonymous account (real Chromium against a live server)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.async_api import BrowserContext, expect
from sqlalchemy import text

from app.db.session import Database
from tests.pwa.conftest import Field, open_app, start_without_account

STORED_SESSION = "import('/idb.js').then((m) => m.settings.get('session'))"
NEAR_EXPIRY = """(expiresAt) => import('/idb.js').then(async (m) => {
  const session = await m.settings.get('session');
  await m.settings.set('session', { ...session, expiresAt });
})"""


async def device_tokens(database: Database) -> list[dict[str, Any]]:
    async with database.session() as session:
        rows = await session.execute(text(
            "SELECT t.user_id::text AS user_id, t.revoked_at, t.expires_at FROM api_tokens t "
            "JOIN users u ON u.id = t.user_id WHERE u.is_device ORDER BY t.created_at"
        ))  # fmt: skip
        return [dict(row._mapping) for row in rows]


async def eventually_renewed(database: Database) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 20
    while len(tokens := await device_tokens(database)) < 2:
        assert time.monotonic() < deadline, f"not renewed: {tokens}"
        await asyncio.sleep(0.1)
    return tokens


async def test_a_token_near_its_expiry_is_renewed_and_the_account_kept(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    first = await page.evaluate(STORED_SESSION)
    assert datetime.fromisoformat(first["expiresAt"]) > datetime.now(UTC) + timedelta(days=89)
    assert len(await device_tokens(committed_db)) == 1  # not renewed while far from expiry
    soon = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    await page.evaluate(NEAR_EXPIRY, soon)
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    old, new = await eventually_renewed(committed_db)
    assert old["user_id"] == new["user_id"], "the same pseudonymous account"
    assert old["revoked_at"] is not None and new["revoked_at"] is None
    stored = await page.evaluate(STORED_SESSION)
    assert stored["token"] != first["token"] and stored["user"]["id"] == first["user"]["id"]
    assert datetime.fromisoformat(stored["expiresAt"]) > datetime.now(UTC) + timedelta(days=89)
    assert stored["expired"] is False
    await expect(page.locator("#banner")).to_be_hidden()
    # The app keeps working with the new token.
    await page.click(".tabs a[data-section='mine']")
    await expect(page.locator("#banner")).to_be_hidden()
