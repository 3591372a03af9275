"""Reading a reference layer's source with GDAL (pyogrio): blocking calls, run them in a thread.

``open_source`` finds the dataset (a file, or one inside a zip archive through GDAL's /vsizip/),
the layer, and for a CSV the coordinate columns; ``read_chunk`` reads a slice of features as
staging records: the FID, the properties as JSON bytes, the geometry as WKB (2D).
"""

from __future__ import annotations

import base64
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import orjson
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from app.errors import FieldError, ValidationFailed, pointer
from app.quality.layers_repository import StagingRecord
from app.quality.schemas import LayerImport

SUPPORTED_DRIVERS = {
    "GeoJSON": "GeoJSON",
    "GPKG": "GeoPackage",
    "ESRI Shapefile": "Shapefile",
    "FlatGeobuf": "FlatGeobuf",
    "CSV": "CSV",
}
# Datasets looked for inside a zip archive (a Shapefile is found by its .shp).
DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb", ".csv")
CSV_SUFFIXES = (".csv", ".tsv")
# x/y column names tried in order, case-insensitively, when a CSV's are not named.
COORDINATE_COLUMNS = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("x", "y"))
CHUNK_FEATURES = 20_000
# Each chunk read reopens the file, which costs a pass over it for some drivers (GeoJSON
# indexes the whole file, CSV cannot seek): big sources are read in at most this many chunks.
MAX_CHUNKS = 10
GDAL_ERRORS = (DataSourceError, DataLayerError)


class LayerSourceError(ValidationFailed):
    """The source cannot be imported as asked; ``member`` names the form member at fault."""

    def __init__(self, code: str, member: str, **params: Any) -> None:
        super().__init__([FieldError(pointer(member), code, params)], code, **params)


@dataclass(frozen=True, slots=True)
class Source:
    """One layer of a dataset that GDAL opened: where to read it and what it holds."""

    name: str  # the file name as the user knows it, for messages
    gdal_path: str
    layer: str
    driver: str
    crs: str | None
    fields: list[str]
    kinds: list[str]  # LayerProperty.type of each field
    feature_count: int | None
    geometry_type: str | None
    open_options: dict[str, str] = field(default_factory=dict)

    def chunk_size(self) -> int:
        return max(CHUNK_FEATURES, math.ceil((self.feature_count or 0) / MAX_CHUNKS))


def open_source(path: Path, name: str, options: LayerImport) -> Source:
    """Find the dataset and layer to read, and check that it is a supported, spatial one."""
    gdal_path, layer_option = _dataset_path(path, name, options.layer)
    layer = _choose_layer(gdal_path, name, layer_option)
    open_options: dict[str, str] = {}
    if PurePosixPath(gdal_path).suffix.lower() in CSV_SUFFIXES:
        fields = list(call_gdal(pyogrio.read_info, name, gdal_path, layer=layer)["fields"])
        open_options = _csv_options(fields, options, name)
    info = call_gdal(pyogrio.read_info, name, gdal_path, layer=layer, **open_options)
    if info["driver"] not in SUPPORTED_DRIVERS:
        raise LayerSourceError(
            "layer_format_unsupported",
            "file",
            name=name,
            driver=info["driver"],
            supported=", ".join(SUPPORTED_DRIVERS.values()),
        )
    if info["geometry_type"] is None:
        raise LayerSourceError("layer_without_geometry", "file", name=name, layer=layer)
    kinds = [_kind(t, s) for t, s in zip(info["ogr_types"], info["ogr_subtypes"], strict=True)]
    count = int(info["features"])  # -1 when the driver cannot tell without reading all
    return Source(
        name=name,
        gdal_path=gdal_path,
        layer=layer,
        driver=info["driver"],
        crs=info["crs"],
        fields=[str(f) for f in info["fields"]],
        kinds=kinds,
        feature_count=count if count >= 0 else None,
        geometry_type=info["geometry_type"],
        open_options=open_options,
    )


def call_gdal(function: Callable[..., Any], name: str, gdal_path: str, **kwargs: Any) -> Any:
    """Call pyogrio on ``gdal_path``, turning GDAL's refusals into a LayerSourceError that
    names the file as the user knows it (not by our temporary path)."""
    try:
        return function(gdal_path, **kwargs)
    except GDAL_ERRORS as error:
        reason = str(error).replace(gdal_path, name)
        raise LayerSourceError("layer_file_unreadable", "file", name=name, reason=reason) from error


def _dataset_path(path: Path, name: str, layer: str | None) -> tuple[str, str | None]:
    """GDAL's path to the dataset, and the layer option left to apply inside it.

    In a zip archive the dataset is found by its suffix; with several, ``layer`` picks one by
    its name without suffix (and is then used up)."""
    if path.suffix.lower() != ".zip":
        with path.open("rb") as upload:
            _refuse_virtual(upload.read(_SNIFF_BYTES), name)
        return str(path), layer
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError) as error:
        reason = f"not a zip archive ({error})"
        raise LayerSourceError("layer_file_unreadable", "file", name=name, reason=reason) from None
    datasets = [
        member
        for member in members
        if PurePosixPath(member).suffix.lower() in DATASET_SUFFIXES
        and not member.startswith("__MACOSX/")
    ]
    with zipfile.ZipFile(path) as archive:
        for member in datasets:
            with archive.open(member) as packed:
                _refuse_virtual(packed.read(_SNIFF_BYTES), name)
    if len(datasets) == 1:
        return f"/vsizip/{path}/{datasets[0]}", layer
    if not datasets:
        looked_for = ", ".join(DATASET_SUFFIXES)
        raise LayerSourceError(
            "layer_zip_without_dataset", "file", name=name, looked_for=looked_for
        )
    chosen = [member for member in datasets if PurePosixPath(member).stem == layer]
    if not chosen:
        listed = ", ".join(PurePosixPath(member).stem for member in datasets)
        raise LayerSourceError("layer_zip_several_datasets", "layer", name=name, datasets=listed)
    return f"/vsizip/{path}/{chosen[0]}", None


# GDAL recognises formats by their content, whatever the name: a GDAL virtual format (VRT)
# renamed .geojson would make GDAL open the local files it names. Refused before GDAL opens it.
_SNIFF_BYTES = 4096
_VIRTUAL_MARKERS = (b"<ogrvrtdatasource", b"<vrtdataset")


def _refuse_virtual(head: bytes, name: str) -> None:
    if any(marker in head.lower() for marker in _VIRTUAL_MARKERS):
        raise LayerSourceError(
            "layer_format_unsupported", "file", name=name, driver="VRT",
            supported=", ".join(SUPPORTED_DRIVERS.values()),
        )  # fmt: skip


def _choose_layer(gdal_path: str, name: str, requested: str | None) -> str:
    """The requested layer, else the only one with geometries (a CSV has just one)."""
    layers = [(str(n), t) for n, t in call_gdal(pyogrio.list_layers, name, gdal_path)]
    names = [n for n, _ in layers]
    if requested is not None and requested not in names:
        raise LayerSourceError(
            "layer_not_in_source", "layer", layer=requested, name=name, layers=", ".join(names)
        )
    if requested is not None:
        return requested
    if not names:
        raise LayerSourceError("layer_without_geometry", "file", name=name, layer="-")
    spatial = [n for n, geometry_type in layers if geometry_type is not None]
    if len(spatial) > 1:
        raise LayerSourceError(
            "layer_several_layers", "layer", name=name, layers=", ".join(spatial)
        )
    return spatial[0] if spatial else names[0]


def _csv_options(fields: list[str], options: LayerImport, name: str) -> dict[str, str]:
    """GDAL CSV open options naming the coordinate columns, given or found among the usual."""
    by_lower = {f.lower(): f for f in fields}
    for member, given in (("x_column", options.x_column), ("y_column", options.y_column)):
        if given is not None and given.lower() not in by_lower:
            raise LayerSourceError(
                "layer_csv_column_missing",
                member,
                column=given,
                name=name,
                columns=", ".join(fields),
            )
    pairs = [(x, y) for x, y in COORDINATE_COLUMNS if x in by_lower and y in by_lower]
    x = by_lower[options.x_column.lower()] if options.x_column else None
    y = by_lower[options.y_column.lower()] if options.y_column else None
    x = x or (by_lower[pairs[0][0]] if pairs else None)
    y = y or (by_lower[pairs[0][1]] if pairs else None)
    if x is None or y is None:
        looked_for = ", ".join(f"{x}/{y}" for x, y in COORDINATE_COLUMNS)
        raise LayerSourceError(
            "layer_csv_no_coordinates",
            "x_column",
            name=name,
            columns=", ".join(fields),
            looked_for=looked_for,
        )
    # Empty cells are nulls, not empty strings; the coordinate columns stay as properties.
    return {"X_POSSIBLE_NAMES": x, "Y_POSSIBLE_NAMES": y, "EMPTY_STRING_AS_NULL": "YES"}


_KINDS = {
    "OFTInteger": "integer",
    "OFTInteger64": "integer",
    "OFTReal": "number",
    "OFTString": "string",
    "OFTDate": "date",
    "OFTTime": "time",
    "OFTDateTime": "datetime",
    "OFTBinary": "binary",
}


def _kind(ogr_type: str, ogr_subtype: str) -> str:
    if ogr_subtype == "OFSTBoolean":
        return "boolean"
    if ogr_subtype == "OFSTJSON":
        return "json"
    return _KINDS.get(ogr_type, "array" if ogr_type.endswith("List") else "string")


def read_chunk(source: Source, skip: int, size: int) -> list[StagingRecord]:
    """Features ``skip`` to ``skip + size`` as staging records (see StagingRecord)."""
    _, fids, geometries, columns = call_gdal(
        pyogrio.raw.read,
        source.name,
        source.gdal_path,
        layer=source.layer,
        skip_features=skip,
        max_features=size,
        return_fids=True,
        force_2d=True,
        datetime_as_string=True,
        **source.open_options,
    )
    count = len(fids)
    wkbs = geometries.tolist() if geometries is not None else [None] * count
    # Point WKB always parses; other types may hold rings or lines PostGIS cannot read.
    points = (source.geometry_type or "").startswith("Point")
    mended = [False] * count if points else mend_unparseable(wkbs)
    properties = encode_properties(source.fields, source.kinds, columns, count)
    return list(zip([str(fid) for fid in fids.tolist()], properties, wkbs, mended, strict=True))


def mend_unparseable(wkbs: list[bytes | None]) -> list[bool]:
    """Rewrite in place the WKB that PostGIS refuses to parse; True where one was rewritten.

    PostGIS's WKB reader rejects unclosed rings, rings of fewer than 4 points and one-point
    lines, which GDAL passes on and GEOS reads. Rather than fail the import, GEOS closes the
    rings and, where parts collapsed, keeps what is left (None when nothing is); the rows are
    then counted as repaired or unrepairable, and PostGIS repairs whatever else is invalid."""
    geometries = shapely.from_wkb(np.array(wkbs, dtype=object), on_invalid="ignore")
    given = np.array([wkb is not None for wkb in wkbs], dtype=bool)
    broken = (given & shapely.is_missing(geometries)) | _collapsed(geometries)
    for index in np.flatnonzero(broken).tolist():
        geometry = geometries[index]
        if geometry is None:
            geometry = shapely.from_wkb(wkbs[index], on_invalid="fix")
        if geometry is not None and _collapsed(np.array([geometry]))[0]:
            geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
        usable = geometry is not None and not geometry.is_empty
        wkbs[index] = shapely.to_wkb(geometry) if usable else None
    return broken.tolist()


def _collapsed(geometries: np.ndarray) -> np.ndarray:
    """Per geometry: does it have a ring of 1 to 3 points or a line of one point?"""
    parts, owners = shapely.get_parts(geometries, return_index=True)
    rings, ring_parts = shapely.get_rings(parts, return_index=True)
    ring_points = shapely.get_num_points(rings)
    short_rings = (ring_points > 0) & (ring_points < 4)
    lines = shapely.get_type_id(parts) == shapely.GeometryType.LINESTRING
    short_lines = lines & (shapely.get_num_points(parts) == 1)
    collapsed = np.zeros(len(geometries), dtype=bool)
    collapsed[owners[ring_parts[short_rings]]] = True
    collapsed[owners[short_lines]] = True
    return collapsed


def encode_properties(
    names: Sequence[str], kinds: Sequence[str], columns: Sequence[np.ndarray], count: int
) -> list[bytes]:
    """One JSON object per feature, from pyogrio's column arrays."""
    if not names:
        return [b"{}"] * count
    values = [_json_values(column, kind) for column, kind in zip(columns, kinds, strict=True)]
    dumps, default = orjson.dumps, _json_default
    return [
        dumps(dict(zip(names, row, strict=True)), default=default)
        for row in zip(*values, strict=True)
    ]


def _json_values(column: np.ndarray, kind: str) -> list[Any]:
    values = column.tolist()
    # pyogrio reads integer and boolean columns that hold nulls as floats, nulls being NaN.
    if kind in ("integer", "boolean") and column.dtype.kind == "f":
        cast = int if kind == "integer" else bool
        return [None if value != value else cast(value) for value in values]
    if kind == "json":
        return [None if value is None else _parse_json(value) for value in values]
    return values  # NaN floats become null in orjson


def _parse_json(value: str) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value


def _json_default(value: Any) -> Any:
    """What orjson cannot write alone: list fields (arrays), numpy scalars, binary fields."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)
