"""The field app's service worker shows a Web Push message as a notification (the message a
push service would deliver, handed to the worker through the DevTools protocol: headless
Chromium has no push service to subscribe to; tests/notifications/test_push.py covers the
server and the encryption)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from playwright.async_api import BrowserContext

from tests.pwa.conftest import Field, open_app

REGISTRATION_WAIT_S = 10
NOTIFICATION_POLLS = 100
SHOWN = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const found = await registration.getNotifications({ tag: 'observation-abc' });
  return found.map((n) => ({ title: n.title, body: n.body, url: n.data.url }));
}"""


async def test_a_push_message_becomes_a_notification(
    phone: BrowserContext, field_data: Field
) -> None:
    await phone.grant_permissions(["notifications"], origin=field_data.url)
    page = await open_app(phone, field_data.url)
    cdp = await phone.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    registered = asyncio.Event()

    def updated(event: dict[str, Any]) -> None:
        registrations.extend(event["registrations"])
        if registrations:
            registered.set()

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    await cdp.send("ServiceWorker.enable")
    await asyncio.wait_for(registered.wait(), REGISTRATION_WAIT_S)
    message = {"title": "Arbres de Toulouse", "body": "valentin a commenté : Quelle essence ?",
               "url": f"{field_data.url}/#/mine/abc", "tag": "observation-abc", "lang": "fr"}  # fmt: skip
    await cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": field_data.url, "registrationId": registrations[0]["registrationId"],
        "data": json.dumps(message),
    })  # fmt: skip
    shown = None
    for _ in range(NOTIFICATION_POLLS):  # the worker shows it asynchronously
        shown = await page.evaluate(SHOWN)
        if shown:
            break
        await asyncio.sleep(0.1)
    assert shown == [
        {"title": "Arbres de Toulouse", "body": "valentin a commenté : Quelle essence ?",
         "url": f"{field_data.url}/#/mine/abc"}
    ]  # fmt: skip
