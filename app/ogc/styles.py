"""A MapLibre style (version 8) per collection, to show it on a map without writing one.

The collection's vector tiles come through its TileJSON; one layer per geometry type it holds
(circles, lines, fills with their outline), observations coloured by status with the colours
of the field app (``pwa/map/colours.js``). Under them, the campaign's basemap when it names one
this instance serves (its style's sources and layers) or a raster tile template; else none.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from app.basemaps.registry import Basemap
from app.basemaps.style import style_for
from app.ogc import tiles
from app.ogc.sources import Collection

MAPBOX_STYLE = "application/vnd.mapbox.style+json"
DEFAULT_STYLE = "default"
SOURCE = "releve"
STATUS_COLOURS = {
    "pending": "#e69f00",
    "needs_review": "#56b4e9",
    "needs_info": "#0072b2",
    "flagged": "#d55e00",
    "validated": "#009e73",
    "rejected": "#7f7f7f",
    "duplicate": "#cc79a7",
    "withdrawn": "#bbbbbb",
}
OTHER_COLOUR = "#444444"
LAYER_COLOUR = "#3f6fb5"
_BACKGROUND = "#f3f1ec"


def styles_list(collection: Collection, url: str) -> dict[str, Any]:
    """The collection's styles (one); ``url`` is its ``.../styles`` URL."""
    stylesheet = f"{url}/{DEFAULT_STYLE}?f=mapbox"
    return {
        "links": [{"rel": "self", "type": "application/json", "href": url}],
        "styles": [
            {
                "id": DEFAULT_STYLE,
                "title": collection.title,
                "links": [
                    {"rel": "stylesheet", "type": MAPBOX_STYLE, "href": stylesheet,
                     "title": "MapLibre / Mapbox GL style"},
                ],
            }
        ],
    }  # fmt: skip


def style(
    collection: Collection,
    tilejson_url: str,
    base: str,
    basemap: Basemap | None = None,
    raster_basemap: str | None = None,
) -> dict[str, Any]:
    """The collection's default style; ``base`` is the public root URL, ending with '/'."""
    document: dict[str, Any] = {"version": 8, "name": collection.title}
    sources: dict[str, Any] = {}
    layers: list[dict[str, Any]] = []
    if basemap is not None:
        under = style_for(basemap, base)
        document |= {k: v for k, v in under.items() if k not in ("version", "name")}
        sources |= under.get("sources", {})
        layers += under.get("layers", [])
    else:
        layers.append(
            {"id": "background", "type": "background", "paint": {"background-color": _BACKGROUND}}
        )
        if raster_basemap is not None:
            sources["raster-basemap"] = _raster_source(raster_basemap)
            layers.append({"id": "raster-basemap", "type": "raster", "source": "raster-basemap"})
    sources[SOURCE] = {
        "type": "vector",
        "url": tilejson_url,
        "attribution": tiles.attribution_html(collection),
    }
    document["sources"] = sources
    document["layers"] = layers + data_layers(collection)
    return document


def _raster_source(template: str) -> dict[str, Any]:
    host = urlsplit(template.replace("{", "").replace("}", "")).hostname or ""
    return {"type": "raster", "tiles": [template], "tileSize": 256, "attribution": host}


def _colour(collection: Collection) -> Any:
    if collection.kind != "campaign":
        return LAYER_COLOUR
    pairs = [value for item in STATUS_COLOURS.items() for value in item]
    return ["match", ["get", "status"], *pairs, OTHER_COLOUR]


def _only(types: list[str]) -> list[Any]:
    return ["in", ["geometry-type"], ["literal", types]]


def data_layers(collection: Collection) -> list[dict[str, Any]]:
    """A fill, line or circle layer for each kind of geometry the collection holds."""
    kinds = set(collection.geometry_types) or {"Point", "LineString", "Polygon"}
    colour = _colour(collection)
    common = {"source": SOURCE, "source-layer": collection.id}
    polygons = ["Polygon", "MultiPolygon"]
    layers: list[dict[str, Any]] = []
    if kinds & {"Polygon", "MultiPolygon"}:
        layers.append({"id": f"{SOURCE}-fill", "type": "fill", **common, "filter": _only(polygons),
                       "paint": {"fill-color": colour, "fill-opacity": 0.35}})  # fmt: skip
    if kinds & {"LineString", "MultiLineString", "Polygon", "MultiPolygon"}:
        lines = ["LineString", "MultiLineString", *polygons]
        layers.append({"id": f"{SOURCE}-line", "type": "line", **common, "filter": _only(lines),
                       "paint": {"line-color": colour, "line-width": 2}})  # fmt: skip
    if kinds & {"Point", "MultiPoint"}:
        radius = ["interpolate", ["linear"], ["zoom"], 4, 3, 10, 5, 16, 8]
        paint = {"circle-color": colour, "circle-radius": radius,
                 "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}  # fmt: skip
        layers.append({"id": f"{SOURCE}-point", "type": "circle", **common,
                       "filter": _only(["Point", "MultiPoint"]), "paint": paint})  # fmt: skip
    return layers
