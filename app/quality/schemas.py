"""Quality payloads. Reference layers: the import options and the layer description."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# Same rule as campaign slugs: rules name their layer by it.
LAYER_SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class LayerImport(BaseModel):
    """What to import and how: the same options for the HTTP upload and `releve layers import`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(min_length=2, max_length=80, pattern=LAYER_SLUG_PATTERN)
    title: str | None = Field(
        default=None, min_length=1, max_length=300, description="Default: the source layer name."
    )
    layer: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Layer (GeoPackage table, dataset in a zip) to read when there are several.",
    )
    licence: str = Field(default="", max_length=100, description="SPDX id or etalab-2.0.")
    attribution: str = Field(default="", max_length=1000)
    crs: str | None = Field(
        default=None,
        min_length=1,
        max_length=20_000,
        description="Source CRS (EPSG:2154, a PROJ string or WKT): overrides the file's own; "
        "for a CSV the default is EPSG:4326.",
    )
    x_column: str | None = Field(
        default=None, min_length=1, max_length=200, description="CSV: the x/longitude column."
    )
    y_column: str | None = Field(
        default=None, min_length=1, max_length=200, description="CSV: the y/latitude column."
    )


class LayerProperty(BaseModel):
    name: str
    type: str = Field(description="string, integer, number, boolean, date, datetime, ...")


class LayerImportReport(BaseModel):
    """What the import read, kept, repaired and skipped: nothing is dropped silently."""

    features_read: int = 0
    imported: int = 0
    repaired: int = Field(default=0, description="Invalid geometries repaired by ST_MakeValid.")
    skipped_empty: int = Field(default=0, description="Null or empty geometries, not imported.")
    skipped_unrepairable: int = Field(
        default=0, description="Invalid geometries whose repair left nothing of their dimension."
    )
    geometry_types: dict[str, int] = Field(
        default_factory=dict, description="Imported features by geometry type."
    )
    source_crs: str = ""
    source_driver: str = ""
    source_layer: str = ""
    z_dropped: bool = Field(default=False, description="Elevations (Z) were dropped.")
    seconds: float = 0.0


class LayerUseOut(BaseModel):
    """A quality rule that checks against the layer."""

    campaign: str
    rule: str


class LayerOut(BaseModel):
    id: uuid.UUID
    slug: str
    organisation: str | None = Field(
        description="Slug of the owning organisation; none for a shared layer (any campaign "
        "may use it)."
    )
    title: str
    description: str
    licence: str
    attribution: str
    feature_count: int
    extent: list[float] | None = Field(description="[minx, miny, maxx, maxy] in EPSG:4326.")
    geometry_types: list[str]
    properties_schema: list[LayerProperty]
    import_report: LayerImportReport
    created_at: datetime
    updated_at: datetime
    used_by: list[LayerUseOut] = Field(
        default_factory=list,
        description="The rules checking against the layer, in the campaigns the caller may see.",
    )
    can_manage: bool = Field(
        default=False, description="Whether the caller may replace and delete the layer."
    )
    links: list[dict[str, str]] = Field(default_factory=list)


class LayerList(BaseModel):
    layers: list[LayerOut]
