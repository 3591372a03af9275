"""Files per question: each upload answers a photo or audio question of the form (its digest
must be one the observation gives), audio is accepted for audio questions and served only to
those who may read the observation."""

from __future__ import annotations

import hashlib
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
from tests.factories import campaign_body, make_user, point_feature

LABEL = {"fr": "x", "en": "x"}
FIELDS = [
    {"name": "photo_front", "type": "photo", "label": LABEL, "max_count": 2},
    {"name": "song", "type": "audio", "label": LABEL},
    {"name": "trees", "type": "repeat", "label": LABEL,
     "fields": [{"name": "photo", "type": "photo", "label": LABEL}]},
]  # fmt: skip
# A WAV header and a little silence; an Ogg page start; a WebM (EBML) header.
WAV = b"RIFF" + (36 + 800).to_bytes(4, "little") + b"WAVEfmt " + bytes(24) + b"data" + bytes(804)
OGG = b"OggS\x00\x02" + bytes(200)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(200)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
M4A = b"\x00\x00\x00\x20ftypM4A " + bytes(200)


def jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
async def media_client(
    settings: Settings, db: Database, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings, db, media_dir=tmp_path, max_audio_bytes=4096) as client:
        yield client


async def _observation(
    client: httpx.AsyncClient, db: Database, properties: dict[str, Any], **campaign: Any
) -> dict[str, Any]:
    _, admin = await make_user(db, admin=True)
    _, author = await make_user(db)
    body = campaign_body("sons", fields=FIELDS, **campaign)
    assert (await client.post("/api/v1/campaigns", json=body, headers=admin)).status_code == 201
    feature = point_feature()
    feature["properties"] = properties
    sent = await client.post("/api/v1/campaigns/sons/observations", json=feature, headers=author)
    assert sent.status_code == 201, sent.text
    return {"url": f"/api/v1/observations/{feature['id']}/media", "author": author, "admin": admin}


async def _upload(
    client: httpx.AsyncClient, target: dict[str, Any], data: bytes, field: str | None
) -> httpx.Response:
    params = {"field": field} if field is not None else {}
    return await client.post(target["url"], params=params, files={"file": ("f", data)},
                             headers=target["author"])  # fmt: skip


async def test_each_file_is_attached_to_its_question(
    media_client: httpx.AsyncClient, db: Database
) -> None:
    front, tree = jpeg("green"), jpeg("red")
    properties = {
        "photo_front": [sha(front)],
        "song": [sha(WAV)],
        "trees": [{}, {"photo": [sha(tree)]}],
    }
    target = await _observation(media_client, db, properties)
    first = await _upload(media_client, target, front, "photo_front")
    assert first.status_code == 201, first.text
    assert first.json()["field"] == "photo_front" and first.json()["upload_sha256"] == sha(front)
    in_repeat = await _upload(media_client, target, tree, "trees/1/photo")
    assert in_repeat.status_code == 201 and in_repeat.json()["field"] == "trees/1/photo"
    song = await _upload(media_client, target, WAV, "song")
    assert song.status_code == 201, song.text
    assert song.json()["content_type"] == "audio/wav" and song.json()["thumbnail"] is None
    assert song.json()["sha256"] == sha(WAV) and song.json()["href"].endswith(".wav")
    served = await media_client.get(song.json()["href"], headers=target["author"])
    assert served.content == WAV and served.headers["content-type"] == "audio/wav"
    listed = (await media_client.get(target["url"], headers=target["author"])).json()["media"]
    assert sorted(m["field"] for m in listed) == ["photo_front", "song", "trees/1/photo"]
    # Photos without a question keep working as before.
    plain = await _upload(media_client, target, jpeg("blue"), None)
    assert plain.status_code == 201 and plain.json()["field"] is None


async def test_a_file_not_given_by_the_question_is_422(
    media_client: httpx.AsyncClient, db: Database
) -> None:
    front = jpeg("green")
    target = await _observation(media_client, db, {"photo_front": [sha(front)], "song": [sha(OGG)]})
    wrong = await _upload(media_client, target, jpeg("red"), "photo_front")
    assert wrong.status_code == 422
    assert [(e["path"], e["code"]) for e in wrong.json()["errors"]] == [
        ("/file", "media_not_in_question")
    ]
    elsewhere = await _upload(media_client, target, front, "song")
    assert elsewhere.status_code == 422
    for field in (
        "nope",
        "species",
        "trees/0/photo",
        "trees/x/photo",
        "a/b",
        "trees/0/nope",
    ):
        response = await _upload(media_client, target, front, field)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["path"] in ("/field", "/file")
    nul = await _upload(media_client, target, front, "x\u0000")
    assert nul.status_code == 400 and nul.json()["code"] == "unstorable_in_query"
    image_as_audio = await _observation_of_song(media_client, target, jpeg("red"))
    assert image_as_audio.status_code == 422


async def _observation_of_song(
    client: httpx.AsyncClient, target: dict[str, Any], data: bytes
) -> httpx.Response:
    feature = point_feature()
    feature["properties"] = {"song": [sha(data)]}
    await client.post("/api/v1/campaigns/sons/observations", json=feature, headers=target["author"])
    url = f"/api/v1/observations/{feature['id']}/media"
    return await client.post(url, params={"field": "song"}, files={"file": ("f.wav", data)},
                             headers=target["author"])  # fmt: skip


@pytest.mark.parametrize(("data", "kind", "extension"), [
    (OGG, "audio/ogg", "ogg"), (WEBM, "audio/webm", "weba"), (MP3, "audio/mpeg", "mp3"),
    (M4A, "audio/mp4", "m4a"), (b"\xff\xf1\x50\x80" + bytes(300), "audio/aac", "aac"),
])  # fmt: skip
async def test_audio_formats_come_from_the_bytes(
    media_client: httpx.AsyncClient, db: Database, data: bytes, kind: str, extension: str
) -> None:
    target = await _observation(media_client, db, {"song": [sha(data)]})
    response = await _upload(media_client, target, data, "song")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == kind
    assert response.json()["href"].endswith(f".{extension}")


async def test_audio_size_is_limited_and_private_audio_is_not_served_to_others(
    media_client: httpx.AsyncClient, db: Database
) -> None:
    big = WAV + bytes(5000)
    target = await _observation(media_client, db, {"song": [sha(WAV)], "photo_front": [sha(big)]},
                                publication_policy="validated_only")  # fmt: skip
    song = await _upload(media_client, target, WAV, "song")
    assert song.status_code == 201
    href = song.json()["href"]
    author = await media_client.get(href, headers=target["author"])
    assert author.status_code == 200 and author.headers["cache-control"] == "private, no-store"
    _, stranger = await make_user(db)
    assert (await media_client.get(href, headers=stranger)).status_code == 404
    assert (await media_client.get(href)).status_code == 404
    assert (await media_client.get(target["url"], headers=stranger)).status_code == 404
    # Another user cannot add to the question.
    forbidden = await media_client.post(target["url"], params={"field": "song"},
                                        files={"file": ("f", WAV)}, headers=stranger)  # fmt: skip
    assert forbidden.status_code == 403
    # The audio limit applies to audio questions only.
    too_big = await media_client.post(target["url"], params={"field": "song"},
                                      files={"file": ("f", WAV + bytes(5000))},
                                      headers=target["author"])  # fmt: skip
    assert too_big.status_code == 413
