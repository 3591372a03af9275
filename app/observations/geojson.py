"""Parse and check observations submitted as RFC 7946 GeoJSON Features.

Two passes. The structural checks run in plain Python, one walk per feature, so that every error
carries the JSON Pointer of the member at fault. Geometry construction, ring orientation, validity
and WKB then run once per batch with Shapely's vectorised functions (one GEOS call per step, not
one per feature): 1,000 points take about 4 ms, 1,000 small polygons about 10 ms.

Antimeridian: polygons are not split or unwrapped. A ring crossing ±180° is read in plain lon/lat,
as PostGIS stores it; a phone capturing a field survey does not draw across the date line, and
guessing the intent (RFC 7946 §3.1.9 asks the producer to cut) would change what the contributor
sent. A polygon valid in plain lon/lat is accepted as it is.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np
import shapely

from app.errors import FieldError, ValidationFailed

GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPolygon")
# Valid GeoJSON, but an observation is one located thing: these have no place in the model.
UNSUPPORTED_TYPES = frozenset({"MultiPoint", "MultiLineString", "GeometryCollection"})
# Legacy (2008) GeoJSON named its CRS; these names all mean RFC 7946's WGS 84 lon/lat, which
# clients such as QGIS and ogr2ogr still write.
WGS84_CRS_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "EPSG:4326",
    }
)
# A ring of 10,000 string coordinates must not answer with 20,000 errors.
MAX_ERRORS_PER_FEATURE = 20
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_REASON = re.compile(r"^(?P<kind>[^\[]+)\[(?P<x>\S+) (?P<y>\S+)\]$")


@dataclass(slots=True)
class ParsedFeature:
    """A Feature that passed every check, with its geometry normalised for storage."""

    index: int
    id: uuid.UUID | None
    geometry_type: str
    geometry: dict[str, Any]
    wkb: bytes
    properties: dict[str, Any]
    warnings: list[FieldError]


@dataclass(slots=True)
class _Draft:
    """A feature between the Python checks and the batched Shapely steps."""

    index: int
    path: str
    id: uuid.UUID | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    geometry_type: str | None = None  # set only once the geometry's structure is sound
    coordinates: Any = None  # 2D, floats, rings later rewound in place
    has_z: bool = False
    wkb: bytes = b""
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)

    def fail(self, path: str, code: str, **params: Any) -> None:
        if len(self.errors) < MAX_ERRORS_PER_FEATURE:
            self.errors.append(FieldError(path, code, params))


def parse_feature(obj: Any, allowed_types: Collection[str], path: str = "") -> ParsedFeature:
    """Check one Feature; raise ValidationFailed with every error found.

    Error paths start with ``path``; a root that is not even an object is reported at ``path``
    itself (with the default "", the whole document, as RFC 6901 has it).
    """
    draft = _Draft(0, path)
    _check_feature(draft, obj, allowed_types)
    _finish([draft])
    if draft.errors:
        raise ValidationFailed(draft.errors)
    return _parsed(draft)


def parse_features(
    objs: Sequence[Any], allowed_types: Collection[str], path: str = "/features"
) -> list[ParsedFeature | list[FieldError]]:
    """Check a batch: per input, a ParsedFeature or that feature's own errors, in input order."""
    drafts = [_Draft(index, f"{path}/{index}") for index in range(len(objs))]
    for draft, obj in zip(drafts, objs, strict=True):
        _check_feature(draft, obj, allowed_types)
    _finish(drafts)
    return [draft.errors if draft.errors else _parsed(draft) for draft in drafts]


def features_of_collection(obj: Any) -> list[Any]:
    """Return the members of a FeatureCollection's ``features``; raise if the envelope is wrong."""
    if type(obj) is not dict or obj.get("type") != "FeatureCollection":
        got = _got(obj.get("type")) if type(obj) is dict else _got(obj)
        path = "/type" if type(obj) is dict else ""
        raise ValidationFailed([FieldError(path, "not_a_feature_collection", {"got": got})])
    errors = [error for error in (_bbox_error(obj, ""), _crs_error(obj, "")) if error]
    features: Any = obj.get("features")
    if "features" not in obj:
        errors.append(FieldError("/features", "required"))
    elif type(features) is not list:
        errors.append(
            FieldError("/features", "wrong_type", {"expected": "array", "got": _got(features)})
        )
    if errors:
        raise ValidationFailed(errors)
    return features


# Structure of the Feature


def _check_feature(draft: _Draft, obj: Any, allowed_types: Collection[str]) -> None:
    if type(obj) is not dict or obj.get("type") != "Feature":
        got = _got(obj.get("type")) if type(obj) is dict else _got(obj)
        where = draft.path + "/type" if type(obj) is dict else draft.path
        draft.fail(where, "not_a_feature", got=got)
        return
    path = draft.path
    draft.id = _check_id(draft, obj.get("id"))
    draft.properties = _check_properties(draft, obj.get("properties"))
    for error in (_bbox_error(obj, path), _crs_error(obj, path)):
        if error:
            draft.fail(error.path, error.code, **error.params)
    if "geometry" not in obj:
        draft.fail(path + "/geometry", "required")
        return
    _check_geometry(draft, obj["geometry"], path + "/geometry", allowed_types)


def _check_id(draft: _Draft, value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    if type(value) is str:
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    draft.fail(draft.path + "/id", "invalid_id", got=_got(value))
    return None


def _check_properties(draft: _Draft, value: Any) -> dict[str, Any]:
    # A missing member reads as null: the campaign's form check reports any required field.
    if value is None:
        return {}
    if type(value) is dict:
        return value
    draft.fail(draft.path + "/properties", "wrong_type", expected="object | null", got=_got(value))
    return {}


def _bbox_error(container: dict[str, Any], path: str) -> FieldError | None:
    # Its values are not compared with the geometry: the server computes its own extents.
    if "bbox" not in container:
        return None
    bbox = container["bbox"]
    if type(bbox) is list and len(bbox) in (4, 6) and all(map(_is_finite_number, bbox)):
        return None
    return FieldError(path + "/bbox", "invalid_bbox", {"got": _got(bbox)})


def _crs_error(container: dict[str, Any], path: str) -> FieldError | None:
    crs = container.get("crs")
    if crs is None:  # absent, or null: either way RFC 7946's WGS 84
        return None
    properties = crs.get("properties") if type(crs) is dict else None
    name = properties.get("name") if type(properties) is dict else None
    if type(name) is str and name in WGS84_CRS_NAMES:
        return None
    return FieldError(path + "/crs", "crs_not_supported", {"name": _got(name or crs)})


def _check_geometry(
    draft: _Draft, geometry: Any, path: str, allowed_types: Collection[str]
) -> None:
    if geometry is None:
        draft.fail(path, "geometry_missing")
        return
    if type(geometry) is not dict:
        draft.fail(path, "wrong_type", expected="object", got=_got(geometry))
        return
    if not _check_geometry_type(draft, geometry, path, allowed_types):
        return
    kind: str = geometry["type"]
    for error in (_bbox_error(geometry, path), _crs_error(geometry, path)):
        if error:
            draft.fail(error.path, error.code, **error.params)
    if "coordinates" not in geometry:
        draft.fail(path + "/coordinates", "required")
        return
    coordinates = _COORDINATE_CHECKS[kind](draft, geometry["coordinates"], path + "/coordinates")
    if coordinates is not None:
        draft.geometry_type, draft.coordinates = kind, coordinates
        if draft.has_z:
            draft.warnings.append(FieldError(path, "z_dropped"))


def _check_geometry_type(
    draft: _Draft, geometry: dict[str, Any], path: str, allowed_types: Collection[str]
) -> bool:
    kind = geometry.get("type")
    if kind in GEOMETRY_TYPES and kind in allowed_types:
        return True
    if "type" not in geometry:
        draft.fail(path + "/type", "required")
    elif kind in GEOMETRY_TYPES:
        allowed = ", ".join(t for t in GEOMETRY_TYPES if t in allowed_types)
        draft.fail(path + "/type", "geometry_type_not_allowed", got=kind, allowed=allowed)
    elif type(kind) is str and kind in UNSUPPORTED_TYPES:  # a dict or list is unhashable
        draft.fail(path + "/type", "geometry_type_unsupported", got=kind)
    else:
        draft.fail(path + "/type", "geometry_type_unknown", got=_got(kind))
    return False


# Coordinates: each check returns the 2D float coordinates, or None after reporting why not.


def _position(draft: _Draft, value: Any, path: str, index: int | None = None) -> list[float] | None:
    """Check one position; ``path/index`` is only built when there is an error to report."""
    # Fast path for the common case; comparisons are False for NaN, so it also rules those out.
    if type(value) is list and 2 <= len(value) <= 3:
        lon, lat = value[0], value[1]
        if (
            (type(lon) is float or type(lon) is int)
            and (type(lat) is float or type(lat) is int)
            and -180 <= lon <= 180
            and -90 <= lat <= 90
            and (len(value) == 2 or _is_finite_number(value[2]))
        ):
            if len(value) == 3:
                draft.has_z = True
            return [float(lon), float(lat)]
    return _checked_position(draft, value, path if index is None else f"{path}/{index}")


def _checked_position(draft: _Draft, value: Any, path: str) -> list[float] | None:
    if type(value) is not list:
        draft.fail(path, "position_expected", got=_got(value))
        return None
    size = len(value)
    if size and type(value[0]) is list:
        draft.fail(path, "coordinates_too_deep")
        return None
    if size != 2 and size != 3:
        draft.fail(path, "position_size", count=size)
        return None
    sound = True
    for axis, number in enumerate(value):
        if not _is_finite_number(number):
            draft.fail(f"{path}/{axis}", "coordinate_not_number", got=_got(number))
            sound = False
    if not sound:
        return None
    lon, lat = value[0], value[1]
    if not -180 <= lon <= 180:
        draft.fail(path + "/0", "longitude_out_of_range", value=lon)
        sound = False
    if not -90 <= lat <= 90:
        draft.fail(path + "/1", "latitude_out_of_range", value=lat)
        sound = False
    draft.has_z = draft.has_z or size == 3
    return [float(lon), float(lat)] if sound else None


def _array(draft: _Draft, value: Any, path: str) -> bool:
    if type(value) is list:
        return True
    draft.fail(path, "array_expected", got=_got(value))
    return False


def _positions(draft: _Draft, value: Any, path: str) -> list[list[float]] | None:
    if not _array(draft, value, path):
        return None
    positions = [_position(draft, item, path, i) for i, item in enumerate(value)]
    return None if None in positions else positions  # type: ignore[return-value]


def _line(draft: _Draft, value: Any, path: str) -> list[list[float]] | None:
    positions = _positions(draft, value, path)
    if positions is None:
        return None
    if all(position == positions[0] for position in positions[1:]):  # also: fewer than 2
        draft.fail(path, "line_too_short")
        return None
    return positions


def _ring(draft: _Draft, value: Any, path: str) -> list[list[float]] | None:
    positions = _positions(draft, value, path)
    if positions is None:
        return None
    sound = True
    if len(positions) < 4:
        draft.fail(path, "ring_too_short", count=len(positions))
        sound = False
    # Never closed silently: a missing last position often means a truncated upload.
    if positions and positions[0] != positions[-1]:
        draft.fail(path, "ring_not_closed")
        sound = False
    return positions if sound else None


def _polygon(draft: _Draft, value: Any, path: str) -> list[list[list[float]]] | None:
    if not _array(draft, value, path):
        return None
    if not value:
        draft.fail(path, "polygon_without_rings")
        return None
    rings = [_ring(draft, ring, f"{path}/{i}") for i, ring in enumerate(value)]
    return None if None in rings else rings  # type: ignore[return-value]


def _multipolygon(draft: _Draft, value: Any, path: str) -> list[Any] | None:
    if not _array(draft, value, path):
        return None
    if not value:
        draft.fail(path, "multipolygon_without_polygons")
        return None
    polygons = [_polygon(draft, polygon, f"{path}/{i}") for i, polygon in enumerate(value)]
    return None if None in polygons else polygons


_COORDINATE_CHECKS: dict[str, Callable[[_Draft, Any, str], Any]] = {
    "Point": _position,
    "LineString": _line,
    "Polygon": _polygon,
    "MultiPolygon": _multipolygon,
}


# Batched geometry work: one Shapely call per step for the whole batch.


def _finish(drafts: list[_Draft]) -> None:
    """Build every sound geometry, refuse the invalid ones, and encode the accepted as WKB."""
    ready = [draft for draft in drafts if draft.geometry_type is not None]
    geometries = np.empty(len(ready), dtype=object)
    groups: dict[str | None, list[int]] = {kind: [] for kind in GEOMETRY_TYPES}
    for position, draft in enumerate(ready):
        groups[draft.geometry_type].append(position)
    if groups["Point"]:
        xy = _float_array(ready[i].coordinates for i in groups["Point"])
        geometries[groups["Point"]] = shapely.points(xy)
    if groups["LineString"]:
        geometries[groups["LineString"]] = _lines([ready[i] for i in groups["LineString"]])
    polygonal = groups["Polygon"] + groups["MultiPolygon"]
    if polygonal:
        geometries[polygonal] = _polygonal([ready[i] for i in polygonal])
        _refuse_invalid([ready[i] for i in polygonal], geometries[polygonal])
    accepted = [position for position, draft in enumerate(ready) if not draft.errors]
    if accepted:
        encoded = shapely.to_wkb(geometries[accepted], output_dimension=2)
        for position, wkb in zip(accepted, encoded, strict=True):
            ready[position].wkb = wkb


def _lines(drafts: list[_Draft]) -> np.ndarray:
    # Sound LineStrings need no validity check: GEOS only asks for 2 distinct positions.
    sizes = [len(draft.coordinates) for draft in drafts]
    indices = np.repeat(np.arange(len(drafts)), sizes)
    flat = _float_array(chain.from_iterable(draft.coordinates for draft in drafts))
    return shapely.linestrings(flat, indices=indices)


def _polygonal(drafts: list[_Draft]) -> np.ndarray:
    """Polygons and MultiPolygons, built from rewound rings."""
    # Every draft as a list of polygons, so that both types share one construction.
    parts = [[d.coordinates] if d.geometry_type == "Polygon" else d.coordinates for d in drafts]
    rings_per_polygon = [len(polygon) for polygons in parts for polygon in polygons]
    rings = [ring for polygons in parts for polygon in polygons for ring in polygon]
    polygon_ids = np.repeat(np.arange(len(rings_per_polygon)), rings_per_polygon)
    polygons = shapely.polygons(_oriented_rings(rings, polygon_ids), indices=polygon_ids)
    owners = np.repeat(np.arange(len(drafts)), [len(polygons) for polygons in parts])
    multi = np.array([draft.geometry_type == "MultiPolygon" for draft in drafts])
    result = np.empty(len(drafts), dtype=object)
    result[~multi] = polygons[~multi[owners]]  # a Polygon draft owns exactly one polygon
    if multi.any():
        in_multi = multi[owners]
        result[multi] = shapely.multipolygons(polygons[in_multi], indices=_dense(owners[in_multi]))
    return result


def _oriented_rings(rings: list[list[list[float]]], polygon_ids: np.ndarray) -> np.ndarray:
    """LinearRings with exteriors CCW and holes CW (RFC 7946 §3.1.6); ``rings`` rewound too."""
    ring_ids = np.repeat(np.arange(len(rings)), [len(ring) for ring in rings])
    linear_rings = shapely.linearrings(_float_array(chain.from_iterable(rings)), indices=ring_ids)
    exterior = np.ones(len(rings), dtype=bool)  # the first ring of each polygon
    exterior[1:] = polygon_ids[1:] != polygon_ids[:-1]
    # Rewinding rings, rather than shapely.orient_polygons on the result, keeps the returned
    # GeoJSON and the WKB built from the same rewound lists, with no float round trip.
    flip = np.flatnonzero(shapely.is_ccw(linear_rings) != exterior)
    for position in flip.tolist():
        rings[position].reverse()
    linear_rings[flip] = shapely.reverse(linear_rings[flip])
    return linear_rings


def _dense(ids: np.ndarray) -> np.ndarray:
    """Renumber sorted ids as 0, 1, 2, ... (Shapely wants no gaps in ``indices``)."""
    return np.concatenate(([0], np.cumsum(ids[1:] != ids[:-1])))


def _refuse_invalid(drafts: list[_Draft], geometries: np.ndarray) -> None:
    invalid = np.flatnonzero(~shapely.is_valid(geometries))
    if not len(invalid):
        return
    for position, reason in zip(invalid, shapely.is_valid_reason(geometries[invalid]), strict=True):
        code, params = _invalidity(str(reason))
        drafts[position].fail(drafts[position].path + "/geometry", code, **params)


def _invalidity(reason: str) -> tuple[str, dict[str, Any]]:
    """Turn GEOS's "Kind[x y]" into a message code and its parameters."""
    match = _REASON.match(reason)
    if match is None:
        return "invalid_geometry", {"reason": reason}
    kind = match["kind"].strip()
    where = {"lon": round(float(match["x"]), 7), "lat": round(float(match["y"]), 7)}
    if kind.endswith("Self-intersection"):  # also GEOS's "Ring Self-intersection"
        return "self_intersection", where
    return "invalid_geometry", {"reason": kind, **where}


# Small helpers


def _parsed(draft: _Draft) -> ParsedFeature:
    assert draft.geometry_type is not None  # only error-free drafts get here
    return ParsedFeature(
        index=draft.index,
        id=draft.id,
        geometry_type=draft.geometry_type,
        geometry={"type": draft.geometry_type, "coordinates": draft.coordinates},
        wkb=draft.wkb,
        properties=draft.properties,
        warnings=draft.warnings,
    )


def _float_array(positions: Iterable[list[float]]) -> np.ndarray:
    """An (n, 2) array from 2D positions; ``fromiter`` is twice as fast as ``np.array`` here."""
    return np.fromiter(chain.from_iterable(positions), dtype=np.float64).reshape(-1, 2)


def _is_finite_number(value: Any) -> bool:
    # ``type() is`` rather than isinstance: JSON true/false must not pass as 1/0. Integers beyond
    # 64 bits (stdlib json reads them exactly) could not be echoed back in an orjson error body.
    if type(value) is int:
        return _INT64_MIN <= value <= _INT64_MAX
    return type(value) is float and math.isfinite(value)


def _got(value: Any) -> str:
    """Render a received JSON value for a message: scalars as written, containers by type."""
    if value is None or type(value) is bool:
        return {None: "null", True: "true", False: "false"}[value]
    if type(value) is str:
        return '"' + (value if len(value) <= 40 else value[:40] + "…") + '"'
    if type(value) is float or (type(value) is int and _INT64_MIN <= value <= _INT64_MAX):
        return repr(value)
    if type(value) is dict:
        return "object"
    return "array" if type(value) is list else type(value).__name__
