"""``GET /api/v1/campaigns/{slug}/export``: a campaign's published observations as a file."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response, StreamingResponse

from app.db.session import Database, SessionDep
from app.exports import writers
from app.exports.files import write_file
from app.exports.service import FORMATS, Export, plan_export

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


def _headers(export: Export) -> dict[str, str]:
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
        "Cache-Control": "no-store",
    }


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
    headers = _headers(export)
    streamer = STREAMERS.get(export.format)
    if streamer is not None:
        database: Database = request.app.state.database
        return StreamingResponse(
            streamer(database, export), media_type=MEDIA_TYPES[export.format], headers=headers
        )
    directory = Path(tempfile.mkdtemp(prefix="releve-export-"))
    try:
        path = await write_file(session, export, directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    cleanup = BackgroundTask(shutil.rmtree, directory, ignore_errors=True)
    return FileResponse(
        path, media_type=MEDIA_TYPES[export.format], headers=headers, background=cleanup
    )
