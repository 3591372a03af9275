"""The embed page: its options (bbox, statuses, language) and its HTML.

The page loads MapLibre and the shared map module (``pwa/map/map.js``) from this server only;
the campaign's title, statuses, their labels and the TileJSON URL travel in a JSON block that
the module reads, so no user text is ever placed in a script.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson

from app.errors import BadRequest
from app.i18n import Language, negotiate_language
from app.messages import render

LonLatBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class EmbedOptions:
    language: Language
    bbox: LonLatBox | None
    statuses: tuple[str, ...] | None


def choose_language(lang: str | None, accept_language: str | None) -> Language:
    """``lang=fr|en`` when given and known, else what the browser asks for."""
    if lang in ("fr", "en"):
        return lang  # type: ignore[return-value]
    return negotiate_language(accept_language)


def parse_bbox(value: str | None) -> LonLatBox | None:
    """``minLon,minLat,maxLon,maxLat`` in degrees, or None when absent."""
    if value is None or not value.strip():
        return None
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise BadRequest("embed_bbox_invalid", got=value)
    west, south, east, north = numbers
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BadRequest("embed_bbox_invalid", got=value)
    return (west, south, east, north)


def page_config(
    title: str, statuses: tuple[str, ...], options: EmbedOptions, tilejson_url: str,
    basemap: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What the page's script needs: passed as JSON to ``createMap`` and ``createLegend``."""
    language = options.language
    return {
        "tilejsonUrl": tilejson_url,
        "bbox": list(options.bbox) if options.bbox else None,
        "statuses": list(statuses),
        "labels": {s: render(f"observation_status_{s}", language) for s in statuses},
        "legendTitle": render("embed_legend_title", language),
        "title": title,
        "lang": language,
        "basemap": basemap,
        "cooperativeGestures": True,
    }


def basemap_option(style_url: str | None, basemap_url: str | None) -> dict[str, Any] | None:
    """The map's ``basemap`` option: a MapLibre style, else a raster tile template whose
    attribution names its host (the least that can be said)."""
    if style_url:
        return {"styleUrl": style_url}
    if basemap_url and "{z}" in basemap_url:
        host = urlsplit(basemap_url.replace("{", "").replace("}", "")).hostname or ""
        return {"tiles": [basemap_url], "tileSize": 256, "attribution": host}
    return None


def render_page(title: str, config: dict[str, Any], language: Language) -> str:
    label = render("embed_map_label", language, {"title": title})
    # "<" escaped so that no text in the JSON can close the <script> element.
    config_json = orjson.dumps(config).decode().replace("<", "\\u003c")
    return _PAGE.format(
        lang=language,
        title=html.escape(title),
        label=html.escape(label),
        config=config_json,
    )


def render_error_page(status: int, detail: str, language: Language) -> str:
    return _ERROR_PAGE.format(lang=language, status=status, detail=html.escape(detail))


_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title} · Relevé</title>
<link rel="stylesheet" href="../vendor/maplibre/maplibre-gl.css">
<style>
  html, body {{ margin: 0; height: 100%; font: 13px/1.4 system-ui, sans-serif; color: #1b1b1b; }}
  #map {{ position: absolute; inset: 0; }}
  .releve-legend {{ position: absolute; left: 8px; top: 8px; max-width: 45%; padding: 6px 10px;
    background: rgba(255, 255, 255, .92); border-radius: 4px;
    box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }}
  .releve-legend h1 {{ font-size: 14px; margin: 0 0 4px; }}
  .releve-legend h2 {{ font-size: 12px; font-weight: normal; color: #444; margin: 0 0 2px; }}
  .releve-legend ul {{ list-style: none; margin: 0; padding: 0; }}
  /* The attribution reads at 4.5:1 at least over any map (MapLibre's is 2:1). */
  .maplibregl-ctrl.maplibregl-ctrl-attrib {{ background-color: rgba(255, 255, 255, .92);
    color: #1b1b1b; }}
  .maplibregl-ctrl-attrib a, .maplibregl-ctrl-attrib a:hover {{ color: #1b1b1b;
    text-decoration: underline; }}
  .releve-popup h2 {{ font-size: 14px; margin: 0 18px 4px 0; }}
  .releve-popup p {{ margin: 0 0 4px; color: #444; }}
  .releve-popup-rows {{ display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 0; }}
  .releve-popup-rows dt {{ color: #444; }}
  .releve-popup-rows dd {{ margin: 0; overflow-wrap: anywhere; }}
  .releve-popup-photo {{ display: block; max-width: 100%; max-height: 120px; margin: 4px 0; }}
  .releve-swatch {{ display: inline-block; width: 10px; height: 10px; margin-right: 6px;
    border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 0 1px rgba(0, 0, 0, .3); }}
</style>
</head>
<body>
<div id="map" role="region" aria-label="{label}"></div>
<script type="application/json" id="embed-config">{config}</script>
<script type="module">
import {{ createMap, createLegend, dataLayerIds }} from '../map/map.js';
import {{ attachPopups, featureTitle, photoOf, popupContent, rawRows }} from '../map/popup.js';

const config = JSON.parse(document.getElementById('embed-config').textContent);
const legend = createLegend({{
  title: config.legendTitle, statuses: config.statuses, labels: config.labels,
}});
const heading = document.createElement('h1');
heading.textContent = config.title;
legend.prepend(heading);
document.body.append(legend);
const map = await createMap(document.getElementById('map'), config);
// A tap on an observation: what its tile says of it (status, attributes, photo).
attachPopups(map, {{ layers: dataLayerIds, content: (feature) => {{
  const properties = feature.properties;
  const status = config.labels[properties.status] || properties.status;
  return popupContent({{ title: featureTitle(properties, config.title), status,
    rows: rawRows(properties), photo: photoOf(properties), photoAlt: config.title }});
}} }});
window.releveMap = map;
</script>
</body>
</html>
"""

_ERROR_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{status} · Relevé</title>
<style>body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }}</style>
</head>
<body><p>{detail}</p></body>
</html>
"""
