"""The field app's service worker (scope /) also controls /console/ on a browser that has the
field app: it must keep nothing of the console, whose answers are signed in by cookie."""

from __future__ import annotations

from playwright.async_api import Browser

from tests.console.conftest import LAPTOP, TIMEOUT_MS, Console, on_screen, sign_in

CACHED_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


async def test_the_field_apps_worker_keeps_nothing_of_the_console(
    browser: Browser, console_data: Console
) -> None:
    context = await browser.new_context(viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = await context.new_page()
        await page.goto(console_data.url + "/")
        await page.wait_for_function("navigator.serviceWorker.controller !== null")
        await page.goto(console_data.url + "/console/")
        await page.wait_for_selector("body[data-ready]")
        assert await page.evaluate("navigator.serviceWorker.controller !== null")
        await sign_in(page, console_data.editor_name)
        await on_screen(page, "home")
        await page.wait_for_selector("#main h2, main h2")
        cached = await page.evaluate(CACHED_PATHS)
        assert any(path == "/" or path.endswith(".js") for path in cached), cached  # it ran
        kept = [p for p in cached if p.startswith("/api/") or p.startswith("/console")]
        assert kept == [], kept
    finally:
        await context.close()
