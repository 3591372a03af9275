"""What an export holds: a published campaign, the filters of the OGC API items (bbox,
datetime, CQL2, property values) and ``status`` among the statuses the campaign publishes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import BadRequest, NotFound
from app.observations.models import Observation
from app.ogc import service as ogc
from app.ogc.query import conditions, parse_items_query
from app.ogc.sources import Collection

Format = Literal["geojson", "geojsonseq", "csv", "gpkg", "fgb"]
FORMATS: tuple[Format, ...] = ("geojson", "geojsonseq", "csv", "gpkg", "fgb")
EXTENSIONS: dict[Format, str] = {
    "geojson": "geojson",
    "geojsonseq": "geojsons",
    "csv": "zip",
    "gpkg": "gpkg",
    "fgb": "fgb",
}
# Paging and output CRS are the OGC API's business; an export is the whole filtered set.
_NOT_FOR_EXPORTS = frozenset({"limit", "cursor", "crs"})


@dataclass(slots=True)
class Export:
    collection: Collection
    format: Format
    where: list[ColumnElement[bool]]
    source_url: str
    created_at: datetime

    @property
    def filename(self) -> str:
        stamp = self.created_at.strftime("%Y%m%d")
        return f"{self.collection.id}-{stamp}.{EXTENSIONS[self.format]}"


async def plan_export(
    session: AsyncSession, slug: str, params: Mapping[str, str], source_url: str
) -> Export:
    """The export of campaign ``slug`` that ``params`` ask for; NotFound, BadRequest."""
    collection = await ogc.get_collection(session, slug)
    if collection.kind != "campaign":
        raise NotFound("campaign_not_found", slug=slug)
    export_format = _format(params.get("format"))
    filters = {k: v for k, v in params.items() if k not in ("format", "status")}
    refused = sorted(set(filters) & _NOT_FOR_EXPORTS)
    if refused:
        raise BadRequest("ogc_unknown_parameter", name=", ".join(refused))
    query = parse_items_query(filters, collection)
    where = conditions(collection, query)
    statuses = _statuses(params.get("status"), collection)
    if statuses is not None:
        where.append(Observation.status.in_(statuses))
    return Export(collection, export_format, where, source_url, datetime.now(UTC))


def _format(value: str | None) -> Format:
    found = value or "geojson"
    for known in FORMATS:
        if found == known:
            return known
    raise BadRequest("export_format_unknown", format=found, supported=", ".join(FORMATS))


def _statuses(value: str | None, collection: Collection) -> list[str] | None:
    if not value:
        return None
    wanted = [part.strip() for part in value.split(",") if part.strip()]
    for status in wanted:
        if status not in collection.statuses:
            raise BadRequest(
                "export_status_not_published",
                status=status,
                published=", ".join(collection.statuses),
            )
    return wanted
