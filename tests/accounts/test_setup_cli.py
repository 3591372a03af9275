"""`releve serve --demo` (`make run`) on a fresh data directory prints a one-time setup link; opening it creates
the first administrator in the browser, with no terminal step; the link then stops working."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from app.db.embedded import EmbeddedPostgres
from tests.live import free_port
from tests.test_cli import releve, wait_for

SETUP_LINK = re.compile(r"open (http://\S+/setup#token=\S+) to create one")
LINK_WAIT_S = 30


def wait_in_log(log: Path, pattern: re.Pattern[str]) -> str:
    deadline = time.monotonic() + LINK_WAIT_S
    while not (found := pattern.search(log.read_text())):
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    return found.group(1 if found.re.groups else 0)


def printed_link(log: Path) -> str:
    return wait_in_log(log, SETUP_LINK)


def test_first_run_prints_a_setup_link_that_works_once(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    server = releve(tmp_path, "serve", "--demo", port=port, log=log)  # as `make run` does
    cluster = EmbeddedPostgres(tmp_path)
    try:
        base_url = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base_url}/healthz", server).status_code == 200, log.read_text()
        link = printed_link(log)
        assert link.startswith(f"{base_url}/setup#token=")
        page = httpx.get(base_url + urlsplit(link).path, timeout=10)
        assert page.status_code == 200 and '<form id="setup">' in page.text
        body = {"token": link.partition("#token=")[2], "username": "admin",
                "email": "admin@example.org", "password": "a long first passphrase"}  # fmt: skip
        created = httpx.post(f"{base_url}/api/v1/setup", json=body, timeout=10)
        assert created.status_code == 201, created.text
        assert created.json()["email"] == "logged"  # no SMTP server configured
        again = httpx.post(f"{base_url}/api/v1/setup", json=body, timeout=10)
        assert again.status_code == 409
        assert "already has an administrator" in httpx.get(f"{base_url}/setup", timeout=10).text
        assert log.read_text().count("/setup#token=") == 1
        # No SMTP server: the server's e-mail worker writes the verification link to its log.
        logged = wait_in_log(log, re.compile(rf"{re.escape(base_url)}/account#verify=\S+"))
        verified = httpx.post(
            f"{base_url}/api/v1/auth/verify", json={"token": logged.partition("=")[2]}, timeout=10
        )
        assert verified.status_code == 200 and verified.json()["email_verified"] is True
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
        cluster.destroy()
