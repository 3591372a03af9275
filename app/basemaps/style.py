"""MapLibre styles of served basemaps: the operator's own ``<name>.style.json`` (with
``{tiles}``, ``{glyphs}`` and ``{base}`` filled in), else one made here: for a raster archive
its tiles, for a vector archive a readable map of the layers it has (land, water, land cover,
boundaries, roads, buildings, places, points of interest, house numbers; the layer names the
demo basemaps use), and grey outlines for layers it does not know.
"""

from __future__ import annotations

import json
from typing import Any

from app.basemaps.registry import Basemap

REGULAR = "DejaVu Sans Book"
BOLD = "DejaVu Sans Bold"
SEA = "#aad3df"
LAND = "#f2efe9"
INK = "#3b3b3b"
HALO = "#ffffff"
SOURCE = "basemap"


def style_for(basemap: Basemap, base: str) -> dict[str, Any]:
    """The style of ``basemap``; ``base`` is the instance's root URL, ending with '/'."""
    tiles = f"{base}basemaps/{basemap.name}/{{z}}/{{x}}/{{y}}"
    glyphs = f"{base}basemaps/fonts/{{fontstack}}/{{range}}.pbf"
    if basemap.style_path is not None:
        own = json.loads(basemap.style_path.read_text(encoding="utf-8"))
        filled = _fill(own, {"{tiles}": tiles, "{glyphs}": glyphs, "{base}": base})
        return filled if isinstance(filled, dict) else {}
    info = basemap.archive.info
    source: dict[str, Any] = {
        "type": "vector" if info.vector else "raster",
        "tiles": [tiles],
        "minzoom": info.minzoom,
        "maxzoom": info.maxzoom,
        "bounds": list(info.bounds),
        "attribution": info.attribution,
    }
    if info.vector:
        known = {layer.get("id") for layer in info.vector_layers}
        layers = _vector_layers(known)
    else:
        source["tileSize"] = 256
        layers = [{"id": "basemap-raster", "type": "raster", "source": SOURCE}]
    return {
        "version": 8,
        "name": info.name or basemap.name,
        "glyphs": glyphs,
        "sources": {SOURCE: source},
        "layers": layers,
    }


def _fill(value: Any, names: dict[str, str]) -> Any:
    """``value`` with each placeholder of ``names`` replaced in its strings."""
    if isinstance(value, str):
        return _replace(value, names)
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


def _replace(text: str, names: dict[str, str]) -> str:
    for key, value in names.items():
        text = text.replace(key, value)
    return text


def _layer(id_: str, kind: str, source_layer: str, **rest: Any) -> dict[str, Any]:
    return {
        "id": f"basemap-{id_}",
        "type": kind,
        "source": SOURCE,
        "source-layer": source_layer,
        **rest,
    }


def _zoom(*stops: Any) -> list[Any]:
    return ["interpolate", ["exponential", 1.4], ["zoom"], *stops]


ROAD_CLASSES = {
    # class: (colour, casing, width at z16)
    "primary": ("#fcd6a4", "#c99a5b", 10.0),
    "secondary": ("#f7fabf", "#a8ab6c", 9.0),
    "tertiary": ("#ffffff", "#b0aaa0", 8.0),
    "residential": ("#ffffff", "#c2bcb3", 6.0),
    "unclassified": ("#ffffff", "#c2bcb3", 6.0),
    "service": ("#ffffff", "#c9c4bc", 3.5),
    "track": ("#e9dcc4", "#b89f74", 2.0),
}
_ROAD_DEFAULT = ("#ffffff", "#c2bcb3", 4.0)


def _road_match(index: int) -> list[Any]:
    match: list[Any] = ["match", ["get", "class"]]
    for name, values in ROAD_CLASSES.items():
        match += [name, values[index]]
    return [*match, _ROAD_DEFAULT[index]]


def _road_width(extra: float) -> list[Any]:
    width = _road_match(2)
    return _zoom(
        10,
        ["*", 0.12, width],
        13,
        ["*", 0.4, width],
        16,
        ["+", width, extra],
        19,
        ["*", 2.6, ["+", width, extra]],
    )


def _vector_layers(known: set[Any]) -> list[dict[str, Any]]:
    has_land = "land" in known
    layers: list[dict[str, Any]] = [
        {
            "id": "basemap-background",
            "type": "background",
            "paint": {"background-color": SEA if has_land else LAND},
        },
    ]
    if has_land:
        layers.append(_layer("land", "fill", "land", paint={"fill-color": LAND}))
    if "landcover" in known:
        colour = [
            "match",
            ["get", "class"],
            "beach",
            "#fff1ba",
            "park",
            "#d4e7c3",
            "nature_reserve",
            "#dcebcf",
            "pitch",
            "#bfe3b0",
            "apron",
            "#dadae0",
            "wood",
            "#c8dfb4",
            "#e6e2d6",
        ]
        layers.append(
            _layer(
                "landcover", "fill", "landcover", paint={"fill-color": colour, "fill-opacity": 0.9}
            )
        )
    if "water" in known:
        layers.append(_layer("water", "fill", "water", paint={"fill-color": SEA}))
    if "boundaries" in known:
        layers.append(
            _layer(
                "boundaries",
                "line",
                "boundaries",
                paint={
                    "line-color": "#8f8aa3",
                    "line-width": _zoom(8, 0.6, 14, 1.6),
                    "line-dasharray": [3, 2],
                },
            )
        )
    if "buildings" in known:
        layers.append(
            _layer(
                "buildings",
                "fill",
                "buildings",
                minzoom=14,
                paint={"fill-color": "#d9d0c9", "fill-outline-color": "#bfb2a6"},
            )
        )
    if "roads" in known:
        layers.append(
            _layer(
                "roads-casing",
                "line",
                "roads",
                layout={"line-cap": "round", "line-join": "round"},
                paint={"line-color": _road_match(1), "line-width": _road_width(2.0)},
            )
        )
        layers.append(
            _layer(
                "roads",
                "line",
                "roads",
                layout={"line-cap": "round", "line-join": "round"},
                paint={"line-color": _road_match(0), "line-width": _road_width(0.0)},
            )
        )
    if "addresses" in known:
        layers.append(
            _layer(
                "addresses",
                "symbol",
                "addresses",
                minzoom=17,
                layout={
                    "text-field": ["get", "housenumber"],
                    "text-font": [REGULAR],
                    "text-size": 10,
                },
                paint={"text-color": "#6b6157", "text-halo-color": HALO, "text-halo-width": 1},
            )
        )
    if "roads" in known:
        layers.append(
            _layer(
                "road-names",
                "symbol",
                "roads",
                minzoom=13,
                layout={
                    "symbol-placement": "line",
                    "text-field": ["get", "name"],
                    "text-font": [REGULAR],
                    "text-size": _zoom(13, 10, 18, 14),
                    "text-max-angle": 30,
                },
                paint={"text-color": INK, "text-halo-color": HALO, "text-halo-width": 1.5},
            )
        )
    if "pois" in known:
        layers.append(
            _layer(
                "pois",
                "circle",
                "pois",
                minzoom=14,
                paint={
                    "circle-radius": 3,
                    "circle-color": "#8a6f4e",
                    "circle-stroke-color": HALO,
                    "circle-stroke-width": 1,
                },
            )
        )
        layers.append(
            _layer(
                "poi-names",
                "symbol",
                "pois",
                minzoom=15,
                layout={
                    "text-field": ["get", "name"],
                    "text-font": [REGULAR],
                    "text-size": 11,
                    "text-offset": [0, 0.9],
                    "text-anchor": "top",
                    "text-optional": True,
                },
                paint={"text-color": "#5e4a33", "text-halo-color": HALO, "text-halo-width": 1.2},
            )
        )
    if "places" in known:
        major = ["match", ["get", "class"], ["town", "city", "commune"], True, False]
        layers.append(
            _layer(
                "places",
                "symbol",
                "places",
                layout={
                    "text-field": ["get", "name"],
                    "text-font": ["case", major, ["literal", [BOLD]], ["literal", [REGULAR]]],
                    "text-size": _zoom(8, ["case", major, 11, 9], 14, ["case", major, 17, 13]),
                    "text-max-width": 8,
                    "symbol-sort-key": ["case", major, 0, 1],
                },
                paint={"text-color": "#222222", "text-halo-color": HALO, "text-halo-width": 1.8},
            )
        )
    extra = sorted(str(layer) for layer in known - _KNOWN if layer)
    for source_layer in extra:
        layers.append(
            _layer(
                f"other-{source_layer}",
                "line",
                source_layer,
                paint={"line-color": "#9a9a9a", "line-width": 1},
            )
        )
    return layers


_KNOWN = {
    "land",
    "landcover",
    "water",
    "boundaries",
    "buildings",
    "roads",
    "addresses",
    "pois",
    "places",
}
