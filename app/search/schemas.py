"""Place search payloads: ranked matches, and the gazetteer the field app keeps offline."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PlaceKind = Literal["commune", "street", "address", "place"]


class PlaceOut(BaseModel):
    label: str = Field(description="The name as the layer spells it.")
    kind: PlaceKind
    layer: str | None = Field(description="Slug of the reference layer the name comes from.")
    collection: str = Field(
        description="OGC API collection holding the feature: layers.{layer}, or "
        "{campaign}-targets for one of the campaign's targets."
    )
    feature_id: int | str | None = Field(
        description="The feature's id in that collection; none for a street of an address "
        "layer (it is all its addresses)."
    )
    center: list[float] = Field(description="[lon, lat]: a point on the place.")
    bbox: list[float] | None = Field(
        description="[west, south, east, north]; none for a single point."
    )


class SearchResults(BaseModel):
    results: list[PlaceOut] = Field(description="Best first: exact names, then prefixes.")


class GazetteerOut(BaseModel):
    """Documents the gazetteer's shape (the body itself is built by PostgreSQL)."""

    campaign: str
    version: str = Field(description="Changes when the names may; also the ETag.")
    columns: list[str] = Field(description='["label", "kind", "lon", "lat", "bbox"]')
    rows: list[list[str | float | list[float] | None]] = Field(
        description="One row per name, in the order of `columns`; communes and streets first. "
        "Coordinates rounded to 6 decimals; bbox [west, south, east, north] or null."
    )
    count: int
    complete: bool = Field(description="False when names were left out past `limit`.")
    limit: int
