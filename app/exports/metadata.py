"""Licence and attribution as each export format carries them (open data is honest)."""

from __future__ import annotations

from typing import Any

from app.exports.columns import LIST_SEPARATOR
from app.exports.service import Export


def licence_members(export: Export, links: bool = True) -> dict[str, Any]:
    """GeoJSON foreign members: licence, attribution, and links to the licence and source."""
    collection = export.collection
    members: dict[str, Any] = {"license": collection.licence, "attribution": collection.attribution}
    if links:
        members["links"] = [
            {"rel": "license", "href": collection.licence_url, "title": collection.licence},
            {"rel": "via", "href": export.source_url, "type": "application/json"},
        ]
        members["timeStamp"] = _stamp(export)
    return members


def layer_metadata(export: Export) -> dict[str, str]:
    """Key-value metadata of a GeoPackage or FlatGeobuf layer."""
    collection = export.collection
    return {
        "LICENSE": collection.licence,
        "LICENSE_URL": collection.licence_url,
        "ATTRIBUTION": collection.attribution,
        "SOURCE": export.source_url,
        "EXPORTED_AT": _stamp(export),
    }


def description(export: Export) -> str:
    collection = export.collection
    return (
        f"{collection.title}. Licence: {collection.licence} ({collection.licence_url}). "
        f"Attribution: {collection.attribution}. Source: {export.source_url}"
    )


def _stamp(export: Export) -> str:
    return export.created_at.isoformat(timespec="seconds").replace("+00:00", "Z")


def readme(export: Export, header: list[str]) -> str:
    """README.txt beside the CSV, in English then French."""
    collection = export.collection
    labels = {prop.name: prop.schema.get("x-releve-label") for prop in collection.properties}
    lines = [
        f"{collection.title}",
        "",
        f"Licence / licence: {collection.licence} <{collection.licence_url}>",
        f"Attribution: {collection.attribution}",
        f"Source: {export.source_url}",
        f"Exported at / exporté le: {_stamp(export)}",
        "",
        "Columns (WKT: geometry in WGS 84 longitude/latitude; lists joined with "
        f"'{LIST_SEPARATOR}'):",
        "Colonnes (WKT : géométrie en WGS 84 longitude/latitude ; listes jointes par "
        f"« {LIST_SEPARATOR} ») :",
    ]
    for name in header:
        label = labels.get(name)
        lines.append(f"  {name}" + (f" — {label['en']} / {label['fr']}" if label else ""))
    if collection.precision_m:
        size = collection.precision_m
        lines += [
            "",
            f"Locations are generalised to a grid of {size} m.",
            f"Les positions sont généralisées sur une grille de {size} m.",
        ]
    return "\r\n".join(lines) + "\r\n"
