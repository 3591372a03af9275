"""The field app's service worker shows a Web Push message as a notification (the message a
push service would deliver, handed to the worker through the DevTools protocol: headless
Chromium has no push service to subscribe to; tests/notifications/test_push.py covers the
server and the encryption)."""

from __future__ import annotations

from playwright.async_api import BrowserContext

from tests.pwa.conftest import Field, open_app
from tests.pwa.test_notifications import pushed


async def test_a_push_message_becomes_a_notification(
    phone: BrowserContext, field_data: Field
) -> None:
    await phone.grant_permissions(["notifications"], origin=field_data.url)
    page = await open_app(phone, field_data.url)
    message = {"title": "Arbres de Toulouse", "body": "valentin a commenté : Quelle essence ?",
               "url": f"{field_data.url}/#/mine/abc", "tag": "observation-abc", "lang": "fr"}  # fmt: skip
    shown = await pushed(page, field_data.url, message)
    assert shown == [
        {"title": "Arbres de Toulouse", "body": "valentin a commenté : Quelle essence ?",
         "url": f"{field_data.url}/#/mine/abc"}
    ]  # fmt: skip
