"""SQL of the rules' dry run: the stored geometries of the observations it lists."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_GEOMETRIES = text(
    "SELECT id, ST_AsGeoJSON(geom, 7) AS geometry FROM observations WHERE id = ANY(:ids)"
)


async def geometries(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """GeoJSON geometries (as stored: the owner's view) of the given observations."""
    if not ids:
        return {}
    rows = await session.execute(_GEOMETRIES, {"ids": ids})
    return {row.id: orjson.loads(row.geometry) for row in rows}
