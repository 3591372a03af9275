"""A campaign area read from an uploaded file (GeoJSON, GeoPackage, zipped Shapefile...).

Nothing is stored: the owner sees the area and what was read to make it, then saves it with
PATCH like any other area. GDAL reads and shapely unions in a worker thread (area_source.py);
PostGIS reprojects to WGS 84, repairs and measures (area_repository.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns import area_repository
from app.campaigns.area_source import PolygonsRead, read_polygons
from app.campaigns.schemas import AreaFileOptions, AreaFileReport, AreaPreview
from app.quality.layers import ensure_lon_lat, geometry_errors_are_the_file_s, resolve_crs
from app.quality.schemas import LayerImport

# An area file is a boundary, not a layer: far below the reference layers' upload limit.
MAX_AREA_FILE_BYTES = 50 * 1024 * 1024


def area_file_limit(max_upload_bytes: int) -> int:
    return min(max_upload_bytes, MAX_AREA_FILE_BYTES)


async def preview_area_file(
    session: AsyncSession, path: Path, name: str, options: AreaFileOptions
) -> AreaPreview:
    """The union of the file's polygons in WGS 84, with the report of what was read.

    Raises LayerSourceError (422) naming what is wrong with the file or the options."""
    read = await asyncio.to_thread(read_polygons, path, name, options.layer, options.crs)
    given = LayerImport(slug="campaign-area", crs=options.crs)
    crs = await resolve_crs(session, read.source, given)
    async with geometry_errors_are_the_file_s(session, name):
        area = await area_repository.area_in_wgs84(session, read.wkb, crs.srid, crs.proj)
    ensure_lon_lat(area.bbox, crs)
    return AreaPreview(area=orjson.loads(area.geojson), report=_report(read, name, crs.label, area))


def _report(
    read: PolygonsRead, name: str, crs: str, area: area_repository.AreaInWgs84
) -> AreaFileReport:
    return AreaFileReport(
        file=name,
        source_driver=read.source.driver,
        source_layer=read.source.layer,
        source_crs=crs,
        features_read=read.features_read,
        polygons_kept=read.polygons_kept,
        skipped_other=read.skipped_other,
        skipped_empty=read.skipped_empty,
        repaired=read.repaired,
        parts=area.parts,
        vertices=area.vertices,
        surface_km2=round(area.surface_km2, 3),
        bbox=[round(value, 7) for value in area.bbox],
    )
