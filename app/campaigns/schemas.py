"""Campaign payloads. Field specs are checked for shape here and for meaning in fields.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

from app.partial import PartialUpdate
from app.targets.schemas import TargetSettings

FieldType = Literal[
    "text", "integer", "number", "boolean", "date", "choice",
    # media questions: the value is the list of the files' upload SHA-256 (hex)
    "photo", "audio",
    # a second place inside the form: a GeoJSON Point
    "geopoint",
    # read-only text shown in the form (its label); never a value
    "note",
    # computed from `calculation` by the server (the phone shows the same result)
    "calculate",
    # one level of repeated groups: the value is a list of objects made of `fields`
    "repeat",
]  # fmt: skip
CampaignStatus = Literal["draft", "open", "closed"]
GeometryType = Literal["Point", "LineString", "Polygon", "MultiPolygon"]
PublicationPolicy = Literal["all_but_rejected", "validated_only", "all"]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _points_only() -> list[GeometryType]:
    return ["Point"]


# A BCP 47 language tag (fr, en, en-GB, oc, pt-BR, zh-Hant...).
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$", max_length=35)
]
LabelText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
# A text in any number of languages, by BCP 47 tag: {"fr": "Arbre", "en": "Tree", "oc": "Arbre"}.
Label = Annotated[dict[LanguageTag, LabelText], Field(min_length=1, max_length=50)]
# An XLSForm expression (${height} > 2 and selected(${uses}, 'shade')).
Expression = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(min_length=1, max_length=200)
    label: Label
    # Other columns of the choice (XLSForm's choices sheet), read by `choice_filter`.
    data: dict[str, str] | None = Field(default=None, max_length=20)

    @model_serializer(mode="wrap")
    def _without_unset_data(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k != "data"}


class FieldSpec(BaseModel):
    """One question of the campaign's form."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=63)
    type: FieldType
    label: Label
    help: Label | None = None
    required: bool = False
    # text
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    # integer, number
    minimum: float | None = None
    maximum: float | None = None
    # date
    min_date: date | None = None
    max_date: date | None = None
    # choice
    choices: list[Choice] | None = None
    multiple: bool = False
    # logic (XLSForm expressions; `.` is this field's value)
    relevant: Expression | None = Field(
        default=None, description="Asked only when this expression is true."
    )
    required_if: Expression | None = Field(
        default=None, description="Required when this expression is true."
    )
    constraint: Expression | None = Field(
        default=None, description="A given value must make this expression true."
    )
    constraint_message: Label | None = None
    calculation: Expression | None = Field(
        default=None, description="For `calculate` fields: the expression giving the value."
    )
    default: Any = Field(default=None, description="The value the form starts with.")
    # choice: only the choices for which this expression is true (choice columns by name)
    choice_filter: Expression | None = None
    # photo, audio: how many files; repeat: how many instances
    min_count: int | None = Field(default=None, ge=0, le=100)
    max_count: int | None = Field(default=None, ge=1, le=100)
    # repeat: the questions of each instance (no repeat inside a repeat)
    fields: list[FieldSpec] | None = Field(default=None, max_length=100)

    @model_serializer(mode="wrap")
    def _without_unset_logic(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The logic and the newer types' members only when used: older forms read as before.
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k not in _OPTIONAL_MEMBERS}


_OPTIONAL_MEMBERS = frozenset(
    {"relevant", "required_if", "constraint", "constraint_message", "calculation", "default",
     "choice_filter", "min_count", "max_count", "fields", "data"}
)  # fmt: skip


class CampaignBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    area: dict[str, Any] | None = Field(
        default=None, description="GeoJSON Polygon or MultiPolygon (WGS 84)."
    )
    geometry_types: list[GeometryType] = Field(default_factory=_points_only, min_length=1)
    fields: list[FieldSpec] = Field(default_factory=list, max_length=200)
    licence: str = Field(
        default="ODbL-1.0",
        min_length=1,
        max_length=100,
        description="SPDX identifier (ODbL-1.0, CC-BY-4.0, CC0-1.0...) or etalab-2.0.",
    )
    attribution: str = Field(default="", max_length=1000)
    status: CampaignStatus = "draft"
    allow_anonymous: bool = True
    review_quorum: int = Field(default=3, ge=1, le=50)
    publication_policy: PublicationPolicy = "all_but_rejected"
    location_precision_m: int | None = Field(default=None, ge=1, le=100_000)
    map_layers: list[str] = Field(
        default_factory=list, max_length=10, description="Reference layer slugs shown on the map."
    )
    basemap_url: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^https?://",
        description="Raster tile URL template ({z}/{x}/{y}) or a MapLibre style URL.",
    )
    basemap: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Name of a basemap this instance serves (GET /basemaps); drawn under the "
        "observations and copied for offline use.",
    )
    targets: TargetSettings | None = Field(
        default=None,
        description="Monitoring: the reference layer whose features are revisited, and the "
        "choice field giving their state. Observations name their target in "
        "`properties.target`.",
    )
    opens_at: AwareDatetime | None = Field(
        default=None,
        description="An open campaign takes contributions from this moment on (its members "
        "may try it before).",
    )
    closes_at: AwareDatetime | None = Field(
        default=None,
        description="An open campaign takes no contributions from this moment on, except "
        "those observed before it and sent within 72 hours (collected offline).",
    )


class CampaignCreate(CampaignBase):
    slug: str = Field(min_length=2, max_length=80, pattern=SLUG_PATTERN)
    organisation: str | None = Field(
        default=None,
        min_length=2,
        max_length=80,
        pattern=SLUG_PATTERN,
        description="Slug of the organisation running the campaign; its admins and editors "
        "may create campaigns in it, and its default licence and attribution apply to those "
        "left out. Without it, only instance administrators may create the campaign.",
    )


class CampaignUpdate(PartialUpdate):
    """Every member optional: only those sent are changed; null clears only the clearable."""

    CLEARABLE = frozenset(
        {
            "area",
            "location_precision_m",
            "basemap_url",
            "basemap",
            "opens_at",
            "closes_at",
            "targets",
        }
    )

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20_000)
    area: dict[str, Any] | None = None
    geometry_types: list[GeometryType] | None = Field(default=None, min_length=1)
    fields: list[FieldSpec] | None = Field(default=None, max_length=200)
    licence: str | None = Field(default=None, min_length=1, max_length=100)
    attribution: str | None = Field(default=None, max_length=1000)
    status: CampaignStatus | None = None
    allow_anonymous: bool | None = None
    review_quorum: int | None = Field(default=None, ge=1, le=50)
    publication_policy: PublicationPolicy | None = None
    location_precision_m: int | None = Field(default=None, ge=1, le=100_000)
    map_layers: list[str] | None = Field(default=None, max_length=10)
    basemap_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://")
    basemap: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    targets: TargetSettings | None = None
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None


class CampaignOut(CampaignBase):
    id: uuid.UUID
    slug: str
    organisation: str | None = Field(default=None, description="Slug of its organisation.")
    observation_count: int | None = None
    accepting_contributions: bool = Field(
        default=False,
        description="Open, and now within its opening and closing dates (when it has them).",
    )
    created_at: datetime
    updated_at: datetime
    form_version: int = Field(default=1, description="The current version of the form.")
    fields_history: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The fields of every version of the form: the current ones, then the "
        "retired ones with `retired_from` (the first version without them); retired choices "
        "likewise. What open outputs (OGC API, exports, tiles) publish.",
    )
    basemap_style: str | None = Field(
        default=None,
        description="URL of the MapLibre style of its basemap (served here, or `basemap_url` "
        "when that is a style); null without one.",
    )
    links: list[dict[str, str]] = Field(default_factory=list)
    role: Literal["owner", "validator", "contributor"] | None = Field(
        default=None,
        description="The reader's role in the campaign (owner for admins); null when "
        "anonymous or without a role. Given by GET /campaigns/{slug} only.",
    )


class CampaignList(BaseModel):
    campaigns: list[CampaignOut]


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["owner", "validator", "contributor"]


class MemberOut(BaseModel):
    user_id: uuid.UUID
    display_name: str
    username: str | None
    role: str
    since: datetime


class MemberList(BaseModel):
    members: list[MemberOut]


class AreaFileOptions(BaseModel):
    """The form members beside the file of an area upload."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    layer: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Layer (GeoPackage table, dataset in a zip) to read when there are several.",
    )
    crs: str | None = Field(
        default=None,
        min_length=1,
        max_length=20_000,
        description="Source CRS (EPSG:2154, a PROJ string or WKT): overrides the file's own.",
    )


class AreaFileReport(BaseModel):
    """What was read from the file to make the area: nothing is dropped silently."""

    file: str
    source_driver: str
    source_layer: str
    source_crs: str
    features_read: int
    polygons_kept: int = Field(description="Features with a (Multi)Polygon, unioned.")
    skipped_other: int = Field(description="Features of another geometry type, left out.")
    skipped_empty: int = Field(description="Features without a geometry.")
    repaired: int = Field(description="Invalid polygons made valid before the union.")
    parts: int = Field(description="Polygons in the area (after the union).")
    vertices: int
    surface_km2: float
    bbox: list[float] = Field(description="[west, south, east, north] in WGS 84.")


class AreaPreview(BaseModel):
    """An area read from a file, not stored: send it as `area` in PATCH to make it the
    campaign's."""

    area: dict[str, Any] = Field(description="GeoJSON MultiPolygon (WGS 84).")
    report: AreaFileReport
