"""What an export holds: a published campaign, the filters of the OGC API items (bbox,
datetime, CQL2, property values) and ``status`` among the statuses the campaign publishes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import BadRequest, NotFound
from app.observations.models import Observation
from app.ogc import service as ogc
from app.ogc.query import conditions, parse_items_query
from app.ogc.sources import Collection

# "csv" is the zip (CSV, README, repeats' CSVs) it has always been; "csv-plain" the bare CSV.
Format = Literal["geojson", "geojsonseq", "csv", "csv-plain", "gpkg", "fgb"]
FORMATS: tuple[Format, ...] = ("geojson", "geojsonseq", "csv", "csv-plain", "gpkg", "fgb")
EXTENSIONS: dict[Format, str] = {
    "geojson": "geojson",
    "geojsonseq": "geojsons",
    "csv": "zip",
    "csv-plain": "csv",
    "gpkg": "gpkg",
    "fgb": "fgb",
}
# Paging and output CRS are the OGC API's business; an export is the whole filtered set.
_NOT_FOR_EXPORTS = frozenset({"limit", "cursor", "crs"})
# The CSV options (plain and zipped): spreadsheets want a BOM to guess UTF-8, and in French
# locales a ';' separator. Decimals keep their dot: GIS tools and scripts expect it.
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}
_BOOLEANS = {"true": True, "false": False}
_OPTIONS = ("format", "status", "bom", "separator")


@dataclass(frozen=True, slots=True)
class CsvOptions:
    bom: bool = False
    separator: str = ","


@dataclass(slots=True)
class Export:
    collection: Collection
    format: Format
    where: list[ColumnElement[bool]]
    source_url: str
    created_at: datetime
    csv: CsvOptions = CsvOptions()

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
    filters = {k: v for k, v in params.items() if k not in _OPTIONS}
    refused = sorted(set(filters) & _NOT_FOR_EXPORTS)
    if refused:
        raise BadRequest("ogc_unknown_parameter", name=", ".join(refused))
    query = parse_items_query(filters, collection)
    where = conditions(collection, query)
    statuses = _statuses(params.get("status"), collection)
    if statuses is not None:
        where.append(Observation.status.in_(statuses))
    options = _csv_options(params)
    return Export(collection, export_format, where, source_url, datetime.now(UTC), options)


def _csv_options(params: Mapping[str, str]) -> CsvOptions:
    bom = _choice(params, "bom", _BOOLEANS, "false")
    separator = _choice(params, "separator", SEPARATORS, "comma")
    return CsvOptions(bom, separator)


def _choice(params: Mapping[str, str], name: str, allowed: Mapping[str, Any], default: str) -> Any:
    value = params.get(name, default)
    if value not in allowed:
        raise BadRequest("export_option_invalid", name=name, value=value,
                         allowed=", ".join(allowed))  # fmt: skip
    return allowed[value]


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
