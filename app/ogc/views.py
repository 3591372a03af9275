"""The HTML page of each OGC API resource, built from the same documents as the JSON."""

from __future__ import annotations

from html import escape
from typing import Any

import orjson

from app.i18n import Language
from app.messages import render
from app.ogc.documents import HTML
from app.ogc.html import label, link_list, map_block, page, plain, table, value_text
from app.ogc.sources import Collection


def landing(document: dict[str, Any], base: str, language: Language) -> bytes:
    links = [
        (f"{base}/collections?f=html", plain("collections", language)),
        (f"{base}/conformance?f=html", plain("conformance", language)),
        (f"{base}/api", plain("api", language)),
    ]
    body = f"<p>{escape(document['description'])}</p>{link_list(links)}"
    return page(document["title"], body, language, base, base + "?f=json")


def conformance(document: dict[str, Any], base: str, language: Language) -> bytes:
    body = link_list([(uri, uri) for uri in document["conformsTo"]])
    return page(plain("conformance", language), body, language, base, f"{base}/conformance?f=json")


def collections(items: list[dict[str, Any]], base: str, language: Language) -> bytes:
    rows = [
        [
            f'<a href="{escape(base)}/collections/{escape(item["id"])}?f=html">'
            f"{escape(item['title'])}</a>",
            escape(item["id"]),
            escape(item.get("license") or ""),
            escape(item.get("attribution") or ""),
        ]
        for item in items
    ]
    headers = ["Title" if language == "en" else "Titre", "id", plain("licence", language),
               plain("attribution", language)]  # fmt: skip
    body = table(headers, rows)
    return page(plain("collections", language), body, language, base, f"{base}/collections?f=json")


def _licence_line(item: Collection, language: Language) -> str:
    licence = escape(item.licence or "—")
    if item.licence:
        licence = f'<a rel="license" href="{escape(item.licence_url)}">{licence}</a>'
    attribution = escape(item.attribution or "—")
    return (
        f"<p>{label('licence', language)} : {licence} — "
        f"{label('attribution', language)} : {attribution}</p>"
    ).replace(" : ", ": " if language == "en" else " : ")


def collection(item: Collection, document: dict[str, Any], base: str, language: Language) -> bytes:
    url = f"{base}/collections/{item.id}"
    extent = document.get("extent", {}).get("spatial", {}).get("bbox")
    parts = [f"<p>{escape(item.description)}</p>", _licence_line(item, language)]
    if item.precision_m:
        parts.append(f"<p>{label('generalised', language, m=item.precision_m)}</p>")
    if extent:
        parts.append(f"<p>{label('extent', language)}: {escape(str(extent[0]))}</p>")
    outcomes = [
        (link["href"], render("outcomes_page_title", language))
        for link in document["links"]
        if link["rel"] == "related" and link["type"] == HTML
    ]
    parts.append(link_list([
        (f"{url}/items?f=html", plain("items", language)),
        (f"{url}/queryables?f=html", plain("queryables", language)),
        *outcomes,
    ]))  # fmt: skip
    return page(item.title, "".join(parts), language, base, f"{url}?f=json")


def queryables(item: Collection, document: dict[str, Any], base: str, language: Language) -> bytes:
    rows = [
        [escape(name), escape(schema.get("format") or schema.get("type") or "")]
        for name, schema in document["properties"].items()
    ]
    body = table([plain("property", language), plain("type", language)], rows)
    url = f"{base}/collections/{item.id}/queryables"
    return page(f"{item.title} — {plain('queryables', language)}", body, language, base, url)


def items(
    item: Collection, body: bytes, links: list[dict[str, str]], base: str, language: Language
) -> bytes:
    document = orjson.loads(body)
    json_url = next(found["href"] for found in links if found["rel"] == "self")
    names = [prop.name for prop in item.properties]
    if not names and document["features"]:
        names = list(document["features"][0]["properties"])
    rows = [
        [_feature_link(base, item.id, feature["id"])]
        + [value_text(feature["properties"].get(name)) for name in names]
        for feature in document["features"]
    ]
    parts = [
        _licence_line(item, language),
        f"<p>{document['numberReturned']} {label('returned', language)}"
        + (f" — {document['numberMatched']} {label('matched', language)}"
           if "numberMatched" in document else "") + "</p>",
        map_block(json_url, language),
        _pager(links, language),
        table(["id", *names], rows),
        _pager(links, language),
    ]  # fmt: skip
    return page(f"{item.title} — {plain('items', language)}", "".join(parts), language, base,
                json_url)  # fmt: skip


def _feature_link(base: str, collection_id: str, feature_id: Any) -> str:
    href = f"{base}/collections/{collection_id}/items/{feature_id}?f=html"
    return f'<a href="{escape(href)}">{escape(str(feature_id))}</a>'


def _pager(links: list[dict[str, str]], language: Language) -> str:
    found = {item["rel"]: item["href"] for item in links if item["rel"] in ("prev", "next")}
    anchors = [
        f'<a rel="{rel}" href="{escape(_as_html(href))}">{label(rel, language)}</a>'
        for rel, href in sorted(found.items(), key=lambda pair: pair[0] != "prev")
    ]
    return f"<p>{' · '.join(anchors)}</p>" if anchors else ""


def _as_html(href: str) -> str:
    return href + ("&" if "?" in href else "?") + "f=html"


def feature(item: Collection, text: str, base: str, language: Language) -> bytes:
    document = orjson.loads(text)
    url = f"{base}/collections/{item.id}/items/{document['id']}"
    rows = [
        [escape(str(name)), value_text(value)] for name, value in document["properties"].items()
    ]
    parts = [
        _licence_line(item, language),
        map_block(url + "?f=json", language),
        table([plain("property", language), plain("value", language)], rows),
    ]
    title = f"{item.title} — {document['id']}"
    return page(title, "".join(parts), language, base, url + "?f=json")
