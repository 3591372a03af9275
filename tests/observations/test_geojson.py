"""Input side of observations: RFC 7946 Features checked, normalised and encoded as WKB."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import shapely

from app.errors import FieldError, ValidationFailed
from app.messages import MESSAGES
from app.observations.geojson import (
    GEOMETRY_TYPES,
    MAX_ERRORS_PER_FEATURE,
    ParsedFeature,
    features_of_collection,
    parse_feature,
    parse_features,
)

# The shared data folder is a sibling of the repository checkout.
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "bad_geojson"
SQUARE = [[1.0, 43.0], [1.01, 43.0], [1.01, 43.01], [1.0, 43.01], [1.0, 43.0]]  # CCW
HOLE = [[1.002, 43.002], [1.002, 43.008], [1.008, 43.008], [1.008, 43.002], [1.002, 43.002]]  # CW


def feature(geometry: Any, **members: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {}, "geometry": geometry, **members}


def point(*position: Any) -> dict[str, Any]:
    return {"type": "Point", "coordinates": list(position)}


def polygon(*rings: Any) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [list(ring) for ring in rings]}


def errors_of(obj: Any, allowed: tuple[str, ...] = GEOMETRY_TYPES) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_feature(obj, allowed)
    return [(error.path, error.code) for error in caught.value.errors]


def error_of(obj: Any, allowed: tuple[str, ...] = GEOMETRY_TYPES) -> FieldError:
    with pytest.raises(ValidationFailed) as caught:
        parse_feature(obj, allowed)
    assert len(caught.value.errors) == 1, caught.value.errors
    return caught.value.errors[0]


def assert_reportable(errors: list[FieldError]) -> None:
    """Refused for a stated reason: known codes, templates filled, a body orjson can send."""
    assert errors, "a refused feature must say why"
    for error in errors:
        assert error.code in MESSAGES, error
        for language in ("en", "fr"):
            assert "{" not in error.to_json(language)["detail"], error
    orjson.dumps([error.to_json("fr") for error in errors])


def assert_same_geometry(parsed: ParsedFeature) -> None:
    """The WKB and the returned GeoJSON describe exactly the same 2D geometry."""
    from_wkb = shapely.from_wkb(parsed.wkb)
    assert not shapely.has_z(from_wkb)
    assert shapely.equals_exact(from_wkb, shapely.geometry.shape(parsed.geometry), tolerance=0)


# Accepted features


def test_point_is_parsed_with_id_properties_and_wkb() -> None:
    key = uuid.uuid4()
    parsed = parse_feature(feature(point(1, 43.6), id=str(key), properties={"n": 1}), ["Point"])
    assert parsed.id == key
    assert parsed.index == 0
    assert parsed.geometry_type == "Point"
    assert parsed.geometry == {"type": "Point", "coordinates": [1.0, 43.6]}
    assert all(type(value) is float for value in parsed.geometry["coordinates"])
    assert parsed.properties == {"n": 1}
    assert parsed.warnings == []
    assert parsed.wkb == shapely.to_wkb(shapely.Point(1.0, 43.6))


def test_linestring_polygon_and_multipolygon_are_parsed() -> None:
    line = {"type": "LineString", "coordinates": [[1, 43], [1.5, 43.5], [2, 43]]}
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[SQUARE, HOLE], [[[2, 44], [3, 44], [2, 45], [2, 44]]]],
    }
    batch = [feature(line), feature(polygon(SQUARE, HOLE)), feature(multi)]
    parsed = parse_features(batch, GEOMETRY_TYPES)
    assert [p.geometry_type for p in parsed if isinstance(p, ParsedFeature)] == [
        "LineString",
        "Polygon",
        "MultiPolygon",
    ]
    for item, original in zip(parsed, batch, strict=True):
        assert isinstance(item, ParsedFeature)
        assert_same_geometry(item)
        assert shapely.equals(
            shapely.from_wkb(item.wkb), shapely.geometry.shape(original["geometry"])
        )
    well_wound = parsed[1]
    assert isinstance(well_wound, ParsedFeature)
    assert well_wound.geometry["coordinates"] == [SQUARE, HOLE]  # unchanged


def test_mixed_batch_keeps_each_geometry_with_its_feature() -> None:
    """The batched Shapely steps must map results back to the right input."""
    clockwise = list(reversed(SQUARE))
    shapes = [
        polygon(clockwise),
        point(3, 45),
        {"type": "MultiPolygon", "coordinates": [[clockwise], [[[5, 5], [6, 5], [5, 6], [5, 5]]]]},
        {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        polygon(SQUARE, list(reversed(HOLE))),
        point(-3, -45),
        {"type": "MultiPolygon", "coordinates": [[SQUARE]]},
    ]
    parsed = parse_features([feature(shape) for shape in shapes], GEOMETRY_TYPES)
    for index, (item, shape) in enumerate(zip(parsed, shapes, strict=True)):
        assert isinstance(item, ParsedFeature)
        assert item.index == index
        assert item.geometry_type == shape["type"]
        assert_same_geometry(item)
        assert shapely.equals(shapely.from_wkb(item.wkb), shapely.geometry.shape(shape))


def test_null_properties_and_null_id_are_accepted() -> None:
    parsed = parse_feature(feature(point(1, 43), properties=None, id=None), GEOMETRY_TYPES)
    assert parsed.properties == {}
    assert parsed.id is None


def test_z_is_dropped_with_a_warning() -> None:
    parsed = parse_feature(feature(point(1.5, 43.5, 152.3)), GEOMETRY_TYPES)
    assert parsed.geometry["coordinates"] == [1.5, 43.5]
    assert [(w.path, w.code) for w in parsed.warnings] == [("/geometry", "z_dropped")]
    assert_same_geometry(parsed)


def test_clockwise_exterior_and_counter_clockwise_hole_are_rewound() -> None:
    clockwise, counter_clockwise = list(reversed(SQUARE)), list(reversed(HOLE))
    parsed = parse_feature(feature(polygon(clockwise, counter_clockwise)), GEOMETRY_TYPES)
    exterior, hole = parsed.geometry["coordinates"]
    assert exterior == SQUARE
    assert hole == HOLE
    assert shapely.is_ccw(shapely.LinearRing(exterior))
    assert not shapely.is_ccw(shapely.LinearRing(hole))
    stored = shapely.from_wkb(parsed.wkb)
    assert shapely.is_ccw(stored.exterior)
    assert not shapely.is_ccw(stored.interiors[0])
    assert parsed.warnings == []  # RFC 7946 §3.1.6: rewinding is silent


def test_bbox_and_foreign_members_and_wgs84_crs_are_accepted() -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    obj = feature(point(1, 43), bbox=[1, 43, 1, 43], crs=crs, title="foreign member")
    assert parse_feature(obj, GEOMETRY_TYPES).geometry_type == "Point"


def test_polygon_crossing_the_antimeridian_is_taken_in_plain_lon_lat() -> None:
    # Documented choice: no splitting. Valid in plain lon/lat, so stored as sent (spanning the
    # globe the long way round).
    ring = [[170, 40], [-170, 40], [-170, 50], [170, 50], [170, 40]]
    parsed = parse_feature(feature(polygon(ring)), GEOMETRY_TYPES)
    assert shapely.from_wkb(parsed.wkb).bounds == (-170.0, 40.0, 170.0, 50.0)


# Refused features: structure


@pytest.mark.parametrize(
    "obj",
    [
        point(1, 43),
        {"type": "FeatureCollection", "features": []},
        {"type": "feature", "properties": {}, "geometry": point(1, 43)},
        {"properties": {}, "geometry": point(1, 43)},
    ],
    ids=["bare geometry", "collection", "lower case", "no type"],
)
def test_anything_but_a_feature_is_refused(obj: dict[str, Any]) -> None:
    assert errors_of(obj) == [("/type", "not_a_feature")]


def test_non_object_in_a_batch_is_refused_at_its_index() -> None:
    [outcome] = parse_features([None], GEOMETRY_TYPES)
    assert outcome == [FieldError("/features/0", "not_a_feature", {"got": "null"})]


@pytest.mark.parametrize("properties", [[], 2, "x"])
def test_properties_must_be_an_object_or_null(properties: Any) -> None:
    assert errors_of(feature(point(1, 43), properties=properties)) == [
        ("/properties", "wrong_type")
    ]


@pytest.mark.parametrize("bad_id", ["456", 123, {}, "not-a-uuid"])
def test_id_must_be_a_uuid(bad_id: Any) -> None:
    assert errors_of(feature(point(1, 43), id=bad_id)) == [("/id", "invalid_id")]


def test_geometry_member_is_required_and_not_null() -> None:
    assert errors_of({"type": "Feature", "properties": {}}) == [("/geometry", "required")]
    assert errors_of(feature(None)) == [("/geometry", "geometry_missing")]


@pytest.mark.parametrize("kind", ["GeometryCollection", "MultiPoint", "MultiLineString"])
def test_collections_of_geometries_are_unsupported(kind: str) -> None:
    geometry = {"type": kind, "geometries": [point(1, 43)], "coordinates": [[1, 43]]}
    assert errors_of(feature(geometry)) == [("/geometry/type", "geometry_type_unsupported")]


def test_unknown_geometry_type_is_refused() -> None:
    assert errors_of(feature({"type": "point", "coordinates": [1, 43]})) == [
        ("/geometry/type", "geometry_type_unknown")
    ]


def test_geometry_type_the_campaign_does_not_allow_is_refused() -> None:
    error = error_of(feature(polygon(SQUARE)), ("Point", "LineString"))
    assert (error.path, error.code) == ("/geometry/type", "geometry_type_not_allowed")
    assert error.params == {"got": "Polygon", "allowed": "Point, LineString"}


def test_crs_other_than_wgs84_is_refused() -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}
    assert errors_of(feature(point(1, 43), crs=crs)) == [("/crs", "crs_not_supported")]


@pytest.mark.parametrize("bbox", [[1, 2, 3], "1,2,3,4", [1, 2, 3, "4"], [1, 2, 3, True]])
def test_malformed_bbox_is_refused(bbox: Any) -> None:
    assert errors_of(feature(point(1, 43), bbox=bbox)) == [("/bbox", "invalid_bbox")]
    assert errors_of(feature({**point(1, 43), "bbox": bbox})) == [
        ("/geometry/bbox", "invalid_bbox")
    ]


# Refused features: coordinates


@pytest.mark.parametrize(
    ("coordinates", "path", "code"),
    [
        (["1.5", 43], "/geometry/coordinates/0", "coordinate_not_number"),
        ([1.5, True], "/geometry/coordinates/1", "coordinate_not_number"),
        ([math.nan, 43], "/geometry/coordinates/0", "coordinate_not_number"),
        ([1.5, math.inf], "/geometry/coordinates/1", "coordinate_not_number"),
        ([1.5, 43, "high"], "/geometry/coordinates/2", "coordinate_not_number"),
        ([1, 2, 3, 4], "/geometry/coordinates", "position_size"),
        ([1], "/geometry/coordinates", "position_size"),
        ([], "/geometry/coordinates", "position_size"),
        ([[1, 43]], "/geometry/coordinates", "coordinates_too_deep"),
        (1.5, "/geometry/coordinates", "position_expected"),
    ],
)
def test_malformed_positions_are_refused_at_their_path(
    coordinates: Any, path: str, code: str
) -> None:
    assert errors_of(feature({"type": "Point", "coordinates": coordinates})) == [(path, code)]


def test_coordinates_are_required() -> None:
    assert errors_of(feature({"type": "Point"})) == [("/geometry/coordinates", "required")]


def test_longitude_and_latitude_out_of_range_give_the_value() -> None:
    longitude = error_of(feature(point(190.5, 43)))
    assert (longitude.path, longitude.code) == ("/geometry/coordinates/0", "longitude_out_of_range")
    assert longitude.params == {"value": 190.5}
    latitude = error_of(feature(point(1, -91)))
    assert (latitude.path, latitude.code) == ("/geometry/coordinates/1", "latitude_out_of_range")
    assert latitude.params == {"value": -91}


def test_unclosed_ring_is_refused_not_closed_silently() -> None:
    assert errors_of(feature(polygon(SQUARE[:-1]))) == [
        ("/geometry/coordinates/0", "ring_not_closed")
    ]


def test_too_short_ring_gives_its_count() -> None:
    error = error_of(feature(polygon([[1, 43], [2, 43], [1, 43]])))
    assert (error.path, error.code, error.params) == (
        "/geometry/coordinates/0",
        "ring_too_short",
        {"count": 3},
    )


def test_error_in_a_hole_of_a_multipolygon_points_at_that_hole() -> None:
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE, HOLE[:-1]]]}
    assert errors_of(feature(multi)) == [("/geometry/coordinates/1/1", "ring_not_closed")]


@pytest.mark.parametrize(
    ("geometry", "path", "code"),
    [
        ({"type": "Polygon", "coordinates": []}, "/geometry/coordinates", "polygon_without_rings"),
        (
            {"type": "MultiPolygon", "coordinates": []},
            "/geometry/coordinates",
            "multipolygon_without_polygons",
        ),
        ({"type": "Polygon", "coordinates": [5]}, "/geometry/coordinates/0", "array_expected"),
        (
            {"type": "LineString", "coordinates": [[1, 43]]},
            "/geometry/coordinates",
            "line_too_short",
        ),
        (
            {"type": "LineString", "coordinates": [[1, 43], [1, 43], [1.0, 43.0]]},
            "/geometry/coordinates",
            "line_too_short",
        ),
    ],
)
def test_empty_or_degenerate_coordinates_are_refused(
    geometry: dict[str, Any], path: str, code: str
) -> None:
    assert errors_of(feature(geometry)) == [(path, code)]


def test_errors_per_feature_are_capped() -> None:
    ring = [["1", "43"]] * 1000
    with pytest.raises(ValidationFailed) as caught:
        parse_feature(feature(polygon(ring)), GEOMETRY_TYPES)
    assert len(caught.value.errors) == MAX_ERRORS_PER_FEATURE


# Refused features: validity


def test_bow_tie_polygon_is_refused_with_the_crossing_point() -> None:
    bow_tie = [[1.0, 43.0], [1.002, 43.002], [1.002, 43.0], [1.0, 43.002], [1.0, 43.0]]
    error = error_of(feature(polygon(bow_tie)))
    assert (error.path, error.code) == ("/geometry", "self_intersection")
    assert error.params == {"lon": 1.001, "lat": 43.001}


def test_hole_crossing_the_exterior_is_a_self_intersection() -> None:
    hole = [[1.005, 42.99], [1.006, 43.005], [1.007, 42.99], [1.005, 42.99]]
    assert errors_of(feature(polygon(SQUARE, hole))) == [("/geometry", "self_intersection")]


def test_other_invalidity_gives_the_reason() -> None:
    outside = [[2, 44], [2.1, 44], [2, 44.1], [2, 44]]
    error = error_of(feature(polygon(SQUARE, outside)))
    assert (error.path, error.code) == ("/geometry", "invalid_geometry")
    assert error.params["reason"] == "Hole lies outside shell"
    degenerate = [[1, 43], [2, 43], [2, 43], [1, 43]]
    assert error_of(feature(polygon(degenerate))).code == "invalid_geometry"


def test_one_bad_feature_does_not_sink_the_batch() -> None:
    bow_tie = [[1.0, 43.0], [1.002, 43.002], [1.002, 43.0], [1.0, 43.002], [1.0, 43.0]]
    batch = [feature(point(1, 43)), feature(polygon(bow_tie)), feature(polygon(SQUARE))]
    first, second, third = parse_features(batch, GEOMETRY_TYPES)
    assert isinstance(first, ParsedFeature) and first.index == 0
    assert isinstance(third, ParsedFeature) and third.index == 2
    assert isinstance(second, list)
    assert [(e.path, e.code) for e in second] == [("/features/1/geometry", "self_intersection")]


def test_batch_paths_locate_the_coordinate() -> None:
    batch = [feature(point(1, 43)), feature(polygon([*SQUARE[:2], [1.01, 95], *SQUARE[3:]]))]
    _, errors = parse_features(batch, GEOMETRY_TYPES)
    assert isinstance(errors, list)
    assert [(e.path, e.code) for e in errors] == [
        ("/features/1/geometry/coordinates/0/2/1", "latitude_out_of_range")
    ]


def test_parse_feature_paths_start_at_the_given_prefix() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_feature(feature(point(1, 99)), GEOMETRY_TYPES, path="/observation")
    assert caught.value.errors[0].path == "/observation/geometry/coordinates/1"


# -1e309 is -Infinity; 10**400 is what stdlib json makes of a 401-digit integer.
ODD_VALUES: list[Any] = [None, True, 0, -1e309, math.nan, 10**400, "", "x", [], [[]], {"type": {}}]


def mutations(node: Any) -> Iterator[Any]:
    """Copies of ``node`` with one member, at any depth, replaced by each odd JSON value."""
    yield from ODD_VALUES
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in list(children):
        for replacement in mutations(child):
            copy = dict(node) if isinstance(node, dict) else list(node)
            copy[key] = replacement
            yield copy


def test_no_mutation_of_a_valid_feature_escapes_as_an_exception() -> None:
    crs = {"type": "name", "properties": {"name": "EPSG:4326"}}
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE[:4] + SQUARE[:1], HOLE]]}
    originals = [
        feature(point(1, 43, 5), id=str(uuid.uuid4()), bbox=[1, 43, 1, 43], crs=crs),
        feature({"type": "LineString", "coordinates": [[1, 43], [2, 44]]}),
        feature(multi),
    ]
    for original in originals:
        batch = list(mutations(original))
        outcomes = parse_features(batch, GEOMETRY_TYPES)
        assert len(outcomes) == len(batch)
        for outcome in outcomes:
            if isinstance(outcome, list):
                assert_reportable(outcome)


# The FeatureCollection envelope


def test_features_of_collection_returns_its_features() -> None:
    features = [feature(point(1, 43))]
    assert features_of_collection({"type": "FeatureCollection", "features": features}) is features


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"type": "featurecollection", "features": []}, [("/type", "not_a_feature_collection")]),
        ([], [("", "not_a_feature_collection")]),
        ({"type": "FeatureCollection"}, [("/features", "required")]),
        ({"type": "FeatureCollection", "features": {}}, [("/features", "wrong_type")]),
        (
            {"type": "FeatureCollection", "features": [], "crs": {"type": "name"}},
            [("/crs", "crs_not_supported")],
        ),
    ],
)
def test_malformed_envelope_is_refused(obj: Any, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        features_of_collection(obj)
    assert [(error.path, error.code) for error in caught.value.errors] == expected


# The shared corpus of malformed GeoJSON (geojson-validator and antimeridian test cases)

ACCEPTED = "accepted"
ACCEPTED_Z = "accepted, z_dropped"
# Per file, the outcome of each feature: accepted, or the set of error codes.
EXPECTED: dict[str, list[str | set[str]]] = {
    # antimeridian: no special handling; valid in plain lon/lat means accepted as sent
    "almost-180": [ACCEPTED],
    "complex-split": [{"self_intersection"}],
    "cw-only": [ACCEPTED],
    "extra-crossing": [{"self_intersection"}],
    "great-circle": [ACCEPTED],
    "issues-164": [{"self_intersection"}],
    "issues-174": [ACCEPTED],
    "issues-187": [{"longitude_out_of_range"}],
    "issues-81": [{"self_intersection"}],
    "line": [ACCEPTED],
    "multi-no-antimeridian": [ACCEPTED],
    "north-pole": [{"self_intersection"}],
    "one-hole": [{"self_intersection"}],
    "overlap": [{"self_intersection"}],
    "simple-with-ccw-hole": [ACCEPTED],
    "south-pole": [{"self_intersection"}],
    "two-holes": [{"self_intersection"}],
    # geojson-validator: invalid geometries
    "invalid_exterior_not_ccw": [ACCEPTED],
    "invalid_incorrect_geometry_data_type": [{"coordinates_too_deep"}],
    "invalid_inner_and_exterior_ring_intersect": [{"self_intersection"}],
    "invalid_interior_not_cw": [ACCEPTED],
    "invalid_less_three_unique_nodes": [{"ring_too_short"}],
    "invalid_unclosed": [{"ring_not_closed"}],
    # geojson-validator: invalid structure
    "invalid_feature_geometry_is_string": [{"wrong_type"}],
    "invalid_feature_id_type": [{"invalid_id"}],
    "invalid_feature_no_porperties": [{"ring_too_short", "ring_not_closed"}],
    "invalid_feature_properties_is_array": [{"wrong_type", "geometry_missing"}],
    "invalid_feature_properties_is_int": [{"wrong_type", "geometry_missing"}],
    "invalid_feature_wrong_geometry_key": [{"required"}],
    "invalid_featurecollcetion_features_is_object": [{"wrong_type"}],
    "invalid_featurecollcetion_no_features_member": [{"required"}],
    "invalid_featurecollection_crs_defined": [{"crs_not_supported"}],
    "invalid_featurecollection_feature_nullfeature": [{"not_a_feature"}],
    "invalid_featurecollection_nulltype": [{"not_a_feature_collection"}],
    "invalid_featurecollection_type_lowercase": [{"not_a_feature_collection"}],
    "invalid_featurecollection_unknown_type": [{"not_a_feature_collection"}],
    "invalid_geometry_bbox_not4or6": [{"invalid_bbox"}],
    "invalid_geometry_bbox_not_list": [{"invalid_bbox"}],
    "invalid_geometry_bbox_not_numbers": [{"invalid_bbox"}],
    "invalid_geometry_coordinates_1d": [{"array_expected"}],
    "invalid_geometry_coordinates_4d": [{"position_size"}],
    "invalid_geometry_coordinates_empty_position": [{"position_size"}],
    "invalid_geometry_coordinates_missing": [{"required"}],
    "invalid_geometry_coordinates_string": [{"coordinate_not_number"}],
    "invalid_geometry_depth_deep_point": [{"coordinates_too_deep"}],
    "invalid_geometry_depth_deep_polygon": [{"coordinates_too_deep"}],
    "invalid_geometry_depth_shallow_linestring": [{"position_expected"}],
    "invalid_geometry_depth_shallow_multipolygon": [{"position_expected"}],
    "invalid_geometry_depth_shallow_polygon": [{"position_expected"}],
    "invalid_geometry_geometrycollection_nested": [{"geometry_type_unsupported"}],
    "invalid_geometry_geometrycollection_null_geometry": [{"geometry_type_unsupported"}],
    "invalid_geometry_geometrycollection_single": [{"geometry_type_unsupported"}],
    "invalid_geometry_missing_type": [{"required"}],
    "invalid_geometry_misslabeled_point": [{"array_expected"}],
    "invalid_geometry_wrong_geometry_type": [{"geometry_type_unknown"}],
    # geojson-validator: problematic geometries and structure
    "problematic_3d_coordinates": [{"invalid_id"}],  # its id is "0", not a UUID
    "problematic_crosses_antimeridian": [{"longitude_out_of_range"}],
    "problematic_duplicate_nodes": [ACCEPTED],
    "problematic_excessive_coordinate_precision": [ACCEPTED],
    "problematic_excessive_vertices": [ACCEPTED],
    "problematic_feature_null_geometry": [{"geometry_missing"}],
    "problematic_holes": [ACCEPTED],
    "problematic_multitype_geometry_with_just_one_geometry": [ACCEPTED],
    "problematic_outside_lat_lon_boundaries": [{"longitude_out_of_range"}],
    "problematic_self_intersection_large": [{"self_intersection"}],
    "problematic_self_intersection_small": [{"self_intersection"}],
    "problematic_wrong_bbox_coordinate_order": [ACCEPTED],
    "problematic_zero_length_linestring": [{"line_too_short"}],
    "invalid_crs_defined": [{"crs_not_supported"}],
    # geojson-validator: valid GeoJSON, but not every valid GeoJSON is a valid observation
    "valid_feature": [ACCEPTED],
    "valid_feature_null_geometry": [{"geometry_missing"}],
    "valid_feature_null_properties": [ACCEPTED],
    "valid_feature_with_bbox": [ACCEPTED],
    "valid_feature_with_id": [{"invalid_id"}],
    "valid_feature_with_string_id": [{"invalid_id"}],
    "valid_featurecollcetion_with_geometrycollection": [{"geometry_type_unsupported"}],
    "valid_featurecollection": [ACCEPTED],
    "valid_featurecollection_bboxes": [ACCEPTED, ACCEPTED],
    "valid_featurecollection_empty_features": [],
    "valid_featurecollection_multiple_feature_types": [ACCEPTED] * 4,
    "valid_geometry": [ACCEPTED],
    "valid_geometry_3d_coordinates": [ACCEPTED_Z],
    "valid_geometry_bbox": [ACCEPTED],
    "valid_geometry_geometrycollection": [{"geometry_type_unsupported"}],
    "valid_geometry_geometrycollection_empty_geometries": [{"geometry_type_unsupported"}],
    "valid_geometry_linestring": [ACCEPTED],
    "valid_geometry_multilinestring": [{"geometry_type_unsupported"}],
    "valid_geometry_multipoint": [{"geometry_type_unsupported"}],
    "valid_geometry_multipolygon": [ACCEPTED],
    "valid_geometry_point": [ACCEPTED],
    "valid_geometry_polygon": [ACCEPTED],
}
CORPUS_FILES = sorted(CORPUS.rglob("*.geojson")) if CORPUS.is_dir() else []
CORPUS_PARAMS = [pytest.param(path, id=path.stem) for path in CORPUS_FILES] or [
    pytest.param(None, marks=pytest.mark.skip(reason=f"GeoJSON corpus absent: {CORPUS}"))
]

Outcome = ParsedFeature | list[FieldError]


def corpus_outcomes(path: Path) -> list[Outcome]:
    """Parse a corpus file the way the API would: batch, single feature, or bare geometry."""
    obj = json.loads(path.read_text(encoding="utf-8"))
    kind = obj.get("type") if isinstance(obj, dict) else None
    try:
        if "features" in obj or str(kind).lower() == "featurecollection":
            return parse_features(features_of_collection(obj), GEOMETRY_TYPES)
        if kind != "Feature" and "geometry" not in obj and "properties" not in obj:
            obj = {"type": "Feature", "properties": {}, "geometry": obj}
        return [parse_feature(obj, GEOMETRY_TYPES)]
    except ValidationFailed as failed:
        return [failed.errors]


def summary(outcome: Outcome) -> str | set[str]:
    if isinstance(outcome, ParsedFeature):
        return ", ".join([ACCEPTED, *(warning.code for warning in outcome.warnings)])
    return {error.code for error in outcome}


@pytest.mark.parametrize("path", CORPUS_PARAMS)
def test_corpus_file_gives_accepted_features_or_located_known_errors(path: Path) -> None:
    for outcome in corpus_outcomes(path):
        if isinstance(outcome, ParsedFeature):
            assert outcome.wkb
            assert_same_geometry(outcome)
            continue
        assert_reportable(outcome)
        assert all(error.path.startswith("/") for error in outcome), outcome


@pytest.mark.parametrize("path", CORPUS_PARAMS)
def test_corpus_file_outcome_is_pinned(path: Path) -> None:
    assert path.stem in EXPECTED, f"no expected outcome pinned for {path.name}"
    assert [summary(outcome) for outcome in corpus_outcomes(path)] == EXPECTED[path.stem]


@pytest.mark.skipif(not CORPUS_FILES, reason=f"GeoJSON corpus absent: {CORPUS}")
def test_every_pinned_corpus_file_exists() -> None:
    assert set(EXPECTED) == {path.stem for path in CORPUS_FILES}


@pytest.mark.skipif(not CORPUS_FILES, reason=f"GeoJSON corpus absent: {CORPUS}")
@pytest.mark.parametrize(
    "name",
    ["invalid_exterior_not_ccw", "invalid_interior_not_cw", "cw-only", "simple-with-ccw-hole"],
)
def test_corpus_polygons_are_rewound(name: str) -> None:
    [path] = [path for path in CORPUS_FILES if path.stem == name]
    [parsed] = corpus_outcomes(path)
    assert isinstance(parsed, ParsedFeature)
    exterior, *holes = parsed.geometry["coordinates"]
    assert shapely.is_ccw(shapely.LinearRing(exterior))
    assert not any(shapely.is_ccw(shapely.LinearRing(hole)) for hole in holes)


@pytest.mark.skipif(not CORPUS_FILES, reason=f"GeoJSON corpus absent: {CORPUS}")
def test_corpus_paths_and_parameters_for_named_files() -> None:
    by_name = {path.stem: path for path in CORPUS_FILES}
    [unclosed] = corpus_outcomes(by_name["invalid_unclosed"])
    assert unclosed == [FieldError("/features/0/geometry/coordinates/0", "ring_not_closed")]
    [crossing] = corpus_outcomes(by_name["problematic_self_intersection_small"])
    assert crossing == [
        FieldError(
            "/features/0/geometry", "self_intersection", {"lon": 13.3795271, "lat": 52.5085165}
        )
    ]
    [string] = corpus_outcomes(by_name["invalid_geometry_coordinates_string"])
    assert string == [
        FieldError("/geometry/coordinates/0", "coordinate_not_number", {"got": '"11.691336"'})
    ]
    [three_d] = corpus_outcomes(by_name["valid_geometry_3d_coordinates"])
    assert isinstance(three_d, ParsedFeature)
    assert three_d.geometry == {"type": "Point", "coordinates": [11.691336, 51.804026]}
