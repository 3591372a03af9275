"""The exports tests use the trees of the OGC API tests (cached export files go to each
test's own folder: the shared ``settings`` fixture points ``exports_dir`` there)."""

import httpx

from tests.ogc.conftest import gdal, trees

__all__ = ["EXPORT", "export", "gdal", "trees"]

EXPORT = "/api/v1/campaigns/arbres/export"


async def export(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    """The export of the trees with these parameters, which must succeed."""
    response = await client.get(EXPORT, params=params)
    assert response.status_code == 200, response.text
    return response
