"""Photos and audio files of observations: uploaded by their author, photos cleaned, audio kept
as sent, stored once by content hash; each may answer one photo or audio question."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns.models import Campaign
from app.errors import FieldError, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from app.media import audio, images, questions
from app.media.models import Media
from app.observations.models import Observation
from app.review.community_models import Confirmation
from app.uploads import ReceivedUpload

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", **audio.EXTENSIONS}


def stored_path(directory: Path, sha256: str, content_type: str) -> Path:
    """Files fan out over 256 folders by the first two hex digits of their hash."""
    return directory / sha256[:2] / f"{sha256}.{EXTENSIONS[content_type]}"


def thumbnail_path(directory: Path, sha256: str) -> Path:
    return directory / sha256[:2] / f"{sha256}.thumb.jpg"


async def _writable(session: AsyncSession, observation_id: uuid.UUID, user: User) -> Observation:
    observation = await session.get(Observation, observation_id)
    if observation is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    # Its author; and those who confirmed it, for the photos of their confirmation.
    if observation.created_by != user.id and not user.is_admin:
        confirmed = select(Confirmation.id).where(
            Confirmation.observation_id == observation_id, Confirmation.user_id == user.id
        )
        if await session.scalar(confirmed) is None:
            raise Forbidden(action="add photos to this observation")
    return observation


async def question_of(
    session: AsyncSession, observation_id: uuid.UUID, user: User, field: str
) -> questions.Question:
    """The photo or audio question ``field`` of the observation, for one who may add to it."""
    observation = await _writable(session, observation_id, user)
    campaign = await session.get(Campaign, observation.campaign_id)
    specs = campaign.fields if campaign is not None else []
    return questions.resolve(field, specs, observation.properties or {})


async def add_photo(
    session: AsyncSession,
    directory: Path,
    observation_id: uuid.UUID,
    user: User,
    upload: ReceivedUpload,
    max_pixels: int,
    question: questions.Question | None = None,
) -> tuple[Media, bool]:
    """Store the photo (or, for an audio question, the audio file) received in
    ``upload.path``, or find it again: uploads are idempotent; (media, created). A photo is
    refused before decoding when it has more than ``max_pixels`` pixels."""
    await _writable(session, observation_id, user)
    if question is not None:
        questions.check_answers(question, upload.sha256)
    existing = await session.scalar(
        select(Media).where(
            Media.observation_id == observation_id, Media.upload_sha256 == upload.sha256
        )
    )
    if existing is not None:
        return existing, False
    field = question.field if question else None
    if question is not None and question.type == "audio":
        media = await _store_audio(directory, upload)
    else:
        media = await _store_photo(directory, upload, max_pixels)
    media.observation_id, media.field, media.created_by = observation_id, field, user.id
    session.add(media)
    await session.flush()
    return media, True


async def _store_photo(directory: Path, upload: ReceivedUpload, max_pixels: int) -> Media:
    cleaned = await _clean(upload.path, max_pixels)
    sha256 = hashlib.sha256(cleaned.data).hexdigest()
    await asyncio.to_thread(_write_files, directory, sha256, cleaned)
    return Media(
        upload_sha256=upload.sha256, sha256=sha256, content_type=cleaned.content_type,
        width=cleaned.width, height=cleaned.height, size_bytes=len(cleaned.data),
    )  # fmt: skip


async def _store_audio(directory: Path, upload: ReceivedUpload) -> Media:
    """Audio is kept as sent (no metadata to strip that we know of): stored by the upload's
    own SHA-256."""
    try:
        content_type = await asyncio.to_thread(audio.audio_type, upload.path)
    except audio.NotAudio as error:
        raise ValidationFailed(
            [FieldError("/file", "media_not_audio", {"found": str(error)[:80]})]
        ) from error
    target = stored_path(directory, upload.sha256, content_type)
    await asyncio.to_thread(_copy_once, upload.path, target)
    return Media(upload_sha256=upload.sha256, sha256=upload.sha256, content_type=content_type,
                 size_bytes=upload.size)  # fmt: skip


def _copy_once(source: Path, target: Path) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + f".{os.getpid()}.part")
    shutil.copyfile(source, partial)
    partial.replace(target)


async def _clean(path: Path, max_pixels: int) -> images.CleanImage:
    try:
        return await asyncio.to_thread(images.clean, path, max_pixels)
    except images.NotAnImage as error:
        raise ValidationFailed(
            [FieldError("/file", "media_not_an_image", {"found": str(error)[:80]})]
        ) from error
    except images.TooManyPixels as error:
        raise PayloadTooLarge(
            "media_too_many_pixels",
            width=error.width or "?",
            height=error.height or "?",
            megapixels=round(error.pixels / 1e6, 1),
            limit=error.limit,
            limit_megapixels=round(error.limit / 1e6, 1),
        ) from error


def _write_files(directory: Path, sha256: str, cleaned: images.CleanImage) -> None:
    path = stored_path(directory, sha256, cleaned.content_type)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same hash, same bytes: a file already there is the one we would write.
    for target, data in (
        (path, cleaned.data),
        (thumbnail_path(directory, sha256), cleaned.thumbnail),
    ):
        if not target.exists():
            partial = target.with_suffix(target.suffix + f".{os.getpid()}.part")
            partial.write_bytes(data)
            partial.replace(target)


async def photos_of(session: AsyncSession, observation_id: uuid.UUID) -> list[Media]:
    query = select(Media).where(Media.observation_id == observation_id).order_by(Media.created_at)
    return list(await session.scalars(query))


def describe(media: Media) -> dict[str, Any]:
    extension = EXTENSIONS[media.content_type]
    is_photo = media.content_type.startswith("image/")
    return {
        "id": media.id,
        "observation_id": media.observation_id,
        "field": media.field,
        # The digest the observation's properties give (the file as sent).
        "upload_sha256": media.upload_sha256,
        "sha256": media.sha256,
        "content_type": media.content_type,
        "width": media.width,
        "height": media.height,
        "bytes": media.size_bytes,
        "href": f"/media/{media.sha256}.{extension}",
        "thumbnail": f"/media/{media.sha256}.thumb.jpg" if is_photo else None,
    }
