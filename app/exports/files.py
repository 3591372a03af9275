"""GeoPackage and FlatGeobuf exports, written by GDAL (pyogrio) into a temporary file.

Rows are appended to a GeoPackage chunk by chunk (bounded memory); a FlatGeobuf is then made
from it by GDAL streaming Arrow batches, since appending to a FlatGeobuf rewrites the file.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
from sqlalchemy.ext.asyncio import AsyncSession

from app.exports import columns, repeats
from app.exports.metadata import description, layer_metadata
from app.exports.service import Export
from app.ogc.features import rows_query
from app.ogc.sources import Property

CHUNK_ROWS = 5000
WGS84 = "EPSG:4326"
# GDAL marks a date-time as UTC with this time zone flag.
GDAL_UTC = 100
ID_COLUMN = "id"


def geometry_type(export: Export) -> str:
    types = export.collection.geometry_types
    return types[0] if len(types) == 1 else "Unknown"


async def write_file(session: AsyncSession, export: Export, directory: Path) -> Path:
    """Write the export into ``directory``; returns the path of the file to send."""
    gpkg = directory / f"{export.collection.id}.gpkg"
    await _write_gpkg(session, export, gpkg)
    if export.format == "gpkg":
        return gpkg
    fgb = directory / f"{export.collection.id}.fgb"
    await asyncio.to_thread(_gpkg_to_fgb, gpkg, fgb, export)
    return fgb


async def _write_gpkg(session: AsyncSession, export: Export, path: Path) -> None:
    collection = export.collection
    properties = collection.properties
    values = [columns.typed_value(prop) for prop in properties]
    query = rows_query(
        collection, export.where, columns.wkb(collection), columns.feature_id(collection), *values
    )
    result = await session.stream(query.execution_options(yield_per=CHUNK_ROWS))
    written = False
    async for rows in result.partitions(CHUNK_ROWS):
        await asyncio.to_thread(_append, path, export, properties, rows, written)
        written = True
    if not written:
        await asyncio.to_thread(_append, path, export, properties, [], False)
    if export.format == "gpkg":
        for table in repeats.repeat_tables(export):
            await _write_repeat(session, export, table, path)


async def _write_repeat(
    session: AsyncSession, export: Export, table: repeats.RepeatTable, path: Path
) -> None:
    """The child table ``<campaign>_<repeat>`` (no geometry), chunk by chunk."""
    result = await session.stream(table.query.execution_options(yield_per=CHUNK_ROWS))
    written = False
    async for rows in result.partitions(CHUNK_ROWS):
        await asyncio.to_thread(_append_instances, path, export, table, rows, written)
        written = True
    if not written:
        await asyncio.to_thread(_append_instances, path, export, table, [], False)


def _append_instances(
    path: Path, export: Export, table: repeats.RepeatTable, rows: Any, append: bool
) -> None:
    kinds = ["string", "integer", *(column.kind for column in table.columns)]
    data, masks = [], []
    for index, kind in enumerate(kinds):
        array, mask = _array(kind, [row[index] for row in rows])
        data.append(array)
        masks.append(mask)
    pyogrio.raw.write(
        str(path), None, data, repeats.header(table), field_mask=masks,
        layer=f"{export.collection.id}_{table.name}", driver="GPKG", geometry_type=None,
        append=append,
    )  # fmt: skip


def _append(
    path: Path, export: Export, properties: tuple[Property, ...], rows: Any, append: bool
) -> None:
    geometries = np.array([row[0] for row in rows], dtype=object)
    # The observation's id as the API gives it: rows join back to /observations/{id}.
    data: list[np.ndarray] = [np.array([row[1] for row in rows], dtype=object)]
    masks: list[np.ndarray | None] = [None]
    offsets = {}
    for index, prop in enumerate(properties):
        array, mask = _array(prop.kind, [row[index + 2] for row in rows])
        data.append(array)
        masks.append(mask)
        if prop.kind == "datetime":
            offsets[prop.name] = np.full(len(rows), GDAL_UTC, dtype=np.int16)
    options: dict[str, Any] = {}
    if not append:
        title = export.collection.title
        options = {
            "layer_options": {"DESCRIPTION": description(export), "IDENTIFIER": title},
            "layer_metadata": layer_metadata(export),
            # GeoPackage 1.2 reads without warnings in the GDAL of older QGIS releases.
            "dataset_options": {"VERSION": "1.2"},
        }
    pyogrio.raw.write(
        str(path), geometries, data, [ID_COLUMN, *(prop.name for prop in properties)],
        field_mask=masks,
        layer=export.collection.id, driver="GPKG", geometry_type=geometry_type(export),
        crs=WGS84, append=append, gdal_tz_offsets=offsets, **options,
    )  # fmt: skip


def _array(kind: str, values: list[Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """A numpy column for GDAL, and a mask of its nulls where the type has no null."""
    mask = np.array([value is None for value in values], dtype=bool)
    if kind in ("integer", "repeat"):
        return np.array([value or 0 for value in values], dtype=np.int64), mask
    if kind == "boolean":
        return np.array([bool(value) for value in values], dtype=bool), mask
    if kind == "number":
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64), None
    if kind == "date":
        return np.array(values, dtype="datetime64[D]"), None
    if kind == "datetime":
        naive = [None if v is None else _utc_naive(v) for v in values]
        return np.array(naive, dtype="datetime64[ms]"), None
    return np.array(values, dtype=object), None


def _utc_naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _gpkg_to_fgb(gpkg: Path, fgb: Path, export: Export) -> None:
    layer = export.collection.id
    with pyogrio.raw.open_arrow(str(gpkg), layer=layer, use_pyarrow=False) as (meta, stream):
        pyogrio.raw.write_arrow(
            stream, str(fgb), layer=layer, driver="FlatGeobuf",
            geometry_name=meta["geometry_name"] or "geom", geometry_type=geometry_type(export),
            crs=meta["crs"], layer_metadata=layer_metadata(export),
            layer_options={"TITLE": export.collection.title, "DESCRIPTION": description(export)},
        )  # fmt: skip
