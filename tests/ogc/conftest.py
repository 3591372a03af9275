"""Fixtures of the OGC API tests: a published campaign with a few observations."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import campaign_body, point_feature
from tests.live import live_settings, serve

TREES: list[dict[str, Any]] = [
    {"lon": 1.4442, "lat": 43.6045, "species": "Platanus", "height_m": 21.5, "trunks": 1,
     "remarkable": True, "planted": "1950-03-01", "health": "good", "uses": ["shade"],
     "observed_at": "2024-05-01T10:00:00Z"},
    {"lon": 1.4500, "lat": 43.6100, "species": "Érable plane", "height_m": 12.0, "trunks": 2,
     "remarkable": False, "health": "poor", "uses": ["shade", "fruit"],
     "observed_at": "2024-06-15T08:30:00Z"},
    {"lon": 1.3900, "lat": 43.5800, "species": "Quercus robur", "height_m": 30.0, "trunks": 1,
     "observed_at": "2023-09-10T16:45:00Z"},
    {"lon": 1.5000, "lat": 43.6500, "species": "platanus hybrida", "height_m": 8.25,
     "observed_at": "2024-07-20T12:00:00Z"},
]  # fmt: skip


def tree_feature(tree: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in tree.items() if k not in ("lon", "lat")}
    feature = point_feature(tree["lon"], tree["lat"], **values)
    return feature


async def submit(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, trees: list[dict[str, Any]]
) -> list[str]:
    body = {"type": "FeatureCollection", "features": [tree_feature(t) for t in trees]}
    response = await client.post(
        f"/api/v1/campaigns/{slug}/observations/batch", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert all(r["result"] == "created" for r in results), results
    return [r["id"] for r in results]


@pytest.fixture
async def trees(
    client: httpx.AsyncClient, admin_headers: dict[str, str], campaign: dict[str, Any]
) -> list[str]:
    """The ids of four trees submitted to the campaign 'arbres', in submission order."""
    ids = []
    for tree in TREES:  # one by one: distinct created_at, a stable order
        ids += await submit(client, admin_headers, "arbres", [tree])
    return ids


async def create_campaign(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **changes: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/campaigns", json=campaign_body(slug, **changes), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[str]:
    """The app served over real HTTP, for GDAL."""
    with serve(live_settings(database_url)) as url:
        yield url


def gdal(*args: str) -> str:
    """Run a GDAL command line tool; its standard output (fails the test on an error)."""
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} is not installed (Debian: gdal-bin; `make setup` installs it)")
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout
