"""The settings screen's notifications in a real headless Chromium: push turned on reaches a
real local push service (tests/notifications/push_service.py) exactly once and then the phone's
notification, and stops on signing out; the e-mail choice is saved and shown again; the states
the browser causes (notifications blocked, no push service).

Headless Chromium has no push service: its own ``pushManager.subscribe`` fails ("Registration
failed"), which the last test checks the screen explains. The others replace ``subscribe`` and
``getSubscription`` in the page with a subscription of the local push service (its keys made
by the test, as a browser makes them); everything else is real: the permission prompt, the
service worker, the server's VAPID key and encryption, the push service's checks.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, ViewportSize
from sqlalchemy import text

from app.auth import service as auth
from app.config import Settings
from app.db.session import Database
from app.main import PWA_DIR
from app.notifications.dispatch import dispatch_round
from app.sync.targets import TargetPolicy
from tests.live import serve
from tests.notifications.push_service import BrowserSubscription, PushService, push_service
from tests.pwa.conftest import ARTIFACTS, SLUG, Field, open_app, start_without_account

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
POLLS = 100
# The page's PushManager, answering with the test's subscription (kept in localStorage so a
# reload finds it, as a browser keeps its subscriptions). Calls are recorded for the test.
FAKE_PUSH_MANAGER = """(() => {
  const subscription = %s;
  const stored = () => localStorage.getItem('test.push');
  const make = (key) => ({
    endpoint: subscription.endpoint, expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: Uint8Array.from(atob(key), (c) => c.charCodeAt(0)).buffer },
    toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }),
    unsubscribe: async () => { localStorage.removeItem('test.push'); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    const key = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)));
    localStorage.setItem('test.push', key);
    localStorage.setItem('test.push.options', JSON.stringify({ userVisibleOnly: options.userVisibleOnly, key }));
    return make(key);
  };
  PushManager.prototype.getSubscription = async function () { return stored() ? make(stored()) : null; };
})();"""
SHOWN = """async (tag) => {
  const registration = await navigator.serviceWorker.ready;
  const found = await registration.getNotifications({ tag });
  return found.map((n) => ({ title: n.title, body: n.body, url: n.data.url }));
}"""


def server_settings(database_url: str, media_dir: Path) -> Settings:
    """Pushes may go to 127.0.0.1 (the local push service); the test runs the rounds itself."""
    return Settings(
        database_url=database_url,
        migrate_on_start=False, webhooks_worker=False, notifications_worker=False,
        email_worker=False, rate_limit_per_minute=0, media_dir=media_dir,
        webhook_allowed_hosts="127.0.0.1", smtp_from="Relevé <noreply@releve.test>",
    )  # fmt: skip


@pytest.fixture(scope="module")
def live_server(database_url: str, media_dir: Path) -> Iterator[str]:
    if not (PWA_DIR / "vendor" / "maplibre" / "maplibre-gl.mjs").is_file():
        pytest.skip("pwa/vendor/maplibre is missing: run `make setup`")
    with serve(server_settings(database_url, media_dir)) as url:
        yield url


@pytest.fixture
async def service() -> AsyncIterator[PushService]:
    async with push_service() as running:
        yield running


async def shot(page: Page, name: str) -> None:
    """tests/artifacts/pwa-NAME.png (the screen, from the notifications section's heading)."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("document.getElementById('status').classList.remove('shown');"
                        "document.getElementById('notifications').scrollIntoView()")  # fmt: skip
    await page.evaluate("scrollBy(0, -60)")  # below the top bar
    path = ARTIFACTS / f"pwa-{name}.png"
    await page.screenshot(path=path, animations="disabled")


async def open_settings(page: Page) -> None:
    await page.click("a[href='#/settings']")
    await page.wait_for_selector("#push-state[data-state]")


async def session_of(page: Page) -> dict[str, Any]:
    session: dict[str, Any] = await page.evaluate(
        "import('/session.js').then((m) => m.loadSession())"
    )
    return session


async def stored_subscriptions(db: Database, user_id: str) -> list[tuple[str, str, str]]:
    async with db.session() as session:
        rows = await session.execute(
            text("SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = :u"),
            {"u": uuid.UUID(user_id)},
        )
        return [tuple(row) for row in rows]


async def deliver_to_the_worker(page: Page, context: BrowserContext, url: str, data: str) -> None:
    """What the push service hands the browser, given to the service worker (DevTools)."""
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = await context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    registered = asyncio.Event()

    def updated(event: dict[str, Any]) -> None:
        registrations.extend(r for r in event["registrations"] if not r.get("isDeleted"))
        if registrations:
            registered.set()

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    await cdp.send("ServiceWorker.enable")
    await asyncio.wait_for(registered.wait(), 10)
    await cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": url, "registrationId": registrations[-1]["registrationId"], "data": data,
    })  # fmt: skip
    await cdp.detach()


async def pushed(page: Page, url: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The notifications shown once ``message`` is pushed to the page's service worker.

    DevTools drops a push handed over while the worker is still starting, so the push is
    handed over again (at most three times) until the worker shows it; the tag keeps one.
    """
    for _ in range(3):
        await deliver_to_the_worker(page, page.context, url, json.dumps(message))
        for _ in range(POLLS):
            if shown := await page.evaluate(SHOWN, message["tag"]):
                return list(shown)
            await asyncio.sleep(0.05)
    return []


async def test_push_turned_on_in_settings_reaches_the_phone_once(
    phone: BrowserContext, field_data: Field, committed_db: Database, service: PushService,
    database_url: str, media_dir: Path,
) -> None:  # fmt: skip
    browser: BrowserSubscription = service.subscribe("phone")
    await phone.add_init_script(FAKE_PUSH_MANAGER % json.dumps(browser.to_json()))
    await phone.grant_permissions(["notifications"], origin=field_data.url)
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_settings(page)
    # A device account: e-mail is offered but disabled, and the screen says why.
    assert await page.is_disabled("#notify-email-digest")
    assert await page.is_checked("#notify-email-off")
    note = await page.text_content("#notify-email-note")
    assert note is not None and "compte pseudonyme" in note
    assert await page.get_attribute("#push-state", "data-state") == "off"

    await page.click("#push-toggle")
    await page.wait_for_selector("#push-state[data-state=on]")
    assert await page.is_checked("#push-toggle")
    session = await session_of(page)
    user_id, headers = session["user"]["id"], {"Authorization": f"Bearer {session['token']}"}
    keys = browser.to_json()["keys"]
    assert await stored_subscriptions(committed_db, user_id) == [
        (browser.endpoint, keys["p256dh"], keys["auth"])
    ]
    async with field_data.client() as client:
        key = (await client.get("/api/v1/push/vapid-public-key")).json()["key"]
        options = json.loads(await page.evaluate("localStorage.getItem('test.push.options')"))
        given = options["key"].replace("+", "-").replace("/", "_").rstrip("=")
        assert options["userVisibleOnly"] is True and given == key
        preferences = (await client.get("/api/v1/me/notifications", headers=headers)).json()
        assert preferences["push"] is True and preferences["email"] == "off"
        await shot(page, "push-on-phone")

        # The citizen's observation is validated: one push, then nothing more to send.
        feature = {"type": "Feature", "id": str(uuid.uuid4()),
                   "geometry": {"type": "Point", "coordinates": [1.4442, 43.6045]},
                   "properties": {"species": "Quercus", "accuracy_m": 5}}  # fmt: skip
        answer = await client.post(f"/api/v1/campaigns/{SLUG}/observations", json=feature,
                                   headers=headers)  # fmt: skip
        assert answer.status_code == 201, answer.text
        decision = {"status": "validated", "reason": "vu sur place"}
        answer = await client.post(f"/api/v1/observations/{feature['id']}/decision",
                                   json=decision, headers=field_data.owner)  # fmt: skip
        assert answer.status_code == 204, answer.text
    settings = server_settings(database_url, media_dir)
    policy = TargetPolicy.parse(settings.webhook_allowed_hosts)
    assert await dispatch_round(committed_db, settings, policy) == 1
    assert await dispatch_round(committed_db, settings, policy) == 0
    [received] = service.to("phone")
    assert received.message["tag"] == f"observation-{feature['id']}"
    assert received.message["url"].endswith(f"#/mine/{feature['id']}")
    assert received.message["title"] == "Arbres de Toulouse"

    # What the push service delivers becomes the phone's notification.
    shown = await pushed(page, field_data.url, received.message)
    assert [n["title"] for n in shown] == ["Arbres de Toulouse"]
    assert shown[0]["url"] == received.message["url"]

    # Off on this phone: unsubscribed here, and the server forgets the subscription.
    await page.click("#push-toggle")
    await page.wait_for_selector("#push-state[data-state=off]")
    assert await stored_subscriptions(committed_db, user_id) == []
    assert await page.evaluate("localStorage.getItem('test.push')") is None

    # On again, then signing out: this phone no longer receives the account's notifications.
    await page.click("#push-toggle")
    await page.wait_for_selector("#push-state[data-state=on]")
    assert len(await stored_subscriptions(committed_db, user_id)) == 1
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.click("#logout")
    await page.wait_for_selector("#start-device")
    assert await stored_subscriptions(committed_db, user_id) == []
    assert await page.evaluate("localStorage.getItem('test.push')") is None


async def test_the_email_choice_is_saved_and_shown_after_reload(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    name = f"camille-{uuid.uuid4().hex[:6]}"
    async with committed_db.session() as session:
        user = await auth.create_user(session, name, "secret", False)
        await session.execute(
            text("UPDATE users SET email = :e, email_verified_at = now() WHERE id = :id"),
            {"e": f"{name}@example.org", "id": user.id},
        )
        await session.commit()
    page = await open_app(phone, field_data.url)
    await page.click("details:has(#username) summary")
    await page.fill("#username", name)
    await page.fill("#password", "secret")
    await page.click("#login-submit")
    await page.wait_for_selector("#campaign-list .card")
    await open_settings(page)
    assert not await page.is_disabled("#notify-email-digest")
    assert await page.is_hidden("#notify-email-note")
    async with page.expect_response(lambda r: r.url.endswith("/me/notifications")
                                    and r.request.method == "PUT") as saved:  # fmt: skip
        await page.check("#notify-email-digest")
    assert (await saved.value).status == 200
    await page.reload()
    await page.wait_for_selector("body[data-ready]")
    await page.wait_for_selector("#push-state[data-state]")
    assert await page.is_checked("#notify-email-digest")
    # This phone never allowed notifications (headless Chromium then answers "denied").
    assert await page.get_attribute("#push-state", "data-state") == "denied"
    assert await page.is_disabled("#push-toggle")
    async with committed_db.session() as session:
        stored = await session.scalar(
            text("SELECT email FROM notification_preferences WHERE user_id = :u "
                 "AND campaign_id IS NULL"),
            {"u": user.id},
        )  # fmt: skip
    assert stored == "digest"
    await shot(page, "email-digest-phone")
    await page.set_viewport_size(DESKTOP)
    await shot(page, "settings-desktop")


async def test_a_browser_without_a_push_service_is_explained(
    phone: BrowserContext, field_data: Field, committed_db: Database
) -> None:
    """Headless Chromium's own subscribe fails: the switch goes back off, the screen says why,
    and the server has no subscription."""
    await phone.grant_permissions(["notifications"], origin=field_data.url)
    page = await open_app(phone, field_data.url)
    await start_without_account(page)
    await open_settings(page)
    await page.click("#push-toggle")
    await page.wait_for_selector("#push-state[data-state=failed]")
    assert not await page.is_checked("#push-toggle")
    state = await page.text_content("#push-state")
    assert state is not None and "service push indisponible" in state
    session = await session_of(page)
    assert await stored_subscriptions(committed_db, session["user"]["id"]) == []
    await shot(page, "push-failed-phone")
