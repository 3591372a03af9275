"""What an items response shows, besides which features match: ``properties``,
``skipGeometry``, ``resultType=hits``, ``ids`` and a bounded ``offset``.

Kept apart from ``query.py``, whose parameters the exports share: these shape one response.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ColumnElement, cast, false, null

from app.ogc.query import invalid
from app.ogc.sources import Collection, Property

VIEW_PARAMETERS = frozenset({"properties", "skipGeometry", "resultType", "ids", "offset"})
# Beyond this, reading by offset costs a scan of every row skipped: the next links do not.
MAX_OFFSET = 10_000
MAX_IDS = 1_000


@dataclass(slots=True)
class ItemsView:
    hits: bool = False
    skip_geometry: bool = False
    properties: tuple[str, ...] | None = None
    ids: list[Any] | None = None
    offset: int = 0


def parse_view(params: Mapping[str, str], collection: Collection) -> ItemsView:
    """Read the view parameters of ``params``; a 400 naming the parameter when one is bad."""
    return ItemsView(
        hits=_result_type(params.get("resultType")),
        skip_geometry=_boolean("skipGeometry", params.get("skipGeometry")),
        properties=_properties(params.get("properties"), collection),
        ids=_ids(params.get("ids"), collection),
        offset=_offset(params.get("offset"), "cursor" in params),
    )


def _result_type(value: str | None) -> bool:
    if value not in (None, "results", "hits"):
        raise invalid("resultType", "expected results or hits")
    return value == "hits"


def _boolean(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise invalid(name, "expected true or false")
    return value.lower() == "true"


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _properties(value: str | None, collection: Collection) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = _names(value)
    if collection.raw_properties is None:
        unknown = [name for name in names if collection.property(name) is None]
        if unknown:
            known = ", ".join(p.name for p in collection.properties)
            raise invalid("properties", f"unknown: {', '.join(unknown)} (known: {known})")
    return tuple(dict.fromkeys(names))


def _ids(value: str | None, collection: Collection) -> list[Any] | None:
    if value is None:
        return None
    names = _names(value)
    if not names or len(names) > MAX_IDS:
        raise invalid("ids", f"expected 1 to {MAX_IDS} comma-separated feature ids")
    ids: list[Any] = []
    for name in names:
        try:
            ids.append(int(name) if collection.kind == "layer" else uuid.UUID(name))
        except ValueError:
            continue  # an id of the wrong form names no feature
    return ids


def _offset(value: str | None, with_cursor: bool) -> int:
    if value is None:
        return 0
    if not value.strip().isdigit():
        raise invalid("offset", "expected a whole number")
    if with_cursor:
        raise invalid("offset", "give either offset or cursor, not both")
    offset = int(value)
    if offset > MAX_OFFSET:
        raise invalid(
            "offset", f"at most {MAX_OFFSET}: beyond it, follow the next links of the pages"
        )
    return offset


def ids_condition(collection: Collection, ids: list[Any]) -> ColumnElement[bool]:
    return collection.keys[-1].in_(ids) if ids else false()


def shaped(collection: Collection, view: ItemsView) -> Collection:
    """``collection`` as the response shows it: fewer properties, or no geometry."""
    changes: dict[str, Any] = {}
    if view.skip_geometry:
        changes["geometry"] = cast(null(), Geometry)
    if view.properties is not None:
        changes["properties"] = tuple(_selected(collection, view.properties))
        changes["raw_properties"] = None
    return dataclasses.replace(collection, **changes) if changes else collection


def _selected(collection: Collection, names: tuple[str, ...]) -> list[Property]:
    if collection.raw_properties is None:
        return [p for p in collection.properties if p.name in names]
    raw = collection.raw_properties
    return [Property(n, "string", raw.op("->>")(n), raw.op("->")(n), {}) for n in names]
