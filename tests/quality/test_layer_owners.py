"""Reference layers of organisations: who may upload, replace, delete and use them, cell by
cell; a replace is atomic and the rules using the layer keep working; a layer names its uses."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.db.session import Database
from app.quality import layers
from app.quality.schemas import LayerImport
from tests.factories import campaign_body, make_user, point_feature
from tests.organisations.conftest import create_organisation, set_role

URL = "/api/v1/reference-layers"
POINTS_CSV = b"name,lon,lat\ncapitole,1.4442,43.6045\nsaint-sernin,1.4419,43.6085\n"
# Only in the second version of a layer: the Cité de l'espace.
THREE_POINTS_CSV = POINTS_CSV + b"cite-de-l-espace,1.4933,43.5866\n"
ROLES = (
    "anonymous", "device", "named", "editor", "org_admin", "other_admin", "campaign_owner",
    "admin",
)  # fmt: skip
_numbers = itertools.count()


def _fresh(prefix: str) -> str:
    return f"{prefix}-{next(_numbers)}"


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    slug: str,
    content: bytes = POINTS_CSV,
    *,
    method: str = "POST",
    **members: str,
) -> httpx.Response:
    url = URL if method == "POST" else f"{URL}/{slug}"
    data = {"slug": slug, **members} if method == "POST" else members
    files = {"file": ("points.csv", content, "text/csv")}
    return await client.request(method, url, data=data, files=files, headers=headers)


async def created(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **members: str
) -> Any:
    response = await upload(client, headers, slug, POINTS_CSV, **members)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def people(client: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    """'mairie' (an admin, an editor) and 'autre' (an admin); the open campaign 'fontaines' and
    the draft 'bancs' of 'mairie', 'fontaines' owned also by someone outside 'mairie'; the
    layers 'partagee' (shared), 'zones-mairie' and 'zones-autre'."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    ids: dict[str, Any] = {}
    for role in ROLES[1:]:
        user, headers[role] = await make_user(db, admin=role == "admin", device=role == "device")
        ids[role] = user.id
    admin = headers["admin"]
    await create_organisation(client, admin, "mairie")
    await create_organisation(client, admin, "autre")
    await set_role(client, admin, "mairie", ids["org_admin"], "admin")
    await set_role(client, admin, "mairie", ids["editor"], "editor")
    await set_role(client, admin, "autre", ids["other_admin"], "admin")
    for slug, status in (("fontaines", "open"), ("bancs", "draft")):
        body = campaign_body(slug, organisation="mairie", status=status)
        response = await client.post("/api/v1/campaigns", json=body, headers=admin)
        assert response.status_code == 201, response.text
    member = f"/api/v1/campaigns/fontaines/members/{ids['campaign_owner']}"
    assert (await client.put(member, json={"role": "owner"}, headers=admin)).status_code == 200
    await created(client, admin, "partagee")
    await created(client, admin, "zones-mairie", organisation="mairie")
    await created(client, admin, "zones-autre", organisation="autre")
    return {"headers": headers, "ids": ids}


Call = Callable[[httpx.AsyncClient, dict[str, str], dict[str, Any]], Awaitable[httpx.Response]]


async def _delete_fresh(client: httpx.AsyncClient, headers: dict[str, str], people: Any) -> Any:
    slug = _fresh("a-effacer")
    await created(client, people["headers"]["admin"], slug, organisation="mairie")
    return await client.delete(f"{URL}/{slug}", headers=headers)


def _rules(layer: str) -> dict[str, Any]:
    rule = {"name": "pres", "kind": "near", "params": {"layer": layer, "max_distance_m": 50}}
    return {"rules": [rule]}


MATRIX: dict[str, tuple[Call, set[str], int]] = {
    "upload into mairie": (
        lambda c, h, p: upload(c, h, _fresh("couche"), organisation="mairie"),
        {"editor", "org_admin", "admin"},
        403,
    ),
    "upload a shared layer": (
        lambda c, h, p: upload(c, h, _fresh("couche")),
        {"admin"},
        403,
    ),
    "replace a layer of mairie": (
        lambda c, h, p: upload(c, h, "zones-mairie", THREE_POINTS_CSV, method="PUT"),
        {"editor", "org_admin", "admin"},
        403,
    ),
    "replace a shared layer": (
        lambda c, h, p: upload(c, h, "partagee", THREE_POINTS_CSV, method="PUT"),
        {"admin"},
        403,
    ),
    "delete a layer of mairie": (_delete_fresh, {"editor", "org_admin", "admin"}, 403),
    "use a layer of mairie in a rule of fontaines": (
        lambda c, h, p: c.put(
            "/api/v1/campaigns/fontaines/rules", json=_rules("zones-mairie"), headers=h
        ),
        {"org_admin", "campaign_owner", "admin"},
        403,
    ),
    "use a shared layer in a rule of fontaines": (
        lambda c, h, p: c.put(
            "/api/v1/campaigns/fontaines/rules", json=_rules("partagee"), headers=h
        ),
        {"org_admin", "campaign_owner", "admin"},
        403,
    ),
}


@pytest.mark.parametrize("action", list(MATRIX))
async def test_layer_permission_matrix(
    client: httpx.AsyncClient, people: dict[str, Any], action: str
) -> None:
    call, allowed, refused = MATRIX[action]
    for role in ROLES:
        response = await call(client, people["headers"][role], people)
        if role in allowed:
            assert response.status_code < 300, (action, role, response.text)
            continue
        expected = 401 if role == "anonymous" else refused
        assert response.status_code == expected, (action, role, response.text)
        assert response.headers["content-type"] == "application/problem+json"


USABLE = {
    "anonymous": {"partagee"},
    "device": {"partagee"},
    "named": {"partagee"},
    "editor": {"partagee", "zones-mairie"},
    "org_admin": {"partagee", "zones-mairie"},
    "other_admin": {"partagee", "zones-autre"},
    "campaign_owner": {"partagee", "zones-mairie"},
    "admin": {"partagee", "zones-mairie", "zones-autre"},
}


async def test_listing_shows_the_layers_each_caller_may_use(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    for role in ROLES:
        headers = people["headers"][role]
        listed = (await client.get(URL, headers=headers)).json()["layers"]
        assert {layer["slug"] for layer in listed} == USABLE[role], role
        of_campaign = await client.get(URL, params={"campaign": "fontaines"}, headers=headers)
        slugs = {layer["slug"] for layer in of_campaign.json()["layers"]}
        assert slugs == {"partagee", "zones-mairie"}, role
    owners = {layer["slug"]: layer["organisation"] for layer in listed}
    assert owners == {"partagee": None, "zones-mairie": "mairie", "zones-autre": "autre"}
    hidden = await client.get(URL, params={"campaign": "bancs"})
    assert hidden.status_code == 404


async def test_can_manage_says_what_the_caller_may_replace(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    listed = await client.get(URL, headers=people["headers"]["editor"])
    manage = {layer["slug"]: layer["can_manage"] for layer in listed.json()["layers"]}
    assert manage == {"partagee": False, "zones-mairie": True}


async def test_a_campaign_may_not_use_another_organisations_layer(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    headers = {**people["headers"]["admin"], "Accept-Language": "fr"}
    response = await client.put(
        "/api/v1/campaigns/fontaines/rules", json=_rules("zones-autre"), headers=headers
    )
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["path"] == "/rules/0/params/layer" and error["code"] == "quality_layer_not_usable"
    assert "appartient à une autre organisation" in error["detail"]


async def test_a_slug_belongs_to_one_owner(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    headers = people["headers"]
    taken = await upload(client, headers["other_admin"], "zones-mairie", organisation="autre")
    assert (taken.status_code, taken.json()["code"]) == (409, "reference_layer_slug_taken")
    shared = await upload(client, headers["admin"], "zones-mairie")
    assert (shared.status_code, shared.json()["code"]) == (409, "reference_layer_slug_taken")
    unknown = await upload(client, headers["admin"], "nouvelle", organisation="nulle-part")
    assert unknown.status_code == 422
    assert [e["path"] for e in unknown.json()["errors"]] == ["/organisation"]
    layer = (await client.get(f"{URL}/zones-mairie")).json()
    assert (layer["organisation"], layer["feature_count"]) == ("mairie", 2)


async def test_replace_keeps_title_owner_and_slug(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    editor = people["headers"]["editor"]
    before = (await client.get(f"{URL}/zones-mairie")).json()
    response = await upload(client, editor, "zones-mairie", THREE_POINTS_CSV, method="PUT")
    assert response.status_code == 200, response.text
    after = response.json()
    assert (after["slug"], after["organisation"], after["title"]) == (
        "zones-mairie", "mairie", before["title"],
    )  # fmt: skip
    assert after["feature_count"] == 3 and after["import_report"]["features_read"] == 3
    assert after["id"] != before["id"] and after["created_at"] == before["created_at"]
    other_slug = await client.put(
        f"{URL}/zones-mairie", data={"slug": "autre-nom"},
        files={"file": ("points.csv", THREE_POINTS_CSV, "text/csv")}, headers=editor,
    )  # fmt: skip
    assert other_slug.status_code == 422 and other_slug.json()["errors"][0]["path"] == "/slug"
    moved = await upload(
        client, editor, "zones-mairie", THREE_POINTS_CSV, method="PUT", organisation="autre"
    )
    assert moved.status_code == 422
    assert [e["path"] for e in moved.json()["errors"]] == ["/organisation"]
    broken = await upload(client, editor, "zones-mairie", b"not a csv at all", method="PUT")
    assert broken.status_code == 422
    kept = (await client.get(f"{URL}/zones-mairie")).json()
    assert (kept["id"], kept["feature_count"]) == (after["id"], 3)
    missing = await upload(client, editor, "nulle-part", method="PUT")
    assert missing.status_code == 404


async def test_rules_keep_working_across_a_replace_and_a_layer_names_its_uses(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    headers = people["headers"]
    for campaign in ("fontaines", "bancs"):
        rules = await client.put(
            f"/api/v1/campaigns/{campaign}/rules", json=_rules("zones-mairie"),
            headers=headers["org_admin"],
        )  # fmt: skip
        assert rules.status_code == 200, rules.text
    cite = point_feature(1.4933, 43.5866)
    first = await client.post(
        "/api/v1/campaigns/fontaines/observations", json=cite, headers=headers["named"]
    )
    assert [issue["rule"] for issue in first.json()["properties"]["quality_issues"]] == ["pres"]
    replaced = await upload(
        client, headers["editor"], "zones-mairie", THREE_POINTS_CSV, method="PUT"
    )
    assert replaced.status_code == 200, replaced.text
    second = await client.post(
        "/api/v1/campaigns/fontaines/observations",
        json=point_feature(1.4933, 43.5866),
        headers=headers["named"],
    )
    assert second.status_code == 201 and second.json()["properties"]["quality_issues"] == []
    uses = {"campaign": "fontaines", "rule": "pres"}, {"campaign": "bancs", "rule": "pres"}
    public = (await client.get(f"{URL}/zones-mairie")).json()["used_by"]
    assert public == [uses[0]]  # the draft 'bancs' is private to its members
    member = await client.get(f"{URL}/zones-mairie", headers=headers["editor"])
    assert member.json()["used_by"] == [uses[1], uses[0]]
    refused = await client.delete(f"{URL}/zones-mairie", headers=headers["editor"])
    assert refused.status_code == 409 and refused.json()["code"] == "reference_layer_in_use"


async def test_readers_see_the_old_layer_until_the_replace_commits(
    committed_client: httpx.AsyncClient, committed_db: Database
) -> None:
    _, admin = await make_user(committed_db, admin=True)
    await created(committed_client, admin, "zones")
    old = (await committed_client.get(f"{URL}/zones")).json()
    items = "/ogc/collections/layers.zones/items"
    async with committed_db.session() as session:
        layer = await layers.get_layer(session, "zones")
        user, _ = await make_user(committed_db, admin=True)
        source = _write(THREE_POINTS_CSV)
        try:
            new = await layers.replace_layer(
                session, user, layer, source, LayerImport(slug="zones"), name="points.csv"
            )
            # Imported and swapped in this transaction, not committed: readers see the old.
            during = (await committed_client.get(f"{URL}/zones")).json()
            assert (during["id"], during["feature_count"]) == (old["id"], 2)
            features = (await committed_client.get(items)).json()["features"]
            assert len(features) == 2
            await session.commit()
        finally:
            source.unlink()
    after = (await committed_client.get(f"{URL}/zones")).json()
    assert (after["id"], after["feature_count"]) == (str(new.id), 3)
    assert len((await committed_client.get(items)).json()["features"]) == 3


def _write(content: bytes) -> Path:
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
        handle.write(content)
    return Path(handle.name)
