"""HTTP as stock clients expect it, on every GET route the OpenAPI document lists: CORS for
any site, HEAD answered like GET without the body, trailing slashes tolerated; compression
as the client asks, weak ETags once compressed, /favicon.ico."""

from __future__ import annotations

import gzip
import io
import math
import re
import uuid
from typing import Any

import brotli
import httpx
import pytest
import zstandard
from PIL import Image

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.ogc.conftest import submit

ELSEWHERE = "https://maps.elsewhere.example"
# Path parameters filled with what exists (missing ones answer 404, which must hold too).
WEB_MERCATOR_TILE = {"z": "14", "x": "8256", "y": "5979"}  # Toulouse
PER_PREFIX = {
    "/api/v1/organisations/": {"slug": "mairie"},
    "/api/v1/reference-layers/": {"slug": "communes"},
    "/basemaps/": {"name": "haute-garonne", "fontstack": "DejaVu Sans Book", "glyph_range": "0-255"},
}  # fmt: skip
# Routes whose answer is a redirect to elsewhere or a one-time secret: CORS and HEAD hold,
# but a second request does not answer the same.
ONE_TIME = ("/api/v1/auth/oidc", "/api/v1/me/recovery-code", "/api/v1/me/export")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n, phi = 2**z, math.radians(lat)
    y = (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def get_paths(openapi: dict[str, Any]) -> list[str]:
    return [path for path, operations in openapi["paths"].items() if "get" in operations]


def filled(path: str, values: dict[str, str]) -> str:
    for prefix, given in PER_PREFIX.items():
        if path.startswith(prefix):
            values = {**values, **given}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), str(uuid.uuid4())), path)


@pytest.fixture
async def values(
    client: httpx.AsyncClient, campaign: dict[str, Any], trees: list[str]
) -> dict[str, str]:
    slug = campaign["slug"]
    return {"slug": slug, "collection_id": slug, "observation_id": trees[0],
            "feature_id": trees[0], "version": "1", **WEB_MERCATOR_TILE}  # fmt: skip


async def test_every_get_route_answers_any_site_head_and_trailing_slash(
    client: httpx.AsyncClient, values: dict[str, str], admin_headers: dict[str, str]
) -> None:
    paths = get_paths((await client.get("/ogc/api")).json()) + get_paths(
        (await client.get("/openapi.json")).json()
    )
    assert len(set(paths)) > 60 and "/ogc/collections/{collection_id}/items" in paths
    checked = 0
    for path in sorted(set(paths)):
        url = filled(path, values)
        asked = {**admin_headers, "Origin": ELSEWHERE, "Accept-Encoding": "identity"}
        got = await client.get(url, headers=asked)
        assert got.status_code < 500, (url, got.text)
        assert got.headers["access-control-allow-origin"] == "*", url
        assert "access-control-allow-credentials" not in got.headers, url
        assert "ETag" in got.headers["access-control-expose-headers"]
        head = await client.head(url, headers=asked)
        if _head_differs(head, got):  # a body that changes with time (a clock, a count)
            got = await client.get(url, headers=asked)
            head = await client.head(url, headers=asked)
        assert not _head_differs(head, got), (url, head.headers, got.headers)
        assert head.content == b"", url
        if path.startswith(ONE_TIME) or got.status_code in (301, 302, 303, 307, 308):
            continue
        slashed = await client.get(url + "/", headers=asked)
        assert slashed.status_code == got.status_code, (url, slashed.text)
        assert slashed.headers.get("content-type") == got.headers.get("content-type"), url
        checked += 1
    assert checked > 50


def _head_differs(head: httpx.Response, got: httpx.Response) -> bool:
    return (
        head.status_code != got.status_code
        or head.headers.get("content-type") != got.headers.get("content-type")
        or head.headers.get("content-length") != got.headers.get("content-length")
    )


async def test_preflight_is_answered_without_credentials(client: httpx.AsyncClient) -> None:
    asked = {"Origin": ELSEWHERE, "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Headers": "range, if-none-match"}  # fmt: skip
    for url in ("/ogc/collections/arbres/items", "/api/v1/campaigns", "/basemaps"):
        answer = await client.options(url, headers=asked)
        assert answer.status_code == 200, (url, answer.text)
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "GET" in answer.headers["access-control-allow-methods"]
        allowed = answer.headers["access-control-allow-headers"].lower()
        assert "range" in allowed and "if-none-match" in allowed
        assert "access-control-allow-credentials" not in answer.headers
        assert int(answer.headers["access-control-max-age"]) >= 3600
    # A civic app posting with its own token may do so from its site.
    post = {**asked, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"}  # fmt: skip
    answer = await client.options("/api/v1/campaigns/arbres/observations", headers=post)
    assert answer.status_code == 200 and "POST" in answer.headers["access-control-allow-methods"]


async def test_configured_origins_only(
    settings: Settings, db: Database, campaign: dict[str, Any]
) -> None:
    async with app_client(
        settings, db, cors_origins="https://carte.example, https://a.example/"
    ) as c:
        known = await c.get("/ogc/collections", headers={"Origin": "https://a.example"})
        assert known.headers["access-control-allow-origin"] == "https://a.example"
        other = await c.get("/ogc/collections", headers={"Origin": ELSEWHERE})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


async def test_trailing_and_doubled_slashes_reach_the_route(
    client: httpx.AsyncClient, campaign: dict[str, Any]
) -> None:
    plain = (await client.get("/ogc")).json()
    for url in ("/ogc/", "/ogc//", "/ogc/collections/", "/ogc//collections"):
        answer = await client.get(url)
        assert answer.status_code == 200, url
    assert (await client.get("/ogc/")).json()["links"] == plain["links"]
    ids = [c["id"] for c in (await client.get("/ogc//collections/")).json()["collections"]]
    assert campaign["slug"] in ids
    # The static folders keep their slash: the console's page, and its redirect to it.
    console = await client.get("/console/")
    assert console.status_code == 200 and "text/html" in console.headers["content-type"]
    redirect = await client.get("/console", follow_redirects=False)
    assert redirect.status_code == 308 and redirect.headers["location"] == "/console/"
    assert (await client.get("/ogc/nothing-here/")).status_code == 404


async def raw(client: httpx.AsyncClient, url: str, encoding: str) -> tuple[httpx.Response, bytes]:
    """The answer and its bytes as they came over the wire (not decoded)."""
    request = client.build_request("GET", url, headers={"Accept-Encoding": encoding})
    response = await client.send(request, stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response, body


@pytest.mark.parametrize("encoding", ["br", "gzip", "zstd"])
async def test_text_answers_are_compressed_as_asked(
    client: httpx.AsyncClient, trees: list[str], encoding: str
) -> None:
    url = "/ogc/collections/arbres/items?limit=100"
    plain, identity = await raw(client, url, "identity")
    assert "content-encoding" not in plain.headers and plain.headers["vary"].count(
        "Accept-Encoding"
    )
    answer, body = await raw(client, url, encoding)
    assert answer.headers["content-encoding"] == encoding
    assert "Accept-Encoding" in answer.headers["vary"]
    assert len(body) < len(identity) / 2
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, "zstd": _unzstd}[encoding](body)
    assert decoded == identity


def _unzstd(body: bytes) -> bytes:
    return bytes(zstandard.ZstdDecompressor().decompressobj().decompress(body))


async def test_every_kind_of_text_is_compressed(
    client: httpx.AsyncClient, trees: list[str]
) -> None:
    for url in ("/ogc/collections/arbres/items?f=html", "/ogc/api", "/api/v1/campaigns",
                "/api/v1/campaigns/arbres/export?format=geojson", "/ogc", "/", "/app.js",
                "/api/v1/campaigns/arbres/export?format=geojsonseq"):  # fmt: skip
        answer, _ = await raw(client, url, "gzip, br")
        assert answer.status_code == 200, url
        assert answer.headers.get("content-encoding") == "br", (url, answer.headers)


async def test_a_compressed_answer_keeps_its_etag_for_edits(
    client: httpx.AsyncClient, trees: list[str], admin_headers: dict[str, str]
) -> None:
    url = f"/api/v1/observations/{trees[0]}"
    plain = await client.get(url, headers={"Accept-Encoding": "identity"})
    compressed, _ = await raw(client, url, "gzip")
    assert compressed.headers.get("content-encoding") == "gzip"
    assert compressed.headers["etag"] == plain.headers["etag"]
    item = f"/ogc/collections/arbres/items/{trees[0]}"
    etag = (await client.get(item)).headers["etag"]
    for sent in (etag, f"W/{etag}"):  # weak comparison (RFC 9110 13.1.2)
        assert (await client.get(item, headers={"If-None-Match": sent})).status_code == 304
    # The ETag read compressed is the one an edit sends back.
    edit = {**admin_headers, "If-Match": compressed.headers["etag"]}
    changed = await client.patch(url, json={"properties": {"height_m": 22}}, headers=edit)
    assert changed.status_code == 200, changed.text


async def test_vector_tiles_are_gzipped_for_map_clients(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> None:
    grove = [{"lon": 1.44 + i * 0.0003, "lat": 43.60 + (i % 7) * 0.0003, "species": f"Tilia {i}",
              "height_m": 5 + i % 20} for i in range(60)]  # fmt: skip
    await submit(client, admin_headers, campaign["slug"], grove)
    z, x, y = tile_of(1.445, 43.601, 12)
    answer, body = await raw(
        client, f"/ogc/collections/arbres/tiles/WebMercatorQuad/{z}/{x}/{y}", "gzip"
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert answer.headers["content-encoding"] == "gzip" and body[:2] == b"\x1f\x8b"


async def test_favicon(client: httpx.AsyncClient) -> None:
    answer = await client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/x-icon"
    with Image.open(io.BytesIO(answer.content)) as icon:
        assert icon.format == "ICO"
        assert (32, 32) in icon.info["sizes"]
    assert "max-age" in answer.headers["cache-control"]
