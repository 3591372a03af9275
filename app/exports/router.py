"""``GET /api/v1/campaigns/{slug}/export``: a campaign's published observations as a file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from email.utils import format_datetime
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from starlette.responses import FileResponse, Response, StreamingResponse

from app.config import exports_directory
from app.db.session import Database, SessionDep
from app.exports import writers
from app.exports.cache import cached_file
from app.exports.service import FORMATS, Export, plan_export
from app.exports.versions import DataVersion, data_version

router = APIRouter(tags=["exports"])

MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "geojsonseq": "application/geo+json-seq",
    "csv": "application/zip",
    "csv-plain": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
    "fgb": "application/vnd.flatgeobuf",
}
Streamer = Callable[[Database, Export], AsyncIterator[bytes]]
STREAMERS: dict[str, Streamer] = {
    "geojson": writers.geojson,
    "geojsonseq": writers.geojson_sequence,
    "csv": writers.csv_zip,
    "csv-plain": writers.csv_plain,
}
# Public data: caches keep a copy but ask each time whether it is still the current one.
CACHE_CONTROL = "public, no-cache"


def _headers(export: Export, version: DataVersion) -> dict[str, str]:
    collection = export.collection
    # The attribution (non-ASCII) as an RFC 8187 title* of the link to the collection: the
    # plain CSV has no room of its own for licence and attribution.
    attribution = quote(collection.attribution, safe="")
    links = [
        f'<{collection.licence_url}>; rel="license"; title="{collection.licence}"',
        f"<{export.source_url}>; rel=\"via\"; title*=UTF-8''{attribution}",
    ]
    return {
        "Content-Disposition": f'attachment; filename="{export.filename}"',
        "Link": ", ".join(links),
        "Cache-Control": CACHE_CONTROL,
        "ETag": version.etag,
        "Last-Modified": format_datetime(version.last_modified, usegmt=True),
    }


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@router.get("/campaigns/{slug}/export")
async def export_campaign(
    slug: str,
    request: Request,
    session: SessionDep,
    format: str = Query("geojson", description=", ".join(FORMATS)),
) -> Response:
    """All published observations of a campaign, with the filters of the OGC API items
    (bbox, bbox-crs, datetime, filter, filter-lang, filter-crs, <property>=<value>) and
    `status` (among published statuses). `csv` is a zip (the CSV, a README with the licence,
    one CSV per repeat question), `csv-plain` the CSV alone; both take `bom=true` and
    `separator=comma|semicolon|tab`."""
    params = dict(request.query_params)
    source = f"{str(request.base_url).rstrip('/')}/ogc/collections/{slug}"
    export = await plan_export(session, slug, params, source)
    version = await data_version(session, export, params)
    # The file's own dates follow the data, so that one ETag always names the same bytes.
    export.created_at = version.last_modified
    headers = _headers(export, version)
    if _matches(request.headers.get("if-none-match"), version.etag):
        return Response(status_code=304, headers=headers)
    streamer = STREAMERS.get(export.format)
    if streamer is not None:
        database: Database = request.app.state.database
        return StreamingResponse(
            streamer(database, export), media_type=MEDIA_TYPES[export.format], headers=headers
        )
    root = exports_directory(request.app.state.settings)
    path = await cached_file(session, export, version, root)
    # Range requests (GDAL's /vsicurl/, FlatGeobuf's HTTP reader) are answered by FileResponse:
    # 206 with Content-Range, multipart for several ranges, 416 when none can be satisfied.
    return FileResponse(
        path, media_type=MEDIA_TYPES[export.format], headers=headers, stat_result=os.stat(path)
    )
