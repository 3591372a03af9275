"""An unexpected error, served by a real uvicorn: a complete 500 problem+json with
``Connection: close``, a cleanly closed connection, and a log that a flood cannot blow up."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.server_errors import LINES_PER_WINDOW, ErrorLogLimiter
from tests.live import live_settings, serve

FORCED_ERRORS = 200
LOG_BUDGET_BYTES = 32 * 1024  # one full traceback alone used to be about 24 KB


class CountingHandler(logging.Handler):
    """Counts the bytes each record would write to a log file, tracebacks included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bytes = 0
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        self.bytes += len(text.encode()) + 1
        self.records.append(text)


def app_that_fails(database_url: str) -> FastAPI:
    """The app with one extra route, in this test's instance only, that always raises."""
    app = create_app(live_settings(database_url))

    async def boom() -> None:
        raise RuntimeError("forced failure")

    app.add_api_route("/boom", boom, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the PWA mounted at "/"
    return app


@pytest.fixture
def failing_server(database_url: str) -> Iterator[str]:
    with serve(live_settings(database_url), app=app_that_fails(database_url)) as url:
        yield url


@pytest.fixture
def log_bytes() -> Iterator[CountingHandler]:
    handler = CountingHandler()
    loggers = [
        logging.getLogger(),
        logging.getLogger("uvicorn"),
        logging.getLogger("uvicorn.error"),
    ]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def raw_get(base_url: str, path: str) -> bytes:
    """Everything the server sends for one request, up to the close of the connection."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):  # b"" once the server has closed it
            received += chunk
    return received


def test_a_forced_500_is_complete_and_closes_the_connection(failing_server: str) -> None:
    head, _, body = raw_get(failing_server, "/boom").partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines)}
    assert lines[0].startswith("HTTP/1.1 500")
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    assert httpx.Response(500, content=body).json()["code"] == "internal_error"


def test_a_flood_of_500s_logs_a_bounded_number_of_bytes(
    failing_server: str, log_bytes: CountingHandler
) -> None:
    with httpx.Client(base_url=failing_server, timeout=10) as client:
        answers = [client.get("/boom") for _ in range(FORCED_ERRORS)]
    assert log_bytes.bytes < LOG_BUDGET_BYTES, f"{log_bytes.bytes} bytes logged"
    assert {(r.status_code, r.headers.get("connection")) for r in answers} == {(500, "close")}
    first = log_bytes.records[0]
    assert "GET /boom" in first and "RuntimeError" in first and "Traceback" in first


def log_one_failure(limiter: ErrorLogLimiter, path: str) -> None:
    try:
        raise KeyError("always the same place")
    except KeyError as error:
        limiter.log("GET", path, error)


def test_the_log_limiter_counts_what_it_leaves_out(caplog: pytest.LogCaptureFixture) -> None:
    limiter = ErrorLogLimiter(window_s=3600)
    for _ in range(50):
        log_one_failure(limiter, "/a\x00b")
    records = [r.getMessage() for r in caplog.records if r.name == "app.server_errors"]
    assert len(records) == LINES_PER_WINDOW
    assert "Traceback" in records[0] and not any("Traceback" in r for r in records[1:])
    assert "GET /a\\x00b: KeyError at" in records[1]  # control characters escaped
    limiter.window_s = 0  # the window is over: the next line says how many were left out
    log_one_failure(limiter, "/a")
    assert f"{50 - LINES_PER_WINDOW} similar errors not logged" in caplog.records[-1].getMessage()
