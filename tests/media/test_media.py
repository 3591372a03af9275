"""Photos: type from the bytes, EXIF (GPS included) removed, stored once, served cached."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import make_user
from tests.media.support import authored_observations

GPS_IFD = 0x8825


def jpeg_with_gps(colour: str = "green", size: tuple[int, int] = (640, 480)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when shown
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 36.0, 16.2), 3: "E", 4: (1.0, 26.0, 39.1)})
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
async def media_client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, media_dir=tmp_path, max_media_bytes=200_000) as client:
        yield client


@pytest.fixture
async def observation(media_client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    return await authored_observations(media_client, db)


async def test_upload_strips_exif_and_gps(
    media_client: httpx.AsyncClient, observation: dict[str, Any], tmp_path: Path
) -> None:
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)
    response = await media_client.post(observation["url"], files={"file": ("photo.jpg", photo, "image/jpeg")},
                                       headers=observation["author"])  # fmt: skip
    assert response.status_code == 201, response.text
    media = response.json()
    assert media["content_type"] == "image/jpeg"
    assert (media["width"], media["height"]) == (480, 640)  # turned upright as the EXIF asked
    stored = (await media_client.get(media["href"])).content
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and not image.getexif()  # no EXIF at all, so no GPS
    assert b"PhoneMaker" not in stored
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == [f"{media['sha256']}.jpg", f"{media['sha256']}.thumb.jpg"]
    thumbnail = Image.open(io.BytesIO((await media_client.get(media["thumbnail"])).content))
    assert max(thumbnail.size) == 320


async def test_upload_is_idempotent(
    media_client: httpx.AsyncClient, observation: dict[str, Any]
) -> None:
    photo = jpeg_with_gps("blue")
    first = await media_client.post(
        observation["url"], files={"file": ("a.jpg", photo)}, headers=observation["author"]
    )
    again = await media_client.post(
        observation["url"], files={"file": ("b.jpg", photo)}, headers=observation["author"]
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    listed = (await media_client.get(observation["url"])).json()["media"]
    assert [m["id"] for m in listed] == [first.json()["id"]]


async def test_type_comes_from_the_bytes(
    media_client: httpx.AsyncClient, observation: dict[str, Any]
) -> None:
    fake = await media_client.post(observation["url"], files={"file": ("photo.jpg", b"GIF89a not really", "image/jpeg")},
                                   headers=observation["author"])  # fmt: skip
    assert fake.status_code == 422 and fake.json()["errors"][0]["code"] == "media_not_an_image"
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    refused = await media_client.post(
        observation["url"], files={"file": ("x.png", gif.getvalue())}, headers=observation["author"]
    )
    assert refused.status_code == 422
    png = io.BytesIO()
    Image.new("RGBA", (30, 20), (255, 0, 0, 128)).save(png, "PNG")
    named_wrong = await media_client.post(
        observation["url"], files={"file": ("x.jpg", png.getvalue())}, headers=observation["author"]
    )
    assert named_wrong.status_code == 201 and named_wrong.json()["content_type"] == "image/png"


async def test_limits_and_permissions(
    media_client: httpx.AsyncClient, observation: dict[str, Any], db: Database
) -> None:
    noise = Image.effect_noise((1200, 1200), 100).convert("RGB")
    big = io.BytesIO()
    noise.save(big, "PNG")
    too_big = await media_client.post(
        observation["url"],
        files={"file": ("big.png", big.getvalue())},
        headers=observation["author"],
    )
    assert too_big.status_code == 413
    _, stranger = await make_user(db)
    forbidden = await media_client.post(
        observation["url"], files={"file": ("a.jpg", jpeg_with_gps())}, headers=stranger
    )
    assert forbidden.status_code == 403
    no_file = await media_client.post(
        observation["url"], files={"other": ("x.jpg", b"y")}, headers=observation["author"]
    )
    assert no_file.status_code == 400 and no_file.json()["code"] == "media_file_missing"
    unknown = await media_client.post("/api/v1/observations/00000000-0000-4000-8000-000000000000/media",
                                      files={"file": ("a.jpg", jpeg_with_gps())}, headers=observation["author"])  # fmt: skip
    assert unknown.status_code == 404


async def test_files_are_served_with_long_caching(
    media_client: httpx.AsyncClient, observation: dict[str, Any]
) -> None:
    media = (await media_client.post(observation["url"], files={"file": ("a.jpg", jpeg_with_gps())},
                                     headers=observation["author"])).json()  # fmt: skip
    response = await media_client.get(media["href"])
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    cached = await media_client.get(
        media["href"], headers={"If-None-Match": response.headers["etag"]}
    )
    assert cached.status_code == 304
    for bad in ("/media/../../etc/passwd", "/media/abc.jpg", f"/media/{'0' * 64}.jpg"):
        assert (await media_client.get(bad)).status_code == 404


async def test_those_who_confirmed_add_photos_to_their_confirmation(
    media_client: httpx.AsyncClient, observation: dict[str, Any], db: Database
) -> None:
    _, neighbour = await make_user(db)
    confirmations = observation["url"].replace("/media", "/confirmations")
    before = await media_client.post(
        observation["url"], files={"file": ("a.jpg", jpeg_with_gps())}, headers=neighbour
    )
    assert before.status_code == 403
    first = await media_client.post(confirmations, json={"kind": "still_there"}, headers=neighbour)
    assert first.status_code == 201, first.text
    photo = await media_client.post(
        observation["url"], files={"file": ("a.jpg", jpeg_with_gps())}, headers=neighbour
    )
    assert photo.status_code == 201, photo.text
    body = {"kind": "still_there", "media": [photo.json()["id"]]}
    again = await media_client.post(confirmations, json=body, headers=neighbour)
    assert again.status_code == 201 and again.json()["confirmations"] == 1
