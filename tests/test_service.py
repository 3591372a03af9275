"""Service-level endpoints: health, OpenAPI, the home page, unknown routes."""

from __future__ import annotations

import httpx


async def test_healthz_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["postgis"].startswith("3.")


async def test_openapi_lists_the_api(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/api/v1/campaigns/{slug}/observations/batch" in paths
    assert (await client.get("/docs")).status_code == 200


async def test_home_page_is_the_field_app(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200 and 'rel="manifest"' in response.text
    assert (await client.get("/manifest.webmanifest")).status_code == 200


async def test_unknown_api_route_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
