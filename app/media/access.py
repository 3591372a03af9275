"""Who may fetch a photo, and its author deleting it.

A stored file is named by the hash of its bytes, but the name is no key: the file is served
to anyone only while one observation using it is published (``app/observations/
publication.py``), and then cached publicly for a year. Otherwise only someone who may read
one of those observations (its author, the campaign's staff) gets it, never cached; anyone
else gets 404, as for a file that does not exist.
"""

from __future__ import annotations

import uuid
from enum import Enum
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.errors import Forbidden, NotFound
from app.media import files_repository as repository
from app.media.service import stored_path, thumbnail_path
from app.observations import publication
from app.observations.models import Observation


class FileAccess(Enum):
    PUBLIC = "public"  # an observation using it is published: cache it anywhere
    PRIVATE = "private"  # only the reader may see it: never cache it


async def file_access(
    session: AsyncSession, name: str, sha256: str, reader: User | None
) -> FileAccess:
    """How the file ``sha256`` may be sent to ``reader``; NotFound when it may not."""
    owners = await repository.owners_of_file(session, sha256)
    if owners and owners[0].published:
        return FileAccess.PUBLIC
    for campaign, author, _ in owners:
        access = await publication.access_of(session, campaign, author, reader)
        if access is not publication.Access.PUBLIC:
            return FileAccess.PRIVATE
    raise NotFound("media_not_found", name=name)


async def delete_photo(
    session: AsyncSession,
    directory: Path,
    observation_id: uuid.UUID,
    media_id: uuid.UUID,
    user: User,
) -> list[Path]:
    """Remove a photo from its observation (its author, or an admin); the files to delete
    once the change is committed: none while another observation uses the same file."""
    observation = await session.get(Observation, observation_id)
    if observation is None:
        raise NotFound("observation_not_found", id=str(observation_id))
    if observation.created_by != user.id and not user.is_admin:
        raise Forbidden(action="delete photos of this observation")
    media = await repository.photo(session, observation_id, media_id)
    if media is None:
        raise NotFound("media_not_found", name=str(media_id))
    if not await repository.delete_photo(session, media):
        return []
    return [stored_path(directory, media.sha256, media.content_type),
            thumbnail_path(directory, media.sha256)]  # fmt: skip


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
