"""A campaign's dashboard and the home's live figures, in French and English: a validator of a
campaign outside any organisation finds it on the home with its review backlog, opens its
dashboard and reads the charts' figures in the tables beside them."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.async_api import Page

from tests.console.conftest import Console, check_screen, observation, on_screen, sign_in

SLUG = "reperes-albi"
TEXTS: dict[str, dict[str, str]] = {
    "fr": {"backlog": "2 à valider", "flagged": "1 signalée", "tab": "Tableau de bord",
           "pending": "En attente", "flagged_status": "Signalée", "validated": "Validée",
           "device": "Sans compte (pseudonymes)", "account": "Comptes"},
    "en": {"backlog": "2 awaiting review", "flagged": "1 flagged", "tab": "Dashboard",
           "pending": "Pending", "flagged_status": "Flagged", "validated": "Validated",
           "device": "Without an account (pseudonyms)", "account": "Accounts"},
}  # fmt: skip
SPECIES = {"name": "species", "type": "text", "label": {"fr": "Espèce", "en": "Species"}}
RULES = [{"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 20}}]


async def ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else None


async def campaign_with_figures(data: Console) -> None:
    """Three contributions today (one flagged by the GPS rule, one validated); the editor of
    the organisation is this campaign's validator, outside the organisation."""
    editor = await editor_id(data)
    async with data.client() as client:
        body = {
            "slug": SLUG,
            "title": "Repères d’Albi",
            "licence": "etalab-2.0",
            "status": "open",
            "fields": [SPECIES],
        }
        await ok(await client.post("/api/v1/campaigns", json=body, headers=data.admin))
        await ok(await client.put(f"/api/v1/campaigns/{SLUG}/members/{editor}",
                                  json={"role": "validator"}, headers=data.admin))  # fmt: skip
        await ok(await client.put(f"/api/v1/campaigns/{SLUG}/rules", json={"rules": RULES},
                                  headers=data.admin))  # fmt: skip
        device = await ok(await client.post("/api/v1/auth/device", json={}))
        features = [observation("borne"), observation("repère"), observation("borne")]
        features[1]["properties"]["accuracy_m"] = 60
        for feature, headers in zip(
            features, (data.admin, data.admin, bearer(device)), strict=True
        ):
            await ok(await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                       headers=headers))  # fmt: skip
        await ok(await client.post(f"/api/v1/observations/{features[0]['id']}/decision",
                                   json={"status": "validated", "reason": "vu"}, headers=data.admin))  # fmt: skip


def bearer(answer: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {answer['access_token']}"}


async def editor_id(data: Console) -> str:
    async with data.client() as client:
        me = await ok(await client.post("/api/v1/auth/token", json={"username": data.editor_name,
                                                                      "password": "secret"}))  # fmt: skip
        user = await ok(await client.get("/api/v1/me", headers=bearer(me)))
    return str(user["id"])


async def cells(page: Page, table: str) -> dict[str, list[str]]:
    """Each row of a table: its header cell's text, then its data cells' texts."""
    rows: dict[str, list[str]] = {}
    for row in await page.locator(f"#{table}-table tbody tr").all():
        rows[(await row.locator("th").inner_text()).strip()] = [
            (await cell.inner_text()).strip() for cell in await row.locator("td").all()
        ]
    return rows


async def test_the_home_shows_the_backlog_and_the_dashboard_its_figures(
    page: Page, console_data: Console
) -> None:
    await campaign_with_figures(console_data)
    lang = str(await page.evaluate("document.documentElement.lang"))
    texts = TEXTS[lang]
    await sign_in(page, console_data.editor_name)
    await on_screen(page, "home")
    card = page.locator(f".campaign[data-slug='{SLUG}']")
    assert await card.locator("[data-figure=backlog]").inner_text() == texts["backlog"]
    assert await card.locator("[data-figure=flagged]").inner_text() == texts["flagged"]
    await check_screen(page, "home-live")

    await card.locator(".dashboard-link").click()
    await on_screen(page, "dashboard")
    current = page.locator("nav.tabs a[aria-current=page]")
    assert await current.inner_text() == texts["tab"]
    await page.wait_for_selector("#per-day .chart canvas")
    assert await page.locator(".chart canvas").count() >= 2, "two uPlot charts"
    today = await page.evaluate(
        "(lang) => new Intl.DateTimeFormat({fr: 'fr-FR', en: 'en-GB'}[lang], "
        "{dateStyle: 'medium', timeZone: 'UTC'})"
        ".format(new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z'))",
        lang,
    )
    per_day, backlog = await cells(page, "per-day"), await cells(page, "backlog")
    assert len(per_day) == 30 and per_day[today] == ["3"], "today first, days without any: 0"
    assert backlog[today] == ["2"]
    statuses = await cells(page, "by-status")
    assert [statuses[texts[s]][0] for s in ("pending", "flagged_status", "validated")] == [
        "1",
        "1",
        "1",
    ]
    kinds = await cells(page, "by-kind")
    assert (kinds[texts["account"]][:2], kinds[texts["device"]][:2]) == (["2", "1"], ["1", "1"])
    assert (await cells(page, "findings"))["gps"][0] == "1"
    total = page.locator("[data-total=contributions] dd")
    assert await total.inner_text() == "3"
    await check_screen(page, "dashboard")

    await page.select_option("#dashboard-range", "90")
    await page.wait_for_function(
        "document.querySelectorAll('#per-day-table tbody tr').length === 90"
    )
    assert (await cells(page, "per-day"))[today] == ["3"]
