"""Photos of observations: uploaded by their author, cleaned, stored once by content hash."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.errors import FieldError, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from app.media import images
from app.media.models import Media
from app.observations.models import Observation
from app.review.community_models import Confirmation
from app.uploads import ReceivedUpload

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def stored_path(directory: Path, sha256: str, content_type: str) -> Path:
    """Files fan out over 256 folders by the first two hex digits of their hash."""
    return directory / sha256[:2] / f"{sha256}.{EXTENSIONS[content_type]}"


def thumbnail_path(directory: Path, sha256: str) -> Path:
    return directory / sha256[:2] / f"{sha256}.thumb.jpg"


async def add_photo(
    session: AsyncSession,
    directory: Path,
    observation_id: uuid.UUID,
    user: User,
    upload: ReceivedUpload,
    max_pixels: int,
) -> tuple[Media, bool]:
    """Store the photo received in ``upload.path`` (or find it again: uploads are idempotent);
    (media, created). Refused before decoding when it has more than ``max_pixels`` pixels."""
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
    existing = await session.scalar(
        select(Media).where(
            Media.observation_id == observation_id, Media.upload_sha256 == upload.sha256
        )
    )
    if existing is not None:
        return existing, False
    cleaned = await _clean(upload.path, max_pixels)
    sha256 = hashlib.sha256(cleaned.data).hexdigest()
    await asyncio.to_thread(_write_files, directory, sha256, cleaned)
    media = Media(
        observation_id=observation_id, upload_sha256=upload.sha256, sha256=sha256,
        content_type=cleaned.content_type, width=cleaned.width, height=cleaned.height,
        size_bytes=len(cleaned.data), created_by=user.id,
    )  # fmt: skip
    session.add(media)
    await session.flush()
    return media, True


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
    return {
        "id": media.id,
        "observation_id": media.observation_id,
        "sha256": media.sha256,
        "content_type": media.content_type,
        "width": media.width,
        "height": media.height,
        "bytes": media.size_bytes,
        "href": f"/media/{media.sha256}.{extension}",
        "thumbnail": f"/media/{media.sha256}.thumb.jpg",
    }
