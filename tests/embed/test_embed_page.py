"""The embed page as HTTP sees it: headers, options, language, errors, and the files it loads."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from app.config import Settings
from app.db.session import Database
from app.main import PWA_DIR, create_app

HTML = {"Accept": "text/html,application/xhtml+xml"}


def page_config(response: httpx.Response) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="embed-config">(.*?)</script>',
                      response.text, re.S)  # fmt: skip
    assert match, response.text
    config: dict[str, Any] = orjson.loads(match.group(1))
    return config


async def test_page_is_framable_and_configured(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    response = await client.get("/embed/arbres", headers={**HTML, "Accept-Language": "fr-FR"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "frame-ancestors *"
    assert '<html lang="fr">' in response.text
    config = page_config(response)
    assert config["tilejsonUrl"] == (
        "http://test/ogc/collections/arbres/tiles/WebMercatorQuad/tilejson.json"
    )
    assert config["statuses"] == ["pending", "needs_review", "needs_info", "flagged", "validated"]
    assert config["labels"]["needs_review"] == "À vérifier"
    assert config["bbox"] is None and config["basemap"] is None
    # Everything the page loads comes from this server.
    assert "https://" not in response.text.replace(config["tilejsonUrl"], "")


async def test_options_bbox_status_and_lang(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    params = {"bbox": "1.40,43.58,1.48,43.63", "status": "validated,rejected", "lang": "en"}
    response = await client.get("/embed/arbres", params=params, headers={"Accept-Language": "fr"})
    config = page_config(response)
    assert config["lang"] == "en" and '<html lang="en">' in response.text
    assert config["bbox"] == [1.40, 43.58, 1.48, 43.63]
    # Only published statuses are shown, whatever is asked; the tiles get the same filter.
    assert config["statuses"] == ["validated"]
    assert config["labels"] == {"validated": "Validated"}
    assert config["tilejsonUrl"].endswith("tilejson.json?status=validated%2Crejected")


async def test_title_cannot_break_out_of_the_page(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    title = "</script><script>alert(1)</script> & <b>"
    await client.patch("/api/v1/campaigns/arbres", json={"title": title}, headers=admin_headers)
    response = await client.get("/embed/arbres")
    assert "<script>alert(1)" not in response.text
    assert page_config(response)["title"] == title


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("bbox=1,2,3", "embed_bbox_invalid"),
        ("bbox=10,43,1,44", "embed_bbox_invalid"),
        ("bbox=a,b,c,d", "embed_bbox_invalid"),
        ("status=lost", "status_filter_unknown"),
    ],
)
async def test_bad_options_are_400(
    client: httpx.AsyncClient, campaign: dict[str, Any], query: str, code: str
) -> None:
    response = await client.get(f"/embed/arbres?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code


async def test_unknown_or_draft_campaign_is_404(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    page = await client.get("/embed/nope", headers={**HTML, "Accept-Language": "fr"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Campagne « nope » introuvable." in page.text
    await client.patch("/api/v1/campaigns/arbres", json={"status": "draft"}, headers=admin_headers)
    problem = await client.get("/embed/arbres")
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"


@pytest.fixture
async def strict_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    strict = settings.model_copy(update={"embed_frame_ancestors": "'self' https://example.fr"})
    app = create_app(strict, db)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_frame_ancestors_come_from_the_settings(
    strict_client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    response = await strict_client.get("/embed/arbres")
    assert (
        response.headers["content-security-policy"] == "frame-ancestors 'self' https://example.fr"
    )


async def test_map_module_and_vendored_maplibre_are_served(client: httpx.AsyncClient) -> None:
    module = await client.get("/map/map.js")
    assert module.status_code == 200
    assert "javascript" in module.headers["content-type"]
    if not (PWA_DIR / "vendor" / "maplibre").is_dir():
        pytest.skip("pwa/vendor/maplibre is missing: run `make setup`")
    for name in ("maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css"):
        response = await client.get(f"/vendor/maplibre/{name}")
        assert response.status_code == 200, name
