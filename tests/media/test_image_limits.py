"""Photos that would cost the server more than their size says: pixel counts checked from the
header before decoding; metadata segments that survive a naive re-encoding; nosniff."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import campaign_body, make_user, point_feature
from tests.media.support import authored_observations

SCRIPT = b"<script>alert(document.cookie)</script>"


def blank_png(width: int, height: int) -> bytes:
    """A black 1-bit PNG of any size, built row by row: a few kilobytes for 144 megapixels."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the start of the scan."""
    markers, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF, "not at a marker"
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    raise AssertionError("no start of scan")


@pytest.fixture
async def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
async def media_client(
    settings: Settings, db: Database, media_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, media_dir=media_dir) as client:
        yield client


@pytest.fixture
async def observation(media_client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    return await authored_observations(media_client, db)


async def _send(
    client: httpx.AsyncClient, observation: dict[str, Any], data: bytes, name: str = "p.png"
) -> httpx.Response:
    files = {"file": (name, data, "application/octet-stream")}
    return await client.post(observation["url"], files=files, headers=observation["author"])


async def test_too_many_pixels_are_refused_before_decoding(
    media_client: httpx.AsyncClient, observation: dict[str, Any], media_dir: Path
) -> None:
    # 49 megapixels: under Pillow's own threshold, over the default limit of 40.
    medium = await _send(media_client, observation, blank_png(7000, 7000))
    assert medium.status_code == 413, medium.text
    assert medium.headers["content-type"] == "application/problem+json"
    body = medium.json()
    assert body["code"] == "media_too_many_pixels"
    assert "7000 x 7000" in body["detail"] and "40.0 megapixels" in body["detail"]
    # The issue's 17 KB file of 144 megapixels, which Pillow would only warn about.
    bomb = blank_png(12_000, 12_000)
    assert len(bomb) < 40_000
    refused = await _send(media_client, observation, bomb)
    assert (refused.status_code, refused.json()["code"]) == (413, "media_too_many_pixels")
    huge = await _send(media_client, observation, blank_png(20_000, 20_000))  # Pillow's error
    assert (huge.status_code, huge.json()["code"]) == (413, "media_too_many_pixels")
    assert "400.0 megapixels" in huge.json()["detail"]
    assert not media_dir.exists() or not any(media_dir.rglob("*.png"))


async def test_the_pixel_limit_comes_from_the_settings(
    settings: Settings, db: Database, media_dir: Path
) -> None:
    async with app_client(settings, db, media_dir=media_dir, max_media_pixels=1_000_000) as client:
        _, admin = await make_user(db, admin=True)
        _, author = await make_user(db)
        await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin)
        feature = point_feature()
        await client.post("/api/v1/campaigns/arbres/observations", json=feature, headers=author)
        target = {"url": f"/api/v1/observations/{feature['id']}/media", "author": author}
        photo = io.BytesIO()
        Image.new("RGB", (1250, 1000), "red").save(photo, "JPEG")
        refused = await _send(client, target, photo.getvalue(), "p.jpg")
        assert refused.status_code == 413, refused.text
        assert "1.2 megapixels" in refused.json()["detail"]
        assert "1.0 megapixels" in refused.json()["detail"]
        fits = await _send(client, target, blank_png(1000, 1000))
        assert fits.status_code == 201, fits.text


async def test_comments_xmp_and_text_do_not_survive_but_the_colour_profile_does(
    media_client: httpx.AsyncClient, observation: dict[str, Any]
) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description creator="Jean"/></x:xmpmeta>'
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(jpeg, "JPEG", comment=SCRIPT, xmp=xmp, icc_profile=srgb)
    original = jpeg.getvalue()
    assert 0xFE in jpeg_markers(original) and SCRIPT in original and b"xmpmeta" in original
    response = await _send(media_client, observation, original, "p.jpg")
    assert response.status_code == 201, response.text
    stored = (await media_client.get(response.json()["href"])).content
    markers = jpeg_markers(stored)
    assert 0xFE not in markers  # no COM segment
    assert 0xE1 not in markers  # no APP1: neither EXIF nor XMP
    assert SCRIPT not in stored and b"<script" not in stored and b"xmpmeta" not in stored
    assert Image.open(io.BytesIO(stored)).info.get("icc_profile") == srgb
    thumbnail = (await media_client.get(response.json()["thumbnail"])).content
    assert SCRIPT not in thumbnail and 0xFE not in jpeg_markers(thumbnail)
    png = io.BytesIO()
    text = PngInfo()
    text.add_text("Comment", SCRIPT.decode())
    text.add_itxt("XML:com.adobe.xmp", xmp.decode())
    Image.new("RGB", (20, 10), "red").save(png, "PNG", pnginfo=text)
    stored_png = await _send(media_client, observation, png.getvalue())
    assert stored_png.status_code == 201, stored_png.text
    content = (await media_client.get(stored_png.json()["href"])).content
    assert b"tEXt" not in content and b"iTXt" not in content and b"<script" not in content


async def test_every_media_response_says_nosniff(
    media_client: httpx.AsyncClient, observation: dict[str, Any]
) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (32, 32), "green").save(photo, "JPEG")
    uploaded = await _send(media_client, observation, photo.getvalue(), "p.jpg")
    media = uploaded.json()
    responses = [
        uploaded,
        await media_client.get(observation["url"]),
        await media_client.get(media["href"]),
        await media_client.get(media["thumbnail"]),
        await media_client.get(media["href"], headers={"If-None-Match": f'"{media["sha256"]}"'}),
        await media_client.get(f"/media/{'0' * 64}.jpg"),  # a problem response
        await _send(media_client, observation, b"<html><script>x</script>", "p.jpg"),
    ]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 304, 404, 422]
    assert all(r.headers.get("x-content-type-options") == "nosniff" for r in responses)
