"""The SQL of a campaign area read from a file: reprojected to WGS 84 and measured by PostGIS."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The geometry in the source CRS, given either by SRID (spatial_ref_sys) or by a PROJ string or
# WKT that PostGIS hands to PROJ; then valid (reprojection may fold a ring) and a MultiPolygon.
_IN_WGS84 = """
WITH source AS (
  SELECT CASE WHEN CAST(:proj AS text) IS NULL
    THEN ST_Transform(ST_GeomFromWKB(:wkb, CAST(:srid AS integer)), 4326)
    ELSE ST_Transform(ST_GeomFromWKB(:wkb), CAST(:proj AS text), 4326) END AS geom
), area AS (
  SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)) AS geom FROM source
)
SELECT ST_AsGeoJSON(geom, 7), ST_Area(geom::geography) / 1e6, ST_NPoints(geom),
       ST_NumGeometries(geom), ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
FROM area
"""


@dataclass(frozen=True, slots=True)
class AreaInWgs84:
    geojson: str
    surface_km2: float
    vertices: int
    parts: int
    bbox: list[float]


async def area_in_wgs84(
    session: AsyncSession, wkb: bytes, srid: int | None, proj: str | None
) -> AreaInWgs84:
    """``wkb`` (in the CRS ``srid`` or ``proj``) as a valid WGS 84 MultiPolygon, measured."""
    row = (
        await session.execute(
            text(_IN_WGS84), {"wkb": wkb, "srid": srid if proj is None else None, "proj": proj}
        )
    ).one()
    return AreaInWgs84(
        geojson=row[0],
        surface_km2=float(row[1]),
        vertices=int(row[2]),
        parts=int(row[3]),
        bbox=[float(value) for value in row[4:8]],
    )
