from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from app.auth.deps import CurrentUser, OptionalUser
from app.auth.ratelimit import RateLimit
from app.config import media_directory
from app.db.session import SessionDep
from app.errors import BadRequest, NotFound, PayloadTooLarge
from app.media import access, audio, service
from app.media.headers import MediaRoute
from app.observations import service as observations
from app.uploads import ReceivedUpload, UploadRules, receive_body, receive_form, temporary_upload
from app.web import etag_matches, json_response

# MediaRoute: every media response says X-Content-Type-Options: nosniff.
router = APIRouter(tags=["media"], route_class=MediaRoute)
files_router = APIRouter(tags=["media"], route_class=MediaRoute)
_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "thumb.jpg": "image/jpeg",
          **{extension: kind for kind, extension in audio.EXTENSIONS.items()}}  # fmt: skip
_FILE_NAME = re.compile(
    r"^([0-9a-f]{64})\.("
    + "|".join(re.escape(e) for e in sorted(_TYPES, key=len, reverse=True))
    + ")$"
)


@asynccontextmanager
async def _upload(request: Request, limit: int) -> AsyncIterator[ReceivedUpload]:
    """The ``file`` part of a multipart body, or the raw body of another request, streamed to
    a temporary file (removed after the block) and refused as soon as it passes ``limit``."""
    rules = UploadRules(limit, lambda: _too_large(limit), "media_upload_malformed")
    content_type = request.headers.get("content-type", "")
    async with temporary_upload() as upload:
        if content_type.startswith("multipart/"):
            await receive_form(request, upload, rules)
        else:
            await receive_body(request, upload, rules)
        if upload.size == 0:
            raise BadRequest("media_file_missing")
        yield upload


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge("media_too_large", limit=limit, limit_mib=round(limit / 2**20, 1))


@router.post("/observations/{observation_id}/media", status_code=201)
async def upload_photo(
    observation_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    _: RateLimit,
    field: str | None = Query(
        default=None, max_length=200,
        description="The photo or audio question the file answers (`photo_front`, or "
        "`trees/0/photo` in a repeat): its SHA-256 must be one of that question's digests.",
    ),
) -> Response:  # fmt: skip
    """Add a photo (JPEG, PNG or WebP, checked from its bytes); metadata and GPS are removed.
    For an audio question, an audio file (MP3, M4A, AAC, Ogg, WebM, WAV), stored as sent.
    Refused (413) past the size limit in bytes or in pixels, whatever the body declared."""
    settings = request.app.state.settings
    question = None
    if field is not None:
        question = await service.question_of(session, observation_id, user, field)
    is_audio = question is not None and question.type == "audio"
    limit = settings.max_audio_bytes if is_audio else settings.max_media_bytes
    async with _upload(request, limit) as upload:
        media, created = await service.add_photo(
            session, media_directory(settings), observation_id, user, upload,
            settings.max_media_pixels, question,
        )  # fmt: skip
    return json_response(service.describe(media), 201 if created else 200)


@router.get("/observations/{observation_id}/media")
async def list_photos(
    observation_id: uuid.UUID, session: SessionDep, user: OptionalUser
) -> dict[str, Any]:
    await observations.readable(session, observation_id, user)  # 404 or 410 when not visible
    return {
        "media": [service.describe(m) for m in await service.photos_of(session, observation_id)]
    }


@router.delete("/observations/{observation_id}/media/{media_id}", status_code=204)
async def delete_photo(
    observation_id: uuid.UUID, media_id: uuid.UUID, request: Request, session: SessionDep,
    user: CurrentUser,
) -> Response:  # fmt: skip
    """Remove a photo from your observation; its file goes unless another observation uses it."""
    directory = media_directory(request.app.state.settings)
    paths = await access.delete_photo(session, directory, observation_id, media_id, user)
    # After the commit (the session dependency commits before the response is sent).
    return Response(status_code=204, background=BackgroundTask(access.remove_files, paths))


_CACHING = {
    access.FileAccess.PUBLIC: "public, max-age=31536000, immutable",
    access.FileAccess.PRIVATE: "private, no-store",
}


@files_router.get("/media/{name}")
async def photo_file(
    name: str, request: Request, session: SessionDep, user: OptionalUser
) -> Response:
    """A stored photo or thumbnail: content-addressed, so cached for a year once published;
    a photo of an observation not (yet) public only for those who may read it, never cached."""
    match = _FILE_NAME.match(name)
    if match is None:
        raise NotFound("media_not_found", name=name)
    sha256, kind = match.groups()
    directory = media_directory(request.app.state.settings)
    path = directory / sha256[:2] / name
    if not path.is_file():
        raise NotFound("media_not_found", name=name)
    served = await access.file_access(session, name, sha256, user)
    headers = {"Cache-Control": _CACHING[served], "ETag": f'"{sha256}"',
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    if served is access.FileAccess.PRIVATE:
        headers["Vary"] = "Authorization"
    if etag_matches(request.headers.get("if-none-match"), f'"{sha256}"'):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=_TYPES[kind], headers=headers)
