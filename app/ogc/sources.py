"""What a published collection is made of, in SQL: rows, key, public geometry and properties.

A campaign publishes its observations (only those the one publication rule publishes:
``app/observations/publication.py``; never who contributed them); a reference layer
publishes its features. Every output (OGC API items, exports) reads the same
``Collection``, so the generalisation of locations and the choice of published properties
live here once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import BigInteger, Boolean, ColumnElement, Date, DateTime, Float, Text, cast

from app.campaigns.models import Campaign
from app.campaigns.service import licence_url, published_statuses
from app.campaigns.versions import published_fields
from app.i18n import label_text
from app.observations.models import Observation
from app.observations.public import DEFAULT_GRID_LATITUDE, grid_cell, public_geometry
from app.observations.publication import published_in
from app.ogc import field_outputs
from app.quality.models import ReferenceFeature, ReferenceLayer

# geometry: a geopoint question; repeat: a repeat question (its count as the typed value).
Kind = Literal[
    "string", "integer", "number", "boolean", "date", "datetime", "array", "geometry", "repeat"
]
LAYER_PREFIX = "layers."


@dataclass(frozen=True, slots=True)
class Property:
    """One published property: its typed SQL value (filters, tables) and its JSON value."""

    name: str
    kind: Kind
    value: ColumnElement[Any]
    json: ColumnElement[Any]
    schema: dict[str, Any]


@dataclass(slots=True)
class Collection:
    id: str
    # "targets": a monitoring campaign's targets (app/targets/source.py).
    kind: Literal["campaign", "layer", "targets"]
    title: str
    description: str
    licence: str
    attribution: str
    record_id: uuid.UUID
    geometry_types: tuple[str, ...]
    properties: tuple[Property, ...]
    updated_at: datetime
    # Base conditions selecting the collection's published rows.
    where: tuple[ColumnElement[bool], ...]
    # Keyset pagination key, in order; the last one is the feature id.
    keys: tuple[Any, ...]
    geometry: Any
    stored_geometry: Any
    # Generalisation cell in degrees (dx, dy), when locations are snapped to a grid.
    grid: tuple[float, float] | None = None
    precision_m: int | None = None
    temporal: Any = None
    # Layers without a known schema publish their properties object as it is.
    raw_properties: Any = None
    statuses: tuple[str, ...] = ()
    extent: list[float] | None = None
    temporal_extent: list[str | None] | None = None
    known_count: int | None = None
    links: list[dict[str, str]] = field(default_factory=list)
    # The specs of the campaign's repeat questions (child tables of the exports).
    repeats: tuple[dict[str, Any], ...] = ()

    @property
    def licence_url(self) -> str:
        return licence_url(self.licence) if self.licence else ""

    def property(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)


def _jsonb_value(
    column: Any, name: str, kind: Kind
) -> ColumnElement[Any]:  # typed value of a jsonb member
    text = column.op("->>")(name)
    casts: dict[str, Any] = {
        "integer": BigInteger,
        "number": Float,
        "boolean": Boolean,
        "date": Date,
        "datetime": DateTime(timezone=True),
    }
    if kind == "array":
        return column.op("->")(name)
    return cast(text, casts[kind]) if kind in casts else cast(text, Text)


_FIELD_KINDS: dict[str, Kind] = {
    "text": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "choice": "string",
    "calculate": "string",  # the server's calculation, stored as text (form_logic.py)
}


def field_schema(spec: dict[str, Any]) -> tuple[Kind, dict[str, Any]]:
    kind: Kind = _FIELD_KINDS[spec["type"]]
    schema: dict[str, Any] = {"title": label_text(spec["label"]), "type": kind}
    if kind == "date":
        schema.update(type="string", format="date")
    for bound in ("minimum", "maximum"):
        if spec.get(bound) is not None:
            schema[bound] = spec[bound]
    if spec.get("max_length"):
        schema["maxLength"] = spec["max_length"]
    if spec["type"] == "choice":
        values = [choice["value"] for choice in spec.get("choices") or []]
        schema["enum"] = values
        if spec.get("multiple"):
            kind = "array"
            schema = {"title": schema["title"], "type": "array", "items": {"type": "string"}}
            schema["items"]["enum"] = values
        retired = {c["value"]: c["retired_from"] for c in spec["choices"] if c.get("retired_from")}
        if retired:  # choices of past form versions: value -> first version without it
            schema["x-releve-retired-choices"] = retired
    schema["x-releve-label"] = spec["label"]
    if spec.get("retired_from"):  # a field of past form versions only
        schema["x-releve-retired-from"] = spec["retired_from"]
    return kind, schema


def _campaign_properties(
    campaign: Campaign, derived_names: list[str]
) -> list[Property]:  # fields, then enrichments, then the observation's own members
    properties: list[Property] = []
    for spec in published_fields(campaign):
        json = Observation.properties.op("->")(spec["name"])
        if spec["type"] in field_outputs.NEW_TYPES:
            found = field_outputs.output(spec, json)
            if found is not None and spec.get("retired_from"):
                found.schema["x-releve-retired-from"] = spec["retired_from"]
            if found is not None:
                properties.append(Property(spec["name"], found.kind, found.value, found.json,
                                           found.schema))  # fmt: skip
            continue
        kind, schema = field_schema(spec)
        value = _jsonb_value(Observation.properties, spec["name"], kind)
        properties.append(Property(spec["name"], kind, value, json, schema))
    names = {p.name for p in properties}
    for name in derived_names:
        if name not in names:
            value = _jsonb_value(Observation.derived, name, "string")
            json = Observation.derived.op("->")(name)
            properties.append(Property(name, "string", value, json, {"type": "string"}))
    if campaign.targets is not None:
        # The target the observation is a visit of (an id of the ``{slug}-targets`` collection).
        target = Observation.properties.op("->>")("target")
        schema = {"type": "string", "format": "uuid"}
        properties.append(Property("target", "string", target, target, schema))
    return properties + _observation_members(campaign)


def _column(name: str, kind: Kind, column: Any, schema: dict[str, Any]) -> Property:
    return Property(name, kind, column, column, schema)


def _observation_members(campaign: Campaign) -> list[Property]:
    instant = {"type": "string", "format": "date-time"}
    return [
        _column("observed_at", "datetime", Observation.observed_at,
                {**instant, "x-ogc-role": "primary-instant"}),
        _column("accuracy_m", "number", Observation.accuracy_m, {"type": "number"}),
        _column("status", "string", Observation.status,
                {"type": "string", "enum": list(published_statuses(campaign))}),
        _column("created_at", "datetime", Observation.created_at, instant),
        _column("updated_at", "datetime", Observation.updated_at, instant),
        _column("quality_score", "number", Observation.quality_score, {"type": "number"}),
        _column("version", "integer", Observation.version, {"type": "integer"}),
        _column("form_version", "integer", Observation.form_version, {"type": "integer"}),
    ]  # fmt: skip


def campaign_collection(
    campaign: Campaign, derived_names: list[str], latitude: float | None
) -> Collection:
    """The published view of a campaign (``latitude`` sizes the generalisation grid)."""
    grid = None
    if campaign.location_precision_m:
        grid = grid_cell(campaign.location_precision_m, latitude or DEFAULT_GRID_LATITUDE)
    statuses = published_statuses(campaign)
    geometry_types = ("Point",) if grid else tuple(campaign.geometry_types)
    return Collection(
        id=campaign.slug,
        kind="campaign",
        title=campaign.title,
        description=campaign.description,
        licence=campaign.licence,
        attribution=campaign.attribution,
        record_id=campaign.id,
        geometry_types=geometry_types,
        properties=tuple(_campaign_properties(campaign, derived_names)),
        updated_at=campaign.updated_at,
        where=published_in(campaign),
        keys=(Observation.created_at, Observation.id),
        geometry=public_geometry(grid),
        stored_geometry=Observation.geom,
        grid=grid,
        precision_m=campaign.location_precision_m,
        temporal=Observation.observed_at,
        statuses=statuses,
        repeats=tuple(spec for spec in campaign.fields if spec["type"] == "repeat"),
    )


_LAYER_KINDS: dict[str, Kind] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
}


def _layer_property(name: str, source_kind: str) -> Property:
    kind = _LAYER_KINDS.get(source_kind, "string")
    schema: dict[str, Any] = {"type": kind}
    if kind in ("date", "datetime"):
        schema = {"type": "string", "format": "date" if kind == "date" else "date-time"}
    value = _jsonb_value(ReferenceFeature.properties, name, kind)
    json = ReferenceFeature.properties.op("->")(name)
    return Property(name, kind, value, json, schema)


def layer_collection(layer: ReferenceLayer) -> Collection:
    assert layer.slug is not None, "only layers with a slug are published"
    schema = layer.properties_schema or []
    return Collection(
        id=LAYER_PREFIX + layer.slug,
        kind="layer",
        title=layer.title,
        description=layer.description,
        licence=layer.licence,
        attribution=layer.attribution,
        record_id=layer.id,
        geometry_types=tuple(layer.geometry_types or ()),
        properties=tuple(_layer_property(p["name"], p["type"]) for p in schema),
        updated_at=layer.updated_at,
        where=(ReferenceFeature.layer_id == layer.id,),
        keys=(ReferenceFeature.id,),
        geometry=ReferenceFeature.geom,
        stored_geometry=ReferenceFeature.geom,
        raw_properties=None if schema else ReferenceFeature.properties,
        extent=layer.extent,
        known_count=layer.feature_count,
    )
