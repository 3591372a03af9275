"""Streaming exports: GeoJSON, GeoJSONSeq (RFC 8142), CSV (plain, or zipped with a README).

Rows come from a server-side cursor in chunks and leave as bytes at once: memory stays the
same whatever the size of the campaign. Each writer opens its own session, because the
response body is produced after the endpoint (and its request session) has returned.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator, Sequence
from datetime import UTC
from typing import Any

import orjson
from sqlalchemy import Select

from app.db.session import Database
from app.exports import columns, repeats
from app.exports.metadata import licence_members, readme
from app.exports.service import CsvOptions, Export
from app.ogc.crs import CRS84
from app.ogc.features import feature_text, rows_query

CHUNK_ROWS = 2000
RECORD_SEPARATOR = b"\x1e"
BOM = "\ufeff".encode()


async def _partitions(database: Database, query: Select[Any]) -> AsyncIterator[Sequence[Any]]:
    async with database.session() as session:
        result = await session.stream(query.execution_options(yield_per=CHUNK_ROWS))
        async for rows in result.partitions(CHUNK_ROWS):
            yield rows


async def geojson(database: Database, export: Export) -> AsyncIterator[bytes]:
    """A FeatureCollection whose licence and attribution are foreign members."""
    head = {"type": "FeatureCollection", "name": export.collection.id, **licence_members(export)}
    yield orjson.dumps(head)[:-1] + b',"features":['
    query = rows_query(export.collection, export.where, feature_text(export.collection, CRS84))
    first = True
    async for rows in _partitions(database, query):
        text = ",".join(row[0] for row in rows)
        yield (text if first else "," + text).encode()
        first = False
    yield b"]}"


async def geojson_sequence(database: Database, export: Export) -> AsyncIterator[bytes]:
    """RS-separated Features; each carries the licence, as each may be read on its own."""
    members = orjson.dumps(licence_members(export, links=False)).decode()
    feature = feature_text(export.collection, CRS84, "," + members[1:-1])
    query = rows_query(export.collection, export.where, feature)
    async for rows in _partitions(database, query):
        yield b"".join(RECORD_SEPARATOR + row[0].encode() + b"\n" for row in rows)


class _Sink:
    """A write-only file for zipfile: what is written is collected and handed out by drain."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def csv_header(export: Export) -> list[str]:
    return ["id", *(prop.name for prop in export.collection.properties), "WKT"]


def _csv_query(export: Export) -> Select[Any]:
    collection = export.collection
    values = [columns.text_value(prop) for prop in collection.properties]
    return rows_query(
        collection, export.where, columns.feature_id(collection), *values, columns.wkt(collection)
    )


async def csv_plain(database: Database, export: Export) -> AsyncIterator[bytes]:
    """The main CSV alone (UTF-8; BOM and separator as asked): the licence and attribution
    travel in the response's Link header, repeats' instances only in the zip."""
    options = export.csv
    yield (BOM if options.bom else b"") + _csv_lines([csv_header(export)], options)
    async for rows in _partitions(database, _csv_query(export)):
        yield _csv_lines(rows, options)


async def csv_zip(database: Database, export: Export) -> AsyncIterator[bytes]:
    """A zip of the CSV (WKT geometry column, one column per property) and a README with
    the licence and attribution; GDAL reads it as ``/vsizip/<file>.zip/<slug>.csv``."""
    collection, options = export.collection, export.csv
    query = _csv_query(export)
    start = BOM if options.bom else b""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED)
    archive.writestr(_entry("README.txt", export), readme(export, csv_header(export)))
    with archive.open(_entry(f"{collection.id}.csv", export), "w", force_zip64=True) as entry:
        entry.write(start + _csv_lines([csv_header(export)], options))
        yield sink.drain()
        async for rows in _partitions(database, query):
            entry.write(_csv_lines(rows, options))
            yield sink.drain()
    for table in repeats.repeat_tables(export):
        # The instances of each repeat question, related to the main CSV by observation_id.
        with archive.open(_entry(f"{table.name}.csv", export), "w", force_zip64=True) as entry:
            entry.write(start + _csv_lines([repeats.header(table)], options))
            async for rows in _partitions(database, table.text_query):
                entry.write(_csv_lines(rows, options))
                yield sink.drain()
    archive.close()
    yield sink.drain()


def _entry(name: str, export: Export) -> zipfile.ZipInfo:
    """A zip member dated by the data, not the clock: the same data gives the same bytes."""
    stamp = export.created_at.astimezone(UTC)
    entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _csv_lines(rows: Sequence[Any], options: CsvOptions) -> bytes:
    """RFC 4180 lines: a value holding the separator, a quote or a line break is quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=options.separator, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()
