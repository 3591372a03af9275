"""Every export format carries the observation's id: read back by GDAL, joined to the API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pyogrio.raw
import pytest

EXPORT = "/api/v1/campaigns/arbres/export"
SOURCES = {
    "geojson": "arbres.geojson",
    "geojsonseq": "arbres.geojsons",
    "csv": "/vsizip/{path}/arbres.csv",
    "gpkg": "arbres.gpkg",
    "fgb": "arbres.fgb",
}


def _rows_read_by_gdal(source: str) -> dict[str, dict[str, object]]:
    """The rows by id, read by GDAL (pyogrio's); a GeoJSON string feature id becomes "id"."""
    meta, _, _, values = pyogrio.raw.read(source)
    names = list(meta["fields"])
    rows = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
    return {str(row["id"]): row for row in rows}


@pytest.mark.parametrize("export_format", list(SOURCES))
async def test_every_format_has_the_observation_id(
    client: httpx.AsyncClient, trees: list[str], tmp_path: Path, export_format: str
) -> None:
    response = await client.get(EXPORT, params={"format": export_format})
    assert response.status_code == 200, response.text
    name = "arbres.zip" if export_format == "csv" else SOURCES[export_format]
    path = tmp_path / name
    path.write_bytes(response.content)
    source = SOURCES[export_format].format(path=path)
    source = source if source.startswith("/vsizip/") else str(path)
    rows = await asyncio.to_thread(_rows_read_by_gdal, source)
    assert sorted(rows) == sorted(trees)
    one = await client.get(f"/api/v1/observations/{trees[1]}")
    assert one.status_code == 200, one.text
    assert rows[trees[1]]["species"] == one.json()["properties"]["species"] == "Érable plane"
