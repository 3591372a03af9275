"""The author removes a photo of their observation; the stored file goes with its last use."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import make_user
from tests.media.support import authored_observations
from tests.publication.conftest import photo


@pytest.fixture
async def media_client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, media_dir=tmp_path) as client:
        yield client


@pytest.fixture
async def two_observations(media_client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    """Two observations of one author, with the same photo on both."""
    made = await authored_observations(media_client, db, count=2)
    author, media = made["author"], []
    for url in made["urls"]:
        files = {"file": ("photo.jpg", photo(1), "image/jpeg")}
        response = await media_client.post(url, files=files, headers=author)
        assert response.status_code == 201, response.text
        media.append(response.json())
    return {**made, "media": media}


def stored_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.is_file())


async def test_the_file_goes_with_its_last_use(
    media_client: httpx.AsyncClient, two_observations: dict[str, Any], tmp_path: Path
) -> None:
    urls, media, author = two_observations["urls"], two_observations["media"], two_observations["author"]  # fmt: skip
    sha256 = media[0]["sha256"]
    assert media[1]["sha256"] == sha256
    first = await media_client.delete(f"{urls[0]}/{media[0]['id']}", headers=author)
    assert first.status_code == 204, first.text
    assert (await media_client.get(urls[0])).json()["media"] == []
    # The other observation still shows the same file.
    assert stored_files(tmp_path) == [f"{sha256}.jpg", f"{sha256}.thumb.jpg"]
    assert (await media_client.get(media[1]["href"])).status_code == 200
    second = await media_client.delete(f"{urls[1]}/{media[1]['id']}", headers=author)
    assert second.status_code == 204
    assert stored_files(tmp_path) == []
    assert (await media_client.get(media[1]["href"])).status_code == 404


async def test_only_the_author_deletes_and_bad_ids_are_problems(
    media_client: httpx.AsyncClient, two_observations: dict[str, Any], db: Database
) -> None:
    urls, media = two_observations["urls"], two_observations["media"]
    _, stranger = await make_user(db, device=True)
    refused = await media_client.delete(f"{urls[0]}/{media[0]['id']}", headers=stranger)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    anonymous = await media_client.delete(f"{urls[0]}/{media[0]['id']}")
    assert anonymous.status_code == 401
    # A photo of the other observation, a media id that does not exist, not a UUID at all.
    author = two_observations["author"]
    for path in (f"{urls[0]}/{media[1]['id']}", f"{urls[0]}/{uuid.uuid4()}"):
        assert (await media_client.delete(path, headers=author)).status_code == 404
    assert (await media_client.delete(f"{urls[0]}/nope", headers=author)).status_code == 422
    assert len((await media_client.get(urls[0])).json()["media"]) == 1
