"""OpenStreetMap extracts as GDAL writes them (the shared data's OSM GeoJSON): a feature's
tags are its own columns plus the ``other_tags`` hstore text."""

from __future__ import annotations

import re
from typing import Any

_TAG = re.compile(r'"([^"]+)"=>"([^"]*)"')
# The keys that make a node a point of interest, most telling first.
POI_KEYS = ("amenity", "shop", "tourism", "aeroway", "power", "man_made", "leisure")


def osm_tags(properties: dict[str, Any]) -> dict[str, str]:
    """An OSM feature's tags: its own columns and those of the ``other_tags`` hstore text."""
    tags = {k: str(v) for k, v in properties.items() if v not in (None, "") and k != "other_tags"}
    tags.update(_TAG.findall(properties.get("other_tags") or ""))
    return tags


def poi_kind(tags: dict[str, str]) -> str | None:
    """What a point of interest is (``cafe``, ``survey_point``...), from its first POI key."""
    return next((tags[key] for key in POI_KEYS if key in tags), None)
