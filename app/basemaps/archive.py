"""Tile archives read by byte ranges: PMTiles v3 (the ``pmtiles`` library's directory codec
over a memory map) and MBTiles (SQLite, read-only). Both answer a tile's bytes as stored, and
its size alone without reading it (what an offline download costs is known before it starts).
"""

from __future__ import annotations

import gzip
import json
import mmap
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from pmtiles.tile import (
    Compression,
    Entry,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)

# What a tile is, as the HTTP answer names it.
MEDIA_TYPES = {
    "pbf": "application/vnd.mapbox-vector-tile",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
}
_PMTILES_TYPES = {
    TileType.MVT: "pbf",
    TileType.PNG: "png",
    TileType.JPEG: "jpg",
    TileType.WEBP: "webp",
}


class ArchiveError(Exception):
    """The file is not a tile archive this server can read (said in the log, not served)."""


@dataclass(frozen=True, slots=True)
class ArchiveInfo:
    format: str  # pbf | png | jpg | webp
    gzipped: bool  # tiles stored gzip-compressed (vector tiles usually are)
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]
    center: tuple[float, float, int]
    name: str = ""
    description: str = ""
    attribution: str = ""
    vector_layers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def vector(self) -> bool:
        return self.format == "pbf"


class Archive(Protocol):
    info: ArchiveInfo

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def tile_size(self, z: int, x: int, y: int) -> int | None: ...


def open_archive(path: Path) -> Archive:
    if path.suffix == ".pmtiles":
        return PmtilesArchive(path)
    if path.suffix == ".mbtiles":
        return MbtilesArchive(path)
    raise ArchiveError(f"{path.name}: not a .pmtiles or .mbtiles file")


class PmtilesArchive:
    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            try:
                self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError as error:  # an empty file
                raise ArchiveError(f"{path.name}: {error}") from error
        try:
            self._header = deserialize_header(self._map[0:127])
        except Exception as error:  # the library raises bare exceptions on other files
            raise ArchiveError(f"{path.name}: not a PMTiles v3 archive") from error
        header = self._header
        tile_type = _PMTILES_TYPES.get(header["tile_type"])
        if tile_type is None:
            raise ArchiveError(f"{path.name}: tile type {header['tile_type'].name} not served")
        metadata = self._metadata()
        self.info = ArchiveInfo(
            format=tile_type,
            gzipped=header["tile_compression"] == Compression.GZIP,
            minzoom=header["min_zoom"],
            maxzoom=header["max_zoom"],
            bounds=(
                header["min_lon_e7"] / 1e7,
                header["min_lat_e7"] / 1e7,
                header["max_lon_e7"] / 1e7,
                header["max_lat_e7"] / 1e7,
            ),
            center=(
                header["center_lon_e7"] / 1e7,
                header["center_lat_e7"] / 1e7,
                header["center_zoom"],
            ),
            name=str(metadata.get("name", "")),
            description=str(metadata.get("description", "")),
            attribution=str(metadata.get("attribution", "")),
            vector_layers=list(metadata.get("vector_layers", [])),
        )
        self._directory = lru_cache(maxsize=256)(self._read_directory)

    def _metadata(self) -> dict[str, Any]:
        header = self._header
        start = header["metadata_offset"]
        raw = self._map[start : start + header["metadata_length"]]
        if header["internal_compression"] == Compression.GZIP:
            raw = gzip.decompress(raw)
        try:
            value = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _read_directory(self, offset: int, length: int) -> list[Entry]:
        return deserialize_directory(self._map[offset : offset + length])

    def _entry(self, z: int, x: int, y: int) -> Entry | None:
        header = self._header
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = header["root_offset"], header["root_length"]
        for _depth in range(4):
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                return entry
            offset, length = header["leaf_directory_offset"] + entry.offset, entry.length
        return None

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        entry = self._entry(z, x, y)
        if entry is None:
            return None
        start = self._header["tile_data_offset"] + entry.offset
        return self._map[start : start + entry.length]

    def tile_size(self, z: int, x: int, y: int) -> int | None:
        entry = self._entry(z, x, y)
        return entry.length if entry is not None else None


class MbtilesArchive:
    """MBTiles 1.3: TMS rows (y flipped), metadata as name/value rows."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()
        try:
            rows = dict(self._db().execute("SELECT name, value FROM metadata").fetchall())
        except sqlite3.DatabaseError as error:
            raise ArchiveError(f"{path.name}: not an MBTiles file ({error})") from error
        tile_format = str(rows.get("format", "png")).lower().replace("jpeg", "jpg")
        if tile_format not in MEDIA_TYPES:
            raise ArchiveError(f"{path.name}: tile format {tile_format} not served")
        bounds = _floats(rows.get("bounds"), 4) or (-180.0, -85.05113, 180.0, 85.05113)
        zooms = self._db().execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        minzoom = int(rows.get("minzoom", zooms[0] or 0))
        maxzoom = int(rows.get("maxzoom", zooms[1] or 0))
        center = _floats(rows.get("center"), 3)
        json_meta = _json_object(rows.get("json"))
        self.info = ArchiveInfo(
            format=tile_format,
            gzipped=tile_format == "pbf" and self._first_tile_gzipped(),
            minzoom=minzoom,
            maxzoom=maxzoom,
            bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
            center=(center[0], center[1], int(center[2]))
            if center
            else ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, minzoom),
            name=str(rows.get("name", "")),
            description=str(rows.get("description", "")),
            attribution=str(rows.get("attribution", "")),
            vector_layers=list(json_meta.get("vector_layers", [])),
        )

    def _db(self) -> sqlite3.Connection:
        """One read-only connection per thread (SQLite connections are not shared)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            uri = f"file:{self._path}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def _first_tile_gzipped(self) -> bool:
        row = self._db().execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        return bool(row) and bytes(row[0][:2]) == b"\x1f\x8b"

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        row = (
            self._db()
            .execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (1 << z) - 1 - y),
            )
            .fetchone()
        )
        return bytes(row[0]) if row else None

    def tile_size(self, z: int, x: int, y: int) -> int | None:
        row = (
            self._db()
            .execute(
                "SELECT length(tile_data) FROM tiles "
                "WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (1 << z) - 1 - y),
            )
            .fetchone()
        )
        return int(row[0]) if row else None


def _floats(value: object, count: int) -> tuple[float, ...] | None:
    try:
        numbers = tuple(float(part) for part in str(value).split(","))
    except ValueError:
        return None
    return numbers if len(numbers) == count else None


def _json_object(value: object) -> dict[str, Any]:
    try:
        parsed = json.loads(str(value)) if value else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
