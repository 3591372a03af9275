"""Upload bodies are read only up to their limit: a chunked body (no Content-Length) and a lying
Content-Length stop there, for photos and for reference layers; a real server's peak memory
stays flat while a 150 MB body is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from app.main import create_app
from tests.factories import make_user
from tests.live import free_port

CHUNK = 64 * 1024
LIMIT = 200_000
PHOTOS = "/api/v1/observations/00000000-0000-4000-8000-000000000000/media"
LAYERS = "/api/v1/reference-layers"
BOUNDARY = "b0undary"


@dataclass
class Body:
    """A body of ``total`` bytes made on demand; ``sent`` counts what the server pulled."""

    total: int
    head: bytes = b""
    sent: int = 0

    async def stream(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()

    def _chunks(self) -> Iterator[bytes]:
        if self.head:
            self.sent += len(self.head)
            yield self.head
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"\xff" * CHUNK


def form_head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()


@pytest.fixture
async def limited_client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    limits = {"media_dir": tmp_path, "max_media_bytes": LIMIT, "max_upload_bytes": LIMIT}
    app = create_app(settings.model_copy(update=limits), db)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client


def assert_stopped_early(response: httpx.Response, body: Body, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    # The server stopped pulling at the limit (plus the multipart allowance for forms).
    assert body.sent <= LIMIT + 1024 * 1024 + 2 * CHUNK < body.total, body.sent


async def test_a_chunked_photo_stops_at_the_limit(
    limited_client: httpx.AsyncClient, db: Database
) -> None:
    _, author = await make_user(db)
    raw = Body(50 * 2**20)
    headers = {**author, "Content-Type": "image/jpeg"}
    response = await limited_client.post(PHOTOS, content=raw.stream(), headers=headers)
    assert_stopped_early(response, raw, 413, "media_too_large")
    assert raw.sent <= LIMIT + CHUNK
    assert "0.2 MiB" in response.json()["detail"]
    form = Body(50 * 2**20, head=form_head())
    multipart = {**author, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    response = await limited_client.post(PHOTOS, content=form.stream(), headers=multipart)
    assert_stopped_early(response, form, 413, "media_too_large")


async def test_a_lying_content_length_stops_at_the_limit(
    limited_client: httpx.AsyncClient, db: Database
) -> None:
    _, author = await make_user(db)
    raw = Body(50 * 2**20)
    headers = {**author, "Content-Type": "image/jpeg", "Content-Length": "1000"}
    response = await limited_client.post(PHOTOS, content=raw.stream(), headers=headers)
    assert_stopped_early(response, raw, 413, "media_too_large")
    honest = {**author, "Content-Type": "image/jpeg", "Content-Length": str(50 * 2**20)}
    response = await limited_client.post(PHOTOS, content=Body(1).stream(), headers=honest)
    assert (response.status_code, response.json()["code"]) == (413, "media_too_large")


async def test_layer_uploads_bound_the_whole_form_not_only_the_file(
    limited_client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await make_user(db, admin=True)
    multipart = {**admin, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    # One part header that never ends: kept in memory by a naive parser.
    unfinished = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\nX-Padding: '
    endless_header = Body(50 * 2**20, head=unfinished.encode())
    endless_header_bytes = iter_bytes(endless_header, b"a")
    response = await limited_client.post(LAYERS, content=endless_header_bytes, headers=multipart)
    assert_stopped_early(response, endless_header, 400, "layer_upload_malformed")
    # A small file, then an epilogue that goes on and on after the closing boundary.
    small = form_head() + b"name,lon,lat\n" + f"\r\n--{BOUNDARY}--\r\n".encode()
    epilogue = Body(50 * 2**20, head=small)
    response = await limited_client.post(LAYERS, content=epilogue.stream(), headers=multipart)
    assert_stopped_early(response, epilogue, 413, "layer_file_too_large")


async def iter_bytes(body: Body, filler: bytes) -> AsyncIterator[bytes]:
    """``body`` with its filler bytes replaced (a header value must be printable)."""
    async for chunk in body.stream():
        yield chunk if chunk is body.head else filler * len(chunk)


SERVER = """
import sys, uvicorn
from tests.live import live_settings
from app.main import create_app
settings = live_settings(sys.argv[1], media_dir=sys.argv[3], max_media_bytes=15 * 2**20)
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc")


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The app in a process of its own, so that its peak memory can be read from /proc."""
    port = free_port()
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, database_url, str(port), str(tmp_path)],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                httpx.get(f"{base}/api/v1/changes", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _post_chunked(url: str, body: Body, headers: dict[str, str]) -> int | None:
    try:
        return httpx.post(url, content=iter(body), headers=headers, timeout=60).status_code
    except httpx.TransportError:  # the server may close before reading the whole body
        return None


async def test_a_150_mb_chunked_body_does_not_grow_the_server(
    server: tuple[str, int], committed_db: Database
) -> None:
    base, pid = server
    _, author = await make_user(committed_db)
    headers = {**author, "Content-Type": "image/jpeg"}
    assert _post_chunked(base + PHOTOS, Body(2 * 2**20), headers) == 404  # warm up: fits
    before = peak_rss_kib(pid)
    body = Body(150 * 2**20)
    status = _post_chunked(base + PHOTOS, body, headers)
    grown_mib = (peak_rss_kib(pid) - before) / 1024
    print(f"status {status}, peak memory +{grown_mib:.1f} MiB, sent {body.sent}")
    # The app stops reading at 15 MiB; the server may drain (and drop) the rest of the body
    # so that the client gets its answer: either way nothing of it is kept.
    assert status in (413, None)
    assert grown_mib < 64, f"the server's peak memory grew by {grown_mib:.0f} MiB"
