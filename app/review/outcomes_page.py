"""``/campaigns/{slug}/outcomes.html``: "What became of your contributions", the public page of
a campaign's outcomes, in French or English (``lang``, else Accept-Language), with a small map
per outcome.

Every text is escaped into the HTML; what the maps need (geometry, bbox) travels in a JSON
block read by the page's script, so no user text is ever placed in a script. MapLibre comes
from this server (``/vendor/maplibre``), and no basemap is fetched.
"""

from __future__ import annotations

import html
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from app.campaigns import service as campaigns
from app.db.session import SessionDep
from app.embed.page import choose_language, render_error_page
from app.errors import STATUS_BY_ERROR, DomainError
from app.i18n import Language
from app.messages import render
from app.review import outcomes
from app.review.outcomes_router import site_root

page_router = APIRouter(tags=["outcomes"])


@page_router.get("/campaigns/{slug}/outcomes.html", response_class=HTMLResponse)
async def outcomes_page(
    slug: str, request: Request, session: SessionDep, lang: str | None = None
) -> Response:
    """The campaign's outcomes for the public, newest first (``lang``: fr or en)."""
    language = choose_language(lang, request.headers.get("accept-language"))
    try:
        campaign = await campaigns.get_campaign(session, slug, None)
    except DomainError as error:
        status = next(code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls))
        detail = render(error.code, language, error.params)
        return HTMLResponse(render_error_page(status, detail, language), status)
    document = await outcomes.public_outcomes(session, campaign, site_root(request))
    headers = {"Vary": "Accept-Language", "Cache-Control": "public, max-age=300"}
    return HTMLResponse(render_page(document, language), headers=headers)


def render_page(document: dict[str, Any], language: Language) -> str:
    items = document["outcomes"]
    other = "en" if language == "fr" else "fr"
    maps = [{"id": str(o["id"]), "features": _features(o), "bbox": o["bbox"]} for o in items]
    articles = "".join(_article(o, language) for o in items)
    empty = f'<p class="none">{_text("outcomes_page_none", language)}</p>'
    return _PAGE.format(
        lang=language,
        title=_text("outcomes_page_title", language),
        campaign=html.escape(document["title"]),
        intro=_text("outcomes_page_intro", language, title=document["title"]),
        other=other,
        switch=_text("outcomes_page_switch", language),
        articles=articles or empty,
        # "<" escaped so that no text in the JSON can close the <script> element.
        config=orjson.dumps({"lang": language, "maps": maps}).decode().replace("<", "\\u003c"),
    )


def _features(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    """What the outcome's map draws: the drawn area (if any) and the points it covers."""
    geometries = [outcome["geometry"]]
    if outcome["points"] and outcome["points"] != outcome["geometry"]:
        geometries.append(outcome["points"])
    return [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries if g]


def _text(code: str, language: Language, **params: Any) -> str:
    return html.escape(render(code, language, params))


def _article(outcome: dict[str, Any], language: Language) -> str:
    count = outcome["observations"]
    plural = "outcomes_page_count_one" if count == 1 else "outcomes_page_count_other"
    statuses = "".join(
        f'<li data-status="{html.escape(status)}">'
        f"{_text(f'observation_status_{status}', language)}&nbsp;: {number}</li>"
        if language == "fr" else
        f'<li data-status="{html.escape(status)}">'
        f"{_text(f'observation_status_{status}', language)}: {number}</li>"
        for status, number in sorted(outcome["statuses"].items())
    )  # fmt: skip
    message = html.escape(outcome["message"][language]).replace("\n", "<br>")
    link = outcome["link"]
    more = (f'<p class="more"><a href="{html.escape(link)}" rel="noopener">'
            f"{_text('outcomes_page_link', language)}</a></p>") if link else ""  # fmt: skip
    created = outcome["created_at"]
    posted = _text("outcomes_page_posted", language, date=created[:10])
    map_div = (f'<div class="map" data-outcome="{outcome["id"]}" role="region" '
               f'aria-label="{_text("outcomes_page_map", language)}"></div>'
               if outcome["geometry"] else "")  # fmt: skip
    return (
        f'<article class="outcome" id="outcome-{outcome["id"]}">'
        f'<p class="posted"><time datetime="{html.escape(created)}">{posted}</time></p>'
        f'<p class="message">{message}</p>'
        f'<p class="count">{_text(plural, language, count=count)}</p>'
        f'<ul class="statuses">{statuses}</ul>{more}{map_div}</article>'
    )


_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title} · {campaign} · Relevé</title>
<link rel="stylesheet" href="../../vendor/maplibre/maplibre-gl.css">
<style>
  body {{ margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1b1b1b; background: #f6f6f3; }}
  header, main {{ max-width: 52rem; margin: 0 auto; padding: 1rem; }}
  header {{ display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline;
    justify-content: space-between; }}
  h1 {{ font-size: 1.5rem; margin: 0; flex: 1 1 16rem; }}
  header p {{ margin: 0; flex-basis: 100%; color: #444; }}
  .switch {{ color: #0b5394; }}
  .outcome {{ background: #fff; border-radius: 6px; padding: 1rem; margin: 0 0 1rem;
    box-shadow: 0 1px 3px rgba(0, 0, 0, .15); display: grid; gap: .25rem 1rem;
    grid-template-columns: 1fr; }}
  .outcome p {{ margin: 0; }}
  .posted {{ color: #555; font-size: .9rem; }}
  .message {{ font-size: 1.05rem; }}
  .count {{ font-weight: 600; }}
  .statuses {{ list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
    gap: .25rem 1rem; color: #333; }}
  .more a {{ color: #0b5394; }}
  .map {{ height: 14rem; border-radius: 4px; background: #e8ece8; }}
  @media (min-width: 48rem) {{
    .outcome {{ grid-template-columns: 1fr 20rem; }}
    .outcome > :not(.map) {{ grid-column: 1; }}
    .map {{ grid-column: 2; grid-row: 1 / span 6; height: 100%; min-height: 12rem; }}
  }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<a class="switch" href="?lang={other}" hreflang="{other}" lang="{other}">{switch}</a>
<p>{intro}</p>
</header>
<main>
{articles}
</main>
<script type="application/json" id="outcomes-config">{config}</script>
<script type="module">
import * as maplibregl from '../../vendor/maplibre/maplibre-gl.mjs';

const config = JSON.parse(document.getElementById('outcomes-config').textContent);
const dates = new Intl.DateTimeFormat(config.lang, {{ dateStyle: 'long' }});
for (const time of document.querySelectorAll('time[datetime]')) {{
  const prefix = time.textContent.slice(0, time.textContent.length - 10);
  time.textContent = prefix + dates.format(new Date(time.dateTime));
}}
// One small map per outcome, made when it scrolls into view (a page of many outcomes would
// otherwise open more WebGL contexts than a browser allows).
window.releveOutcomeMaps = {{}};
const byId = Object.fromEntries(config.maps.map((item) => [item.id, item]));
const observer = new IntersectionObserver((entries) => {{
  for (const entry of entries) {{
    if (!entry.isIntersecting) continue;
    observer.unobserve(entry.target);
    const item = byId[entry.target.dataset.outcome];
    window.releveOutcomeMaps[item.id] = outcomeMap(entry.target, item);
  }}
}});
document.querySelectorAll('.map[data-outcome]').forEach((element) => observer.observe(element));

function outcomeMap(container, {{ features, bbox }}) {{
  const colour = '#0b5394';
  const polygons = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];
  const points = ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]];
  const map = new maplibregl.Map({{
    container,
    style: {{
      version: 8,
      sources: {{
        outcome: {{ type: 'geojson', data: {{ type: 'FeatureCollection', features }} }},
      }},
      layers: [
        {{ id: 'background', type: 'background', paint: {{ 'background-color': '#e8ece8' }} }},
        {{ id: 'outcome-fill', type: 'fill', source: 'outcome', filter: polygons,
          paint: {{ 'fill-color': colour, 'fill-opacity': 0.15 }} }},
        {{ id: 'outcome-line', type: 'line', source: 'outcome', filter: polygons,
          paint: {{ 'line-color': colour, 'line-width': 2 }} }},
        {{ id: 'outcome-point', type: 'circle', source: 'outcome', filter: points,
          paint: {{ 'circle-color': colour, 'circle-radius': 5, 'circle-stroke-color': '#fff',
                    'circle-stroke-width': 1.5 }} }},
      ],
    }},
    bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]],
    fitBoundsOptions: {{ padding: 24, maxZoom: 15 }},
    attributionControl: false,
    cooperativeGestures: true,
    interactive: true,
  }});
  map.addControl(new maplibregl.NavigationControl({{ showCompass: false }}), 'top-right');
  return map;
}}
</script>
</body>
</html>
"""
