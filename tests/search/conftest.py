"""A campaign over Toulouse whose map shows the communes of Haute-Garonne and a slice of the
city's addresses, and whose rules check against a small layer of parks; a layer of secret
places that no campaign uses; both imported by the real importer, which builds place names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality import layers
from app.quality.schemas import LayerImport
from tests.factories import campaign_body

# Every address of these streets, then the first addresses of the file: a few hundred.
STREETS = ("ALL JEAN JAURES", "RUE NICOLAS L VAUQUELIN", "RTE DE BLAGNAC", "IMP DES ETATS UNIS")
FIRST_ADDRESSES = 300
URL = "/api/v1/search"


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": features}))
    return path


def point(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": [lon, lat]}
    return {"type": "Feature", "geometry": geometry, "properties": properties}


@pytest.fixture(scope="session")
def address_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = Path(__file__).parents[2].parent / "shared" / "data" / "reference"
    path = source / "adresses_toulouse_2012.geojson"
    if not path.is_file():
        pytest.skip(f"shared data not found beside the checkout ({path.name})")
    features = orjson.loads(path.read_bytes())["features"]
    chosen = [f for f in features if f["properties"]["voie"] in STREETS]
    chosen += [f for f in features[:FIRST_ADDRESSES] if f not in chosen]
    return write_geojson(tmp_path_factory.mktemp("search") / "adresses.geojson", chosen)


@pytest.fixture
async def place_layers(
    session: AsyncSession, shared_data: Path, address_slice: Path, tmp_path: Path
) -> None:
    communes = shared_data / "reference" / "communes-31-haute-garonne.geojson"
    parks = write_geojson(tmp_path / "parcs.geojson", [
        point(1.4506, 43.5935, name="Jardin des Plantes"),
        point(1.4543, 43.5946, name="Grand Rond"),
        point(1.4410, 43.6040, name=""),
    ])  # fmt: skip
    secret = write_geojson(tmp_path / "secret.geojson", [point(1.44, 43.60, nom="Cachette")])
    for slug, path in [("communes-31", communes), ("adresses-toulouse", address_slice),
                       ("parcs", parks), ("secret", secret)]:  # fmt: skip
        await layers.import_layer(session, path, LayerImport(slug=slug))
    await session.commit()


@pytest.fixture
async def places(
    client: httpx.AsyncClient, admin_headers: dict[str, str], place_layers: None
) -> dict[str, Any]:
    """The open campaign 'lieux': communes and addresses on its map, parks in its rules."""
    body = campaign_body("lieux", map_layers=["communes-31", "adresses-toulouse"])
    response = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    rule = {"name": "near-park", "kind": "near", "params": {"layer": "parcs",
            "max_distance_m": 5000}}  # fmt: skip
    rules = {"rules": [rule]}
    response = await client.put("/api/v1/campaigns/lieux/rules", json=rules, headers=admin_headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def search(client: httpx.AsyncClient, q: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(URL, params={"q": q, "campaign": "lieux", **params})
    assert response.status_code == 200, response.text
    return list(response.json()["results"])
