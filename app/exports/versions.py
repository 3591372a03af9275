"""The version of an export's data: what its ETag, Last-Modified and cached file are named by.

Every change to an observation (edit, status, moderation, withdrawal) takes a new
``change_seq``; a photo or audio file added or removed changes the media rows. The version is
a digest of the matching rows' (id, change_seq) pairs and of their media, computed over the
published rows only, so that it tells nothing about unpublished ones. A sum of per-row hashes
rather than ``max(change_seq)``: a transaction that took its number early and commits late
must still change the version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Numeric, Text, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.exports.service import Export
from app.media.models import Media
from app.observations.models import Observation

# Bumped when the writers change what they put in a file: old cached files are then rebuilt.
REVISION = 2


@dataclass(frozen=True, slots=True)
class DataVersion:
    request_key: str  # the campaign, the format and every parameter of the request
    data_key: str  # the rows and their media
    last_modified: datetime

    @property
    def etag(self) -> str:
        return f'"{self.request_key}-{self.data_key}"'


def _row_hash(*parts: Any) -> Any:
    text = func.concat_ws(":", *(cast(part, Text) for part in parts))
    return func.coalesce(func.sum(cast(func.hashtextextended(text, 0), Numeric)), 0)


async def data_version(
    session: AsyncSession, export: Export, params: Mapping[str, str]
) -> DataVersion:
    collection = export.collection
    where = (*collection.where, *export.where)
    rows = select(
        func.count(), _row_hash(Observation.id, Observation.change_seq),
        func.max(Observation.updated_at),
    ).where(*where)  # fmt: skip
    media = (
        select(func.count(), _row_hash(Media.id), func.max(Media.created_at))
        .join(Observation, Observation.id == Media.observation_id)
        .where(*where)
    )
    found = (await session.execute(rows)).one()
    files = (await session.execute(media)).one()
    times = [t for t in (collection.updated_at, found[2], files[2]) if t is not None]
    data = [str(found[0]), str(found[1]), str(files[0]), str(files[1]), _definition(export)]
    request = [REVISION, collection.id, sorted(params.items()), export.source_url]
    return DataVersion(_digest(request), _digest(data), max(times))


def _definition(export: Export) -> list[Any]:
    """What of the campaign shapes the file: its form, licence, publication policy..."""
    collection = export.collection
    return [
        collection.title, collection.description, collection.licence, collection.attribution,
        collection.updated_at.isoformat(), collection.statuses, collection.precision_m,
        [(p.name, p.kind) for p in collection.properties],
    ]  # fmt: skip


def _digest(value: Any) -> str:
    return hashlib.blake2b(orjson.dumps(value), digest_size=10).hexdigest()
