"""Reading a file's polygons as one campaign area, with GDAL (pyogrio) and shapely: blocking
calls, run them in a thread.

The dataset and its layer are found as for a reference layer (``app/quality/layers_source.py``:
a file or a zip archive through /vsizip/, the supported drivers, one spatial layer or the one
named); the polygons are made valid and unioned in the source CRS; reprojection to WGS 84 is
left to PostGIS (``area_repository.py``), as for reference layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio.raw
import shapely

from app.quality.layers_source import LayerSourceError, Source, call_gdal, open_source
from app.quality.schemas import LayerImport

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
# What a campaign area may hold: the union of a département's communes has some 10⁴ vertices.
MAX_AREA_VERTICES = 200_000


@dataclass(frozen=True, slots=True)
class PolygonsRead:
    """The union of a file's polygons (WKB, in the source CRS) and what was read to make it."""

    source: Source
    wkb: bytes
    features_read: int
    polygons_kept: int
    skipped_other: int  # features whose geometry is not a polygon (points, lines...)
    skipped_empty: int  # features without a geometry
    repaired: int  # invalid polygons made valid before the union


def read_polygons(path: Path, name: str, layer: str | None, crs: str | None) -> PolygonsRead:
    """Open ``path`` (``name`` as the user knows it) and union its polygons.

    Raises LayerSourceError (422) naming what is wrong: not a dataset, several layers, no
    polygon, too many vertices."""
    options = LayerImport(slug="campaign-area", layer=layer, crs=crs)
    source = open_source(path, name, options)
    _, _, wkbs, _ = call_gdal(
        pyogrio.raw.read, name, source.gdal_path, layer=source.layer, read_geometry=True,
        force_2d=True, columns=[], return_fids=False, **source.open_options,
    )  # fmt: skip
    geometries = shapely.from_wkb(np.asarray(wkbs, dtype=object), on_invalid="ignore")
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    polygonal = present & np.isin(shapely.get_type_id(geometries), _POLYGONAL)
    polygons = geometries[polygonal]
    if not len(polygons):
        raise LayerSourceError("area_file_without_polygon", "file", name=name, layer=source.layer)
    invalid = ~shapely.is_valid(polygons)
    polygons[invalid] = shapely.make_valid(polygons[invalid])
    union = _polygonal_part(shapely.union_all(polygons))
    if union.is_empty:
        raise LayerSourceError("area_file_without_polygon", "file", name=name, layer=source.layer)
    vertices = shapely.get_num_coordinates(union)
    if vertices > MAX_AREA_VERTICES:
        raise LayerSourceError(
            "area_file_too_detailed", "file", name=name, vertices=vertices, limit=MAX_AREA_VERTICES
        )
    return PolygonsRead(
        source=source,
        wkb=shapely.to_wkb(union),
        features_read=len(geometries),
        polygons_kept=int(polygonal.sum()),
        skipped_other=int((present & ~polygonal).sum()),
        skipped_empty=int((~present).sum()),
        repaired=int(invalid.sum()),
    )


def _polygonal_part(geometry: shapely.Geometry) -> shapely.MultiPolygon:
    """The polygons of ``geometry`` (a repair may leave lines or points beside them)."""
    # A collection's members may be multi-part: taking the parts twice flattens them all.
    parts = shapely.get_parts(shapely.get_parts(geometry))
    return shapely.MultiPolygon(
        [part for part in parts if isinstance(part, shapely.Polygon) and not part.is_empty]
    )
