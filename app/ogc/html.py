"""HTML views of the OGC API, so an analyst can browse the data without QGIS.

Plain server-rendered pages (every value escaped), in French or English. The map uses
MapLibre when it is vendored under ``pwa/vendor/maplibre/``; otherwise the page says there is
no map and the attribute table is still there.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import orjson

from app.i18n import Language

VENDOR_DIR = Path(__file__).resolve().parents[2] / "pwa" / "vendor" / "maplibre"

LABELS: dict[str, dict[Language, str]] = {
    "home": {"en": "Open data", "fr": "Données ouvertes"},
    "collections": {"en": "Collections", "fr": "Collections"},
    "conformance": {"en": "Conformance", "fr": "Conformité"},
    "api": {"en": "API description (OpenAPI)", "fr": "Description de l'API (OpenAPI)"},
    "items": {"en": "Features", "fr": "Entités"},
    "queryables": {"en": "Queryable properties", "fr": "Propriétés interrogeables"},
    "licence": {"en": "Licence", "fr": "Licence"},
    "attribution": {"en": "Attribution", "fr": "Attribution"},
    "extent": {"en": "Extent", "fr": "Emprise"},
    "json": {"en": "This page as JSON", "fr": "Cette page en JSON"},
    "next": {"en": "Next page", "fr": "Page suivante"},
    "prev": {"en": "Previous page", "fr": "Page précédente"},
    "returned": {"en": "features on this page", "fr": "entités sur cette page"},
    "matched": {"en": "matching features", "fr": "entités correspondantes"},
    "no_map": {
        "en": "No map viewer is installed on this server: the attributes are below.",
        "fr": "Aucune carte n'est installée sur ce serveur : les attributs sont ci-dessous.",
    },
    "property": {"en": "Property", "fr": "Propriété"},
    "type": {"en": "Type", "fr": "Type"},
    "value": {"en": "Value", "fr": "Valeur"},
    "generalised": {
        "en": "Locations are generalised to a grid of {m} m.",
        "fr": "Les positions sont généralisées sur une grille de {m} m.",
    },
}

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#222}
nav a{margin-right:.8rem} table{border-collapse:collapse;font-size:.9rem;width:100%}
td,th{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} #map{height:420px;border:1px solid #ccc;margin:1rem 0}
.muted{color:#666} .scroll{overflow-x:auto}
"""


def plain(name: str, language: Language) -> str:
    return LABELS[name][language]


def label(name: str, language: Language, **params: Any) -> str:
    return escape(LABELS[name][language].format(**params))


@lru_cache(maxsize=1)
def maplibre_script() -> str | None:
    """The vendored MapLibre entry point's URL, if any (looked up once)."""
    for name in ("maplibre-gl.mjs", "maplibre-gl.js"):
        if (VENDOR_DIR / name).is_file():
            return f"/vendor/maplibre/{name}"
    return None


def page(title: str, body: str, language: Language, base: str, json_url: str) -> bytes:
    nav = (
        f'<nav><a href="{escape(base)}?f=html">{label("home", language)}</a>'
        f'<a href="{escape(base)}/collections?f=html">{label("collections", language)}</a>'
        f'<a href="{escape(json_url)}">{label("json", language)}</a></nav>'
    )
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{nav}<h1>{escape(title)}</h1>{body}</body></html>"
    )
    return document.encode()


def link_list(links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in links)
    return f"<ul>{items}</ul>"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A table; cells are HTML already escaped by the caller."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


def value_text(value: Any) -> str:
    if value is None:
        return '<span class="muted">—</span>'
    if isinstance(value, list | dict):
        return escape(orjson.dumps(value).decode())
    return escape(str(value))


def map_block(geojson_url: str, language: Language) -> str:
    """A MapLibre map of the features at ``geojson_url``, or the no-map notice."""
    script = maplibre_script()
    if script is None:
        return f'<p class="muted">{label("no_map", language)}</p>'
    css = script.rsplit("/", 1)[0] + "/maplibre-gl.css"
    loader = (
        f"import * as maplibregl from '{script}';"
        if script.endswith(".mjs")
        else "const maplibregl = window.maplibregl;"
    )
    classic = "" if script.endswith(".mjs") else f'<script src="{script}"></script>'
    return (
        f'<link rel="stylesheet" href="{css}">{classic}<div id="map"></div>'
        f'<script type="module">{loader}{_MAP_SCRIPT % orjson.dumps(geojson_url).decode()}'
        "</script>"
    )


# Features only, no base map (no tiles leave the server): points as circles, areas filled.
_MAP_SCRIPT = """
const url = %s;
const map = new maplibregl.Map({container: 'map', style: {version: 8, sources: {},
  layers: [{id: 'bg', type: 'background', paint: {'background-color': '#f4f1ea'}}]},
  center: [2.5, 46.5], zoom: 4});
map.on('load', async () => {
  let data = await (await fetch(url, {headers: {Accept: 'application/geo+json'}})).json();
  if (data.type === 'Feature') data = {type: 'FeatureCollection', features: [data]};
  map.addSource('f', {type: 'geojson', data});
  map.addLayer({id: 'fill', type: 'fill', source: 'f', filter: ['==', '$type', 'Polygon'],
    paint: {'fill-color': '#2a6f97', 'fill-opacity': 0.4}});
  map.addLayer({id: 'line', type: 'line', source: 'f', paint: {'line-color': '#2a6f97'}});
  map.addLayer({id: 'pt', type: 'circle', source: 'f', filter: ['==', '$type', 'Point'],
    paint: {'circle-radius': 5, 'circle-color': '#c0392b'}});
  const b = new maplibregl.LngLatBounds();
  const walk = c => typeof c[0] === 'number' ? b.extend(c) : c.forEach(walk);
  data.features.forEach(f => f.geometry && walk(f.geometry.coordinates));
  if (!b.isEmpty()) map.fitBounds(b, {padding: 30, maxZoom: 17, duration: 0});
  window.__map = {loaded: true, rendered: data.features.length};
});
"""
