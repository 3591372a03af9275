"""Closing the loop, in real browsers against a live server, a real SMTP server and a real
local push service.

A citizen signed in on a phone (an account with a confirmed address) turns on instant e-mail
and push in the field app's settings and contributes a point; a validator asks for more
information from the console's review board; the citizen gets one e-mail and one push about
it (shown by the phone's service worker) and answers by editing; the owner validates with a
comment, which the citizen reads on the timeline; the owner draws an area in the console's
Outcomes section and announces an outcome, shown on the public page and in the timeline. A
second citizen (a device account) about to report the same thing is offered "Is this it?"
and confirms the original; a recovery code restores that account in another browser, which
sees the followed contribution and its timeline. At the end, after more rounds of the
notification and e-mail workers, every notification was received exactly once.

The server runs no workers of its own: the test runs the notification and e-mail rounds
(tests/notifications/conftest.py's run_workers) after each event, twice, then three more times.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from tests.accounts.support import SmtpServer, body_of
from tests.console.conftest import TIMEOUT_MS, on_screen, sign_in
from tests.console.test_outcomes import draw_square
from tests.factories import campaign_body, make_user
from tests.notifications.conftest import run_workers, verified_person
from tests.notifications.push_service import PushService
from tests.pwa.conftest import (
    TOULOUSE,
    open_app,
    open_campaign,
    start_without_account,
)
from tests.pwa.test_notifications import FAKE_PUSH_MANAGER, pushed

SLUG = "arbres"
TITLE = "Arbres de Toulouse"
ORGANISATION = "mairie-toulouse"
CITIZEN = "camille@example.org"
QUESTION = "Quelle hauteur fait-il, à peu près ?"
COMMENT = "Merci, c'est bien un chêne pédonculé."
OUTCOME = {"fr": "Les arbres signalés ont été élagués.", "en": "The trees reported were pruned."}
SHOTS = Path(__file__).resolve().parents[1] / "artifacts"
WAIT_S = 20
expect.set_options(timeout=TIMEOUT_MS)


async def ok(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


async def set_up(app_url: str, db: Database) -> uuid.UUID:
    """An organisation whose editor 'edith' owns the campaign, a validator 'valentin', and the
    citizen's account with a confirmed address (its id)."""
    await make_user(db, "adrien", admin=True)
    editor, _ = await make_user(db, "edith")
    validator, _ = await make_user(db, "valentin")
    citizen, _ = await verified_person(db, CITIZEN)
    async with httpx.AsyncClient(base_url=app_url, timeout=10) as client:
        admin = await owner_headers(client, "adrien")
        body = {"slug": ORGANISATION, "name": "Mairie de Toulouse", "default_licence": "etalab-2.0"}
        await ok(await client.post("/api/v1/organisations", json=body, headers=admin))
        await ok(await client.put(f"/api/v1/organisations/{ORGANISATION}/members/{editor.id}",
                                  json={"role": "editor"}, headers=admin))  # fmt: skip
        owner = await owner_headers(client, "edith")
        body = campaign_body(SLUG, organisation=ORGANISATION, allow_anonymous=True)
        await ok(await client.post("/api/v1/campaigns", json=body, headers=owner))
        await ok(await client.put(f"/api/v1/campaigns/{SLUG}/members/{validator.id}",
                                  json={"role": "validator"}, headers=owner))  # fmt: skip
    return citizen


async def owner_headers(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    signed_in = await client.post(
        "/api/v1/auth/token", json={"username": name, "password": "secret"}
    )
    return {"Authorization": f"Bearer {(await ok(signed_in))['access_token']}"}


async def stored(db: Database, species: str) -> dict[str, Any]:
    """The observation of that species once it is stored (short polls with a deadline)."""
    query = text("SELECT id::text, status, properties FROM observations "
                 "WHERE properties->>'species' = :s")  # fmt: skip
    deadline = time.monotonic() + WAIT_S
    while True:
        async with db.session() as session:
            row = (await session.execute(query, {"s": species})).first()
        if row is not None:
            return dict(row._mapping)
        assert time.monotonic() < deadline, f"{species!r} never stored"
        await until_later()


async def until_later() -> None:
    await asyncio.sleep(0.1)


async def shot(page: Page, name: str, last_event: bool = False) -> None:
    """tests/artifacts/journey-NAME.png (optionally scrolled to the timeline's end)."""
    SHOTS.mkdir(exist_ok=True)
    await page.evaluate("document.getElementById('status')?.classList.remove('shown')")
    if last_event:
        await page.locator(".timeline .event").last.scroll_into_view_if_needed()
    await page.screenshot(path=SHOTS / f"journey-{name}.png", animations="disabled")


async def citizen_opts_in_and_contributes(
    contexts: Any, app_url: str, service: PushService, db: Database
) -> tuple[Page, str]:
    phone: BrowserContext = await contexts("phone")
    subscription = service.subscribe("camille")
    await phone.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscription.to_json()))
    await phone.grant_permissions(["geolocation", "notifications"], origin=app_url)
    page = await open_app(phone, app_url)
    await page.click("details:has(#username) summary")
    await page.fill("#username", "camille")
    await page.fill("#password", "secret")
    await page.click("#login-submit")
    await page.wait_for_selector("#campaign-list .card")
    await page.click("a[href='#/settings']")
    await page.wait_for_selector("#push-state[data-state]")
    async with page.expect_response(lambda r: r.url.endswith("/me/notifications")
                                    and r.request.method == "PUT") as saved:  # fmt: skip
        await page.check("#notify-email-instant")
    assert (await saved.value).status == 200
    await page.click("#push-toggle")
    await page.wait_for_selector("#push-state[data-state=on]")
    await shot(page, "settings-phone")

    await page.click("a[data-section=campaigns]")
    await page.wait_for_selector("#campaign-list .card")
    await open_campaign(page, TITLE)
    await page.click("text=Ajouter un point")
    await page.click("button:has-text('Ma position')")
    await expect(page.locator("#where")).to_contain_text("précision")
    await page.fill("#f-species", "Chêne")
    await page.click("#send")
    await expect(page.locator("#outbox-count")).to_have_text("0", timeout=WAIT_S * 1000)
    return page, (await stored(db, "Chêne"))["id"]


async def open_board(context: BrowserContext, app_url: str, login: str) -> Page:
    page = await context.new_page()
    await page.goto(app_url + "/console/")
    await page.wait_for_selector("body[data-ready]")
    await sign_in(page, login)
    await on_screen(page, "home")
    await page.evaluate(f"location.hash = '#/campaigns/{SLUG}/review'")
    await on_screen(page, "review")
    await page.wait_for_selector("#review-map[data-ready]")
    return page


async def deliveries(smtp: SmtpServer, service: PushService) -> tuple[list[str], list[Any]]:
    return [m["Subject"] for m in smtp.mailbox.to(CITIZEN)], service.to("camille")


async def delivered(db: Database, user_id: uuid.UUID) -> list[tuple[str, str, str]]:
    """(event kind, channel, status) of each of the user's notifications; an e-mail's status
    is its outbox message's (the notification only says it was queued there)."""
    query = text(
        "SELECT e.kind, n.channel, coalesce(o.status, n.status) FROM notifications n "
        "JOIN observation_events e ON e.id = n.event_id "
        "LEFT JOIN email_outbox o ON o.id = n.email_id WHERE n.user_id = :u ORDER BY n.id"
    )
    async with db.session() as session:
        return [tuple(row) for row in await session.execute(query, {"u": user_id})]


async def until_delivered(
    db: Database, settings: Settings, smtp: SmtpServer, service: PushService, mails: int
) -> None:
    """Two rounds of the workers (the second must find nothing to do), then the e-mails are
    in the SMTP server's mailbox (short polls with a deadline)."""
    assert await run_workers(db, settings) >= 1
    assert await run_workers(db, settings) == 0
    deadline = time.monotonic() + WAIT_S
    while len(smtp.mailbox.to(CITIZEN)) < mails:
        assert time.monotonic() < deadline, f"{mails} e-mails expected"
        await until_later()


async def test_closing_the_loop_from_the_phone_to_the_console_and_back(
    contexts: Any, app_url: str, committed_db: Database, journey_settings: Settings,
    smtp: SmtpServer, service: PushService,
) -> None:  # fmt: skip
    settings = journey_settings
    citizen_id = await set_up(app_url, committed_db)

    # 1. The citizen opts in to e-mail (instant) and push, and contributes from the phone.
    phone, observation = await citizen_opts_in_and_contributes(
        contexts, app_url, service, committed_db
    )

    # 2. The validator asks for more information from the review board.
    validator = await open_board(await contexts("laptop"), app_url, "valentin")
    row = validator.locator(f"tr[data-id='{observation}']")
    await row.locator(".review-tick").check()
    await validator.fill("#review-question", QUESTION)
    await validator.click("#review-bulk-ask")
    await validator.wait_for_selector(f"tr[data-id='{observation}'][data-status=needs_info]")
    await shot(validator, "board-asked")

    # 3. One e-mail and one push about it; the citizen answers by editing.
    await until_delivered(committed_db, settings, smtp, service, 1)
    mails, pushes = await deliveries(smtp, service)
    assert len(mails) == 1 and len(pushes) == 1, (mails, pushes)
    assert TITLE in mails[0]
    assert pushes[0].message["url"].endswith(f"#/mine/{observation}")
    assert QUESTION in pushes[0].message["body"], pushes[0].message
    # What the push service hands the phone becomes its notification.
    message = pushes[0].message
    shown = await pushed(phone, app_url, message)
    assert [(n["title"], n["url"]) for n in shown] == [(TITLE, message["url"])]
    await phone.goto(f"{app_url}/#/mine/{observation}")
    asked = phone.locator("#question")
    await expect(asked.locator("blockquote")).to_have_text(QUESTION)
    await asked.get_by_role("link", name="Répondre en modifiant la saisie").click()
    await expect(phone.locator("#panel .question blockquote")).to_have_text(QUESTION)
    await phone.fill("#f-height_m", "14")
    await shot(phone, "answer-phone")
    await phone.click("#send")
    await expect(phone.locator("#view .badge").first).to_have_text("À vérifier")
    answered = await stored(committed_db, "Chêne")
    assert answered["status"] == "needs_review" and answered["properties"]["height_m"] == 14

    # 4. The owner validates with a comment; the citizen reads it on the timeline.
    owner = await open_board(await contexts("laptop"), app_url, "edith")
    await owner.locator(f"tr[data-id='{observation}'] .review-tick").check()
    await owner.fill("#review-comment", COMMENT)
    await owner.click("#review-bulk-validate")
    await owner.wait_for_selector(f"tr[data-id='{observation}'][data-status=validated]")
    await phone.goto(f"{app_url}/#/mine/{observation}")
    await phone.reload()
    await phone.wait_for_selector("body[data-ready]")
    await expect(phone.locator(".timeline")).to_contain_text(COMMENT)
    # In the validator's language, as the reasons of a rejection are.
    await expect(phone.locator(".timeline")).to_contain_text("validée depuis le tableau de revue")
    await expect(phone.locator("#view .badge").first).to_have_text("Validée")
    await shot(phone, "timeline-comment", last_event=True)
    await until_delivered(committed_db, settings, smtp, service, 2)

    # 5. The owner draws an area over the point in the console's Outcomes section and posts
    # an outcome: on the public page (anonymous) and in the citizen's timeline.
    await owner.evaluate(f"location.hash = '#/campaigns/{SLUG}/dashboard'")
    await on_screen(owner, "dashboard")
    await owner.click("nav.tabs a[data-section=outcomes]")
    await on_screen(owner, "outcomes")
    await owner.wait_for_selector("#outcomes-map[data-ready]")
    await owner.fill("#outcome-message-fr", OUTCOME["fr"])
    await owner.fill("#outcome-message-en", OUTCOME["en"])
    await draw_square(owner, 90)
    await owner.locator("#outcomes-draw-status", has_text="1").wait_for()
    await owner.click("#outcome-post")
    await expect(owner.locator("#outcome-done-text")).to_contain_text("1 contribution")
    await shot(owner, "outcome-posted")
    public_link = await owner.locator("#outcomes-page").get_attribute("href")
    assert public_link is not None and public_link.endswith(f"/campaigns/{SLUG}/outcomes.html")
    async with httpx.AsyncClient(base_url=app_url, timeout=10) as client:
        (outcome,) = (await ok(await client.get(f"/api/v1/campaigns/{SLUG}/outcomes")))["outcomes"]
    assert outcome["observations"] == 1 and outcome["message"] == OUTCOME, outcome
    public = await (await contexts("laptop")).new_page()  # nobody signed in
    # The link is on the instance's public address; the test's server answers it here.
    await public.goto(app_url + urlsplit(public_link).path)
    await expect(public.locator("body")).to_contain_text(OUTCOME["fr"])
    await expect(public.locator("body")).to_contain_text("1 contribution")
    await shot(public, "outcomes-public")
    lon, lat = TOULOUSE["longitude"], TOULOUSE["latitude"]
    await phone.reload()
    await phone.wait_for_selector("body[data-ready]")
    await expect(phone.locator(".timeline")).to_contain_text(OUTCOME["fr"])
    await shot(phone, "timeline-outcome", last_event=True)
    await until_delivered(committed_db, settings, smtp, service, 3)

    # 7. A second citizen about to report the same tree is offered "Is this it?" and confirms.
    second_phone: BrowserContext = await contexts(
        "phone", geolocation={"latitude": lat + 0.00002, "longitude": lon + 0.00002, "accuracy": 5}
    )
    second = await open_app(second_phone, app_url)
    await start_without_account(second)
    await open_campaign(second, TITLE)
    await second.click("text=Ajouter un point")
    await second.click("button:has-text('Ma position')")
    await second.fill("#f-species", "Chêne")
    await second.click("#send")
    sheet = second.locator("#nearby")
    await expect(sheet).to_contain_text("Est-ce celle-ci ?")
    await expect(sheet.locator(f".nearby-item[data-id='{observation}']")).to_contain_text("Chêne")
    await shot(second, "is-this-it")
    await sheet.get_by_role("button", name="Oui, c’est ça").click()
    await expect(second.locator("#view h1")).to_have_text("Suivi de la contribution")
    async with committed_db.session() as session:
        confirmed = await session.scalar(
            text("SELECT count(*) FROM observation_confirmations WHERE observation_id = :id"),
            {"id": observation},
        )
        copies = await session.scalar(
            text("SELECT count(*) FROM observations WHERE properties->>'species' = 'Chêne'")
        )
    assert (confirmed, copies) == (1, 1)

    # 6. A recovery code restores that device account in another browser.
    await second.click("a[data-section=settings]")
    await second.click("#recovery-make")
    code = (await second.locator("#recovery-code-value").text_content() or "").strip()
    assert len(code) == 24, code
    restored = await open_app(await contexts("phone"), app_url)
    await restored.click("#recover summary")
    await restored.fill("#recovery-input", code)
    await restored.click("#recover-submit")
    await restored.wait_for_selector("#campaign-list .card")
    await restored.click("a[data-section=mine]")
    card = restored.locator(f"#sent-list a.card[data-id='{observation}']")
    await expect(card).to_contain_text("Suivie")
    await card.click()
    await expect(restored.locator(".timeline")).to_contain_text(COMMENT)
    await expect(restored.locator(".timeline")).to_contain_text(OUTCOME["fr"])
    await shot(restored, "restored-timeline", last_event=True)

    # 8. Every notification exactly once: more worker rounds send nothing more.
    for _ in range(3):
        assert await run_workers(committed_db, settings) == 0
    mails, pushes = await deliveries(smtp, service)
    assert len(mails) == 3 and len(pushes) == 3, (mails, [p.message for p in pushes])
    sent = await delivered(committed_db, citizen_id)
    events = ("info_requested", "status_changed", "outcome")
    assert sorted(sent) == sorted((kind, channel, "sent") for kind in events
                                  for channel in ("email", "push")), sent  # fmt: skip
    # One e-mail and one push per event, each telling its own news.
    assert all(TITLE in subject for subject in mails), mails
    bodies = [body_of(m) for m in smtp.mailbox.to(CITIZEN)]
    for message in smtp.mailbox.to(CITIZEN):  # RFC 8058: one-click unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(message["List-Unsubscribe"]).startswith("<https://releve.example.fr/")
    for news, mail, push in zip((QUESTION, COMMENT, OUTCOME["fr"]), bodies, pushes, strict=True):
        assert news in mail, (news, mail)
        assert news in push.message["body"], (news, push.message)
    assert len(smtp.mailbox.messages) == 3, "nobody else was written to"
