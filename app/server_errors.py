"""Unexpected errors: a complete 500 problem+json, a closed connection and a bounded log.

Starlette's ``ServerErrorMiddleware`` answers and then re-raises to the server, which logs the
whole traceback a second time and drops the connection. This middleware sits inside it and
never lets an exception through: the client gets a complete 500 with ``Connection: close`` (the
server then closes the connection cleanly), and the log gets one short line per error and a
full (bounded) traceback at most once a minute per exception type and place, so a flood of
requests that fail cannot fill a disk.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass
from pathlib import PurePath

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem_response
from app.i18n import negotiate_language

logger = logging.getLogger(__name__)

MAX_TRACEBACK_CHARS = 4000
MAX_PATH_CHARS = 200
LINES_PER_WINDOW = 20
MAX_KEYS = 1000


@dataclass(slots=True)
class _Window:
    started: float
    logged: int = 0
    suppressed: int = 0


class ErrorLogLimiter:
    """Per (exception type, place): within each window, the first error logs its traceback, the
    next few one line each, the rest are only counted (the count joins the next logged line)."""

    def __init__(self, window_s: float = 60.0) -> None:
        self.window_s = window_s
        self.windows: dict[tuple[str, str], _Window] = {}

    def log(self, method: str, path: str, exc: BaseException) -> None:
        kind, place = type(exc).__qualname__, _place(exc)
        window, suppressed = self._window((kind, place))
        if window.logged >= LINES_PER_WINDOW:
            window.suppressed += 1
            return
        window.logged += 1
        line = f"unexpected error on {method} {_clip(path)}: {kind} at {place}"
        if suppressed:
            line += f" ({suppressed} similar errors not logged in the previous window)"
        if window.logged == 1:
            line += "\n" + _bounded_traceback(exc)
        logger.error(line)

    def _window(self, key: tuple[str, str]) -> tuple[_Window, int]:
        now = time.monotonic()
        window = self.windows.get(key)
        if window is not None and now - window.started < self.window_s:
            return window, 0
        if window is None and len(self.windows) >= MAX_KEYS:
            self.windows.clear()
        self.windows[key] = _Window(now)
        return self.windows[key], window.suppressed if window else 0


def _place(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{'/'.join(PurePath(last.filename).parts[-2:])}:{last.lineno}"


def _clip(path: str) -> str:
    shown = path.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= MAX_PATH_CHARS else shown[:MAX_PATH_CHARS] + "..."


def _bounded_traceback(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc, limit=12)).rstrip()
    if len(text) <= MAX_TRACEBACK_CHARS:
        return text
    half = MAX_TRACEBACK_CHARS // 2
    return f"{text[:half]}\n  [... {len(text) - 2 * half} characters cut ...]\n{text[-half:]}"


class UnexpectedErrorMiddleware:
    """Turns any exception escaping the app into a complete 500 (or, when the response had
    already started, a cut response); never re-raises to the server."""

    def __init__(self, app: ASGIApp, limiter: ErrorLogLimiter | None = None) -> None:
        self.app = app
        self.limiter = limiter or ErrorLogLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as exc:
            self.limiter.log(scope.get("method", "?"), str(scope.get("path", "")), exc)
            if started:
                # Too late for a 500: returning leaves the body unfinished, so the server closes
                # the connection and the client sees a truncated response, not a complete one.
                return
            await _internal_error(scope)(scope, receive, send)


def _internal_error(scope: Scope) -> ASGIApp:
    headers = dict(scope.get("headers") or [])
    language = negotiate_language(headers.get(b"accept-language", b"").decode("latin-1"))
    return problem_response(500, "internal_error", language, headers={"Connection": "close"})
