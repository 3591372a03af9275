"""A live server for tests that need real HTTP (GDAL, headless Chromium, the CLI): the app
served by uvicorn in a thread on 127.0.0.1, with its own engine (so data must be committed)."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from app.config import Settings, uvicorn_proxy_options
from app.main import create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def live_settings(database_url: str, **changes: object) -> Settings:
    options: dict[str, object] = {
        "migrate_on_start": False,
        "webhooks_worker": False,
        # No background workers unless a test asks for them: a live server lives for its
        # module or the whole session, on the one test database, and its workers would take
        # the notifications and e-mails other tests dispatch themselves.
        "notifications_worker": False,
        "email_worker": False,
        "rate_limit_per_minute": 0,
        # Cached export files in a folder of their own, never the checkout's var/.
        "exports_dir": Path(tempfile.mkdtemp(prefix="releve-exports-")),
        **changes,
    }
    return Settings(database_url=database_url, **options)  # type: ignore[arg-type]


@contextmanager
def serve(
    settings: Settings, start_timeout_s: float = 20, app: FastAPI | None = None
) -> Iterator[str]:
    """The base URL of the app (built from ``settings`` unless given) while the block runs."""
    port = free_port()
    app = app or create_app(settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_proxy_options(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
