"""Importing reference layers: each format, reprojection, repairs, atomic replacement."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyogrio
import pyogrio.raw
import pytest
import shapely
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.session import Database
from app.quality import layers
from app.quality.layers_source import LayerSourceError, encode_properties
from app.quality.models import ReferenceFeature, ReferenceLayer
from app.quality.schemas import LayerImport

CAPITOLE = (1.4442, 43.6045)
TOULOUSE_POINTS = {
    "capitole": CAPITOLE,
    "saint-sernin": (1.4419, 43.6085),
    "cite-de-l-espace": (1.4933, 43.5866),
}
BOW_TIE = [[[1.40, 43.60], [1.42, 43.62], [1.42, 43.60], [1.40, 43.62], [1.40, 43.60]]]


async def import_file(
    session: AsyncSession, path: Path, slug: str, **options: Any
) -> ReferenceLayer:
    return await layers.import_layer(session, path, LayerImport(slug=slug, **options))


async def feature_properties(session: AsyncSession, layer: ReferenceLayer) -> list[dict[str, Any]]:
    query = select(ReferenceFeature.properties).where(ReferenceFeature.layer_id == layer.id)
    return list(await session.scalars(query.order_by(ReferenceFeature.id)))


def read_source(path: Path) -> tuple[dict[str, Any], Any, list[Any]]:
    meta, _, geometries, columns = pyogrio.raw.read(path)
    return meta, geometries, list(columns)


def write_points_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    return path


# --- formats -----------------------------------------------------------------------------------


async def test_geojson_communes(session: AsyncSession, shared_data: Path) -> None:
    path = shared_data / "reference" / "communes-31-haute-garonne.geojson"
    layer = await import_file(session, path, "communes-31", licence="etalab-2.0")
    assert layer.slug == "communes-31" and layer.feature_count == 587
    assert layer.geometry_types == ["Polygon"]
    assert layer.properties_schema == [
        {"name": "code", "type": "string"},
        {"name": "nom", "type": "string"},
    ]
    minx, miny, maxx, maxy = layer.extent or []
    assert 0.4 < minx < maxx < 2.1 and 42.6 < miny < maxy < 44.0
    report = layer.import_report
    assert report["features_read"] == report["imported"] == 587
    assert report["source_crs"] == "EPSG:4326" and report["source_driver"] == "GeoJSON"
    toulouse = await session.execute(
        text(
            "SELECT properties, ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) "
            "FROM reference_features WHERE layer_id = :id AND properties->>'code' = '31555'"
        ),
        {"id": layer.id, "lon": CAPITOLE[0], "lat": CAPITOLE[1]},
    )
    properties, contains_capitole = toulouse.one()
    assert properties == {"code": "31555", "nom": "Toulouse"} and contains_capitole


async def test_geopackage_with_two_layers(
    session: AsyncSession, shared_data: Path, tmp_path: Path
) -> None:
    meta, geometries, columns = read_source(shared_data / "osm" / "gibraltar_pois.geojson")
    path = tmp_path / "gibraltar.gpkg"
    for name, count in (("pois", len(geometries)), ("first_ten", 10)):
        pyogrio.raw.write(
            path, geometries[:count], [c[:count] for c in columns], meta["fields"],
            layer=name, driver="GPKG", crs="EPSG:4326", geometry_type="Point",
        )  # fmt: skip
    with pytest.raises(LayerSourceError) as several:
        await import_file(session, path, "gib-pois")
    assert several.value.code == "layer_several_layers"
    assert several.value.errors[0].path == "/layer"
    layer = await import_file(session, path, "gib-pois", layer="pois")
    assert layer.feature_count == 527 and layer.geometry_types == ["Point"]
    assert layer.import_report["source_driver"] == "GPKG"
    border = await _properties_of(session, layer, "osm_id", "35469418")
    assert (border["name"], border["barrier"]) == ("Gibraltar", "border_control")


async def _properties_of(
    session: AsyncSession, layer: ReferenceLayer, key: str, value: str
) -> dict[str, Any]:
    query = select(ReferenceFeature.properties).where(
        ReferenceFeature.layer_id == layer.id, ReferenceFeature.properties[key].astext == value
    )
    found = await session.scalar(query)
    assert found is not None
    return dict(found)


async def test_flatgeobuf_buildings_count_what_cannot_be_repaired(
    session: AsyncSession, shared_data: Path, tmp_path: Path
) -> None:
    meta, geometries, columns = read_source(shared_data / "osm" / "gibraltar_buildings.geojson")
    path = tmp_path / "buildings.fgb"
    pyogrio.raw.write(
        path, geometries, columns, meta["fields"], driver="FlatGeobuf", crs="EPSG:4326",
        geometry_type="Polygon",
    )  # fmt: skip
    layer = await import_file(session, path, "gib-buildings")
    report = layer.import_report
    # Two OSM ways are 3-point rings (zero area): nothing polygonal survives their repair.
    assert (report["features_read"], report["imported"]) == (1701, 1699)
    assert report["skipped_unrepairable"] == 2 and report["skipped_empty"] == 0
    assert layer.feature_count == 1699 and report["source_driver"] == "FlatGeobuf"
    convent = await _properties_of(session, layer, "name", "The Convent")
    assert convent["building"] == "yes" and convent["osm_id"] == "2230671"


@pytest.mark.filterwarnings("ignore:Value .* truncated:RuntimeWarning")
async def test_zipped_shapefile(session: AsyncSession, shared_data: Path, tmp_path: Path) -> None:
    meta, geometries, columns = read_source(shared_data / "osm" / "gibraltar_pois.geojson")
    shapefile = tmp_path / "pois.shp"
    pyogrio.raw.write(
        shapefile, geometries, columns, meta["fields"], driver="ESRI Shapefile",
        crs="EPSG:4326", geometry_type="Point",
    )  # fmt: skip
    archive = tmp_path / "pois.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("pois.*"):
            if part.suffix != ".zip":
                zipped.write(part, f"gibraltar/{part.name}")
    layer = await import_file(session, archive, "gib-pois-shp")
    assert layer.feature_count == 527 and layer.import_report["source_driver"] == "ESRI Shapefile"
    assert (await _properties_of(session, layer, "osm_id", "35469418"))["name"] == "Gibraltar"


async def test_csv_with_coordinate_columns(session: AsyncSession, tmp_path: Path) -> None:
    path = write_points_csv(
        tmp_path / "benches.csv",
        "id;Name;Longitude;Latitude;seats",
        ["1;Capitole;1.4442;43.6045;4", "2;Saint-Sernin;1.4419;43.6085;", "3;Nowhere;;;2"],
    )
    layer = await import_file(session, path, "benches")
    report = layer.import_report
    assert (report["features_read"], report["imported"], report["skipped_empty"]) == (3, 2, 1)
    assert report["source_crs"] == "EPSG:4326" and layer.geometry_types == ["Point"]
    rows = await feature_properties(session, layer)
    # CSV values stay text (no guessing: "0065" keeps its zeros); empty cells are null.
    assert rows[0]["Name"] == "Capitole" and rows[1]["seats"] is None
    lon_lat = await session.execute(
        text("SELECT ST_X(geom), ST_Y(geom) FROM reference_features WHERE layer_id = :id "
             "AND properties->>'id' = '1'"), {"id": layer.id},
    )  # fmt: skip
    assert lon_lat.one() == pytest.approx(CAPITOLE)


async def test_csv_in_lambert_93_with_named_columns(session: AsyncSession, tmp_path: Path) -> None:
    path = write_points_csv(tmp_path / "l93.csv", "name,E,N", ["capitole,574357.38,6279620.75"])
    with pytest.raises(LayerSourceError) as no_columns:
        await import_file(session, path, "l93-csv")
    assert no_columns.value.code == "layer_csv_no_coordinates"
    with pytest.raises(LayerSourceError) as out_of_range:
        await import_file(session, path, "l93-csv", x_column="E", y_column="N")
    assert out_of_range.value.code == "layer_coordinates_out_of_range"
    layer = await import_file(session, path, "l93-csv", x_column="e", y_column="n", crs="2154")
    assert layer.import_report["source_crs"] == "EPSG:2154"
    assert layer.extent == pytest.approx([*CAPITOLE, *CAPITOLE], abs=1e-6)


# --- coordinate reference systems --------------------------------------------------------------


async def lambert_93(session: AsyncSession, lon: float, lat: float) -> tuple[float, float]:
    point = await session.execute(
        text("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), "
             "4326), 2154) AS p"), {"lon": lon, "lat": lat},
    )  # fmt: skip
    x, y = point.one()
    return x, y


async def write_lambert_93_points(session: AsyncSession, path: Path, crs: str) -> Path:
    names = list(TOULOUSE_POINTS)
    projected = [await lambert_93(session, *TOULOUSE_POINTS[name]) for name in names]
    geometries = np.array([shapely.to_wkb(shapely.Point(*xy)) for xy in projected], dtype=object)
    pyogrio.raw.write(
        path, geometries, [np.array(names, dtype=object)], ["name"], driver="GPKG", crs=crs,
        geometry_type="Point",
    )  # fmt: skip
    return path


async def assert_back_in_place(session: AsyncSession, layer: ReferenceLayer) -> None:
    rows = await session.execute(
        text("SELECT properties->>'name', ST_X(geom), ST_Y(geom) FROM reference_features "
             "WHERE layer_id = :id"), {"id": layer.id},
    )  # fmt: skip
    for name, lon, lat in rows:
        distance = await session.scalar(
            text("SELECT ST_Distance(ST_MakePoint(:a, :b)::geography, "
                 "ST_MakePoint(:c, :d)::geography)"),
            {"a": lon, "b": lat, "c": TOULOUSE_POINTS[name][0], "d": TOULOUSE_POINTS[name][1]},
        )  # fmt: skip
        assert distance < 0.5, f"{name} landed {distance:.3f} m away"


async def test_lambert_93_source_lands_in_place(session: AsyncSession, tmp_path: Path) -> None:
    path = await write_lambert_93_points(session, tmp_path / "l93.gpkg", "EPSG:2154")
    assert pyogrio.read_info(path)["crs"] == "EPSG:2154"
    layer = await import_file(session, path, "toulouse-l93")
    assert layer.import_report["source_crs"] == "EPSG:2154" and layer.feature_count == 3
    await assert_back_in_place(session, layer)


async def test_crs_without_epsg_code_goes_through_proj(
    session: AsyncSession, tmp_path: Path
) -> None:
    proj = (
        "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 "
        "+ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs"
    )
    path = await write_lambert_93_points(session, tmp_path / "l93-wkt.gpkg", proj)
    layer = await import_file(session, path, "toulouse-wkt")
    assert layer.import_report["source_crs"].startswith("PROJCS[")
    await assert_back_in_place(session, layer)


async def test_unknown_crs_is_refused(session: AsyncSession, tmp_path: Path) -> None:
    path = write_points_csv(tmp_path / "p.csv", "lon,lat", ["1.44,43.6"])
    for crs in ("EPSG:999999", "not a crs"):
        with pytest.raises(LayerSourceError) as refused:
            await import_file(session, path, "unknown-crs", crs=crs)
        assert refused.value.code == "layer_unknown_crs" and refused.value.errors[0].path == "/crs"


# --- geometries and properties -----------------------------------------------------------------


async def test_invalid_geometries_are_repaired_and_counted(
    session: AsyncSession, tmp_path: Path
) -> None:
    spike = [[[1.40, 43.60], [1.41, 43.60], [1.41, 43.61], [1.42, 43.61], [1.41, 43.61],
              [1.40, 43.61], [1.40, 43.60]]]  # fmt: skip
    path = write_geojson(tmp_path / "invalid.geojson", [
        {"type": "Feature", "properties": {"name": "bow-tie"},
         "geometry": {"type": "Polygon", "coordinates": BOW_TIE}},
        {"type": "Feature", "properties": {"name": "spike"},
         "geometry": {"type": "Polygon", "coordinates": spike}},
        {"type": "Feature", "properties": {"name": "none"}, "geometry": None},
        {"type": "Feature", "properties": {"name": "multi"}, "geometry": {
            "type": "MultiPoint", "coordinates": [[1.4, 43.6], [1.5, 43.7]]}},
    ])  # fmt: skip
    layer = await import_file(session, path, "invalid")
    report = layer.import_report
    assert (report["features_read"], report["imported"]) == (4, 3)
    assert (report["repaired"], report["skipped_empty"], report["skipped_unrepairable"]) == (
        2,
        1,
        0,
    )
    assert report["geometry_types"] == {"MultiPolygon": 1, "Polygon": 1, "MultiPoint": 1}
    stored = await session.execute(
        text("SELECT properties->>'name', GeometryType(geom), ST_IsValid(geom), ST_Area(geom) "
             "FROM reference_features WHERE layer_id = :id ORDER BY 1"), {"id": layer.id},
    )  # fmt: skip
    by_name = {row[0]: row[1:] for row in stored}
    assert by_name["bow-tie"][:2] == ("MULTIPOLYGON", True)
    assert by_name["bow-tie"][2] == pytest.approx(0.0002)  # both triangles kept
    assert by_name["spike"][:2] == ("POLYGON", True)  # the stray line is gone
    assert by_name["multi"][0] == "MULTIPOINT"  # Multi and single types are kept


async def test_property_types_survive(session: AsyncSession, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "typed.geojson", [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.4, 43.6, 150.0]},
         "properties": {"big": 12345678901, "flag": True, "at": "2024-05-01T10:00:00+02:00",
                        "day": "2024-05-01", "tags": ["a", "b"], "nested": {"k": [1, 2]},
                        "ratio": 0.5}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.5, 43.7, 160.0]},
         "properties": {"big": None, "flag": None, "at": None, "day": None, "tags": None,
                        "nested": None, "ratio": None}},
    ])  # fmt: skip
    layer = await import_file(session, path, "typed")
    types = {p["name"]: p["type"] for p in layer.properties_schema}
    assert types == {"big": "integer", "flag": "boolean", "at": "datetime", "day": "date",
                     "tags": "array", "nested": "json", "ratio": "number"}  # fmt: skip
    first, second = await feature_properties(session, layer)
    assert first == {"big": 12345678901, "flag": True, "at": "2024-05-01T10:00:00+02:00",
                     "day": "2024-05-01", "tags": ["a", "b"], "nested": {"k": [1, 2]},
                     "ratio": 0.5}  # fmt: skip
    assert set(second.values()) == {None}
    assert layer.import_report["z_dropped"] is True


# --- replacing a layer -------------------------------------------------------------------------


async def count_features(session: AsyncSession, layer_id: uuid.UUID) -> int:
    query = select(func.count()).where(ReferenceFeature.layer_id == layer_id)
    return int(await session.scalar(query) or 0)


async def test_reimport_replaces_the_layer(session: AsyncSession, shared_data: Path) -> None:
    reference = shared_data / "reference"
    old = await import_file(session, reference / "communes-31-haute-garonne.geojson", "zones")
    old_id, created_at = old.id, old.created_at
    new = await import_file(
        session, reference / "departement-31-haute-garonne.geojson", "zones", title="31"
    )
    assert new.id != old_id and new.slug == "zones" and new.feature_count == 1
    assert new.created_at == created_at and new.title == "31"
    assert await count_features(session, old_id) == 0
    assert await count_features(session, new.id) == 1
    slugs = await session.scalars(select(ReferenceLayer.slug).where(ReferenceLayer.slug == "zones"))
    assert list(slugs) == ["zones"]
    assert await session.get(ReferenceLayer, old_id) is None


async def test_failed_reimport_keeps_the_old_layer(
    session: AsyncSession, shared_data: Path, tmp_path: Path
) -> None:
    communes = shared_data / "reference" / "communes-31-haute-garonne.geojson"
    old = await import_file(session, communes, "zones")
    lambert = write_points_csv(tmp_path / "l93.csv", "x,y", ["574357.38,6279620.75"])
    failures = [
        (communes, {"crs": "EPSG:999999"}),  # refused before any feature is written
        (lambert, {}),  # refused after its features were staged and written
    ]
    for path, options in failures:
        with pytest.raises(LayerSourceError):
            await import_file(session, path, "zones", **options)
    assert (await layers.get_layer(session, "zones")).id == old.id
    assert await count_features(session, old.id) == 587
    leftovers = await session.scalar(
        select(func.count()).select_from(ReferenceLayer).where(ReferenceLayer.slug.is_(None))
    )
    assert leftovers == 0


async def test_readers_see_the_old_layer_until_the_new_one_commits(
    committed_db: Database, shared_data: Path
) -> None:
    reference = shared_data / "reference"
    count_by_slug = text(
        "SELECT count(*) FROM reference_features f JOIN reference_layers l ON l.id = f.layer_id "
        "WHERE l.slug = 'zones'"
    )
    async with committed_db.session() as session:
        await import_file(session, reference / "communes-31-haute-garonne.geojson", "zones")
        await session.commit()
    async with committed_db.session() as writer, committed_db.engine.connect() as reader:
        await import_file(writer, reference / "departement-31-haute-garonne.geojson", "zones")
        assert await reader.scalar(count_by_slug) == 587
        await writer.commit()
        assert await reader.scalar(count_by_slug) == 1


def test_encode_properties_writes_what_json_lacks() -> None:
    columns = [
        np.array([b"\x00\xff", None], dtype=object),  # binary field
        np.array([np.array([1.5, 2.5]), None], dtype=object),  # real list field
        np.array([0.25, np.nan], dtype=np.float32),  # NaN is a null
        np.array([3.0, np.nan]),  # integer field holding a null
    ]
    kinds = ["binary", "array", "number", "integer"]
    encoded = encode_properties(["blob", "reals", "ratio", "count"], kinds, columns, 2)
    assert [orjson.loads(row) for row in encoded] == [
        {"blob": "AP8=", "reals": [1.5, 2.5], "ratio": 0.25, "count": 3},
        {"blob": None, "reals": None, "ratio": None, "count": None},
    ]
    assert encode_properties([], [], [], 3) == [b"{}"] * 3
