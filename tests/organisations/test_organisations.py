"""Organisations: public reads, defaults given to their campaigns, members and the last-admin
rule, and bad input (NUL, null) refused with a problem naming the member."""

from __future__ import annotations

from typing import Any

import httpx

from app.db.session import Database
from tests.factories import campaign_body, make_user
from tests.organisations.conftest import ORG, create_organisation, organisation_body, set_role

PROBLEM = "application/problem+json"


async def _campaign(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str, **changes: Any
) -> dict[str, Any]:
    body = campaign_body(slug, organisation="mairie", **changes)
    response = await client.post("/api/v1/campaigns", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_public_reads_count_no_drafts(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    # 'mairie' holds the draft 'bancs' and the open 'fontaines'.
    listed = await client.get("/api/v1/organisations")
    assert listed.status_code == 200
    counts = {org["slug"]: org["campaign_count"] for org in listed.json()["organisations"]}
    assert counts == {"mairie": 1, "autre": 0}
    one = await client.get(ORG, headers=people["headers"]["org_admin"])
    assert one.json()["campaign_count"] == 1
    public = await client.get(f"{ORG}/campaigns")
    assert [c["slug"] for c in public.json()["campaigns"]] == ["fontaines"]
    assert public.json()["campaigns"][0]["organisation"] == "mairie"
    missing = await client.get("/api/v1/organisations/nulle-part")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert (await client.get("/api/v1/organisations/nulle-part/campaigns")).status_code == 404


async def test_campaigns_take_the_organisation_defaults(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await create_organisation(
        client,
        admin_headers,
        "mairie",
        default_licence="etalab-2.0",
        default_attribution="Mairie de Toulouse",
    )
    body = campaign_body("bancs", organisation="mairie")
    del body["licence"], body["attribution"]
    created = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert (campaign["licence"], campaign["attribution"]) == ("etalab-2.0", "Mairie de Toulouse")
    assert campaign["organisation"] == "mairie"
    # Given values win over the defaults.
    own = await _campaign(client, admin_headers, "arbres", licence="CC0-1.0", attribution="")
    assert (own["licence"], own["attribution"]) == ("CC0-1.0", "")
    read = await client.get("/api/v1/campaigns/bancs")
    assert read.json()["organisation"] == "mairie"


async def test_without_defaults_or_organisation_campaigns_keep_theirs(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await create_organisation(client, admin_headers, "mairie")
    body = campaign_body("bancs", organisation="mairie")
    del body["licence"], body["attribution"]
    created = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert (created.json()["licence"], created.json()["attribution"]) == ("ODbL-1.0", "")
    plain = await client.post("/api/v1/campaigns", json=campaign_body(), headers=admin_headers)
    assert plain.status_code == 201, plain.text
    assert plain.json()["organisation"] is None


async def test_unknown_organisation_is_named(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = campaign_body("bancs", organisation="nulle-part")
    response = await client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["/body/organisation"]
    assert response.json()["errors"][0]["code"] == "organisation_unknown"


async def test_creator_of_an_organisation_campaign_owns_it(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    editor = people["headers"]["editor"]
    await _campaign(client, editor, "poubelles")
    changed = await client.patch(
        "/api/v1/campaigns/poubelles", json={"title": "Poubelles"}, headers=editor
    )
    assert changed.status_code == 200, changed.text
    members = await client.get("/api/v1/campaigns/poubelles/members", headers=editor)
    roles = {m["user_id"]: m["role"] for m in members.json()["members"]}
    assert roles == {str(people["ids"]["editor"]): "owner"}


async def test_last_admin_cannot_leave_or_be_demoted(
    self_service_client: httpx.AsyncClient, db: Database
) -> None:
    client = self_service_client
    first, first_headers = await make_user(db)
    second, _ = await make_user(db)
    await create_organisation(client, first_headers, "mairie")
    for attempt in (
        client.delete(f"{ORG}/members/{first.id}", headers=first_headers),
        client.put(f"{ORG}/members/{first.id}", json={"role": "editor"}, headers=first_headers),
    ):
        response = await attempt
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "organisation_last_admin"
    french = await client.delete(
        f"{ORG}/members/{first.id}", headers={**first_headers, "Accept-Language": "fr"}
    )
    assert "administrateur" in french.json()["detail"]
    await set_role(client, first_headers, "mairie", second.id, "admin")
    demoted = await client.put(
        f"{ORG}/members/{first.id}", json={"role": "editor"}, headers=first_headers
    )
    assert demoted.status_code == 200, demoted.text
    # Now an editor, the first user may still leave on their own, and no longer manage members.
    refused = await client.delete(f"{ORG}/members/{second.id}", headers=first_headers)
    assert refused.status_code == 403
    left = await client.delete(f"{ORG}/members/{first.id}", headers=first_headers)
    assert left.status_code == 200, left.text
    assert [m["user_id"] for m in left.json()["members"]] == [str(second.id)]


async def test_members_are_named_users_who_exist(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    org_admin = people["headers"]["org_admin"]
    device = await client.put(
        f"{ORG}/members/{people['ids']['device']}", json={"role": "editor"}, headers=org_admin
    )
    assert device.status_code == 422
    assert device.json()["errors"][0]["path"] == "/path/user_id"
    missing = await client.put(
        f"{ORG}/members/00000000-0000-0000-0000-000000000000",
        json={"role": "editor"},
        headers=org_admin,
    )
    assert missing.status_code == 404
    not_member = await client.delete(f"{ORG}/members/{people['ids']['named']}", headers=org_admin)
    assert not_member.status_code == 404
    wrong_role = await client.put(
        f"{ORG}/members/{people['ids']['named']}", json={"role": "owner"}, headers=org_admin
    )
    assert wrong_role.status_code == 422


async def test_members_see_the_members_and_their_organisations(
    client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    headers = people["headers"]
    listed = await client.get(f"{ORG}/members", headers=headers["editor"])
    assert listed.status_code == 200
    roles = {m["user_id"]: m["role"] for m in listed.json()["members"]}
    assert roles[str(people["ids"]["org_admin"])] == "admin"
    assert roles[str(people["ids"]["editor"])] == "editor"
    for role, status in (("named", 403), ("other_admin", 403), ("anonymous", 401)):
        assert (await client.get(f"{ORG}/members", headers=headers[role])).status_code == status
    mine = await client.get("/api/v1/me/organisations", headers=headers["editor"])
    assert [(o["slug"], o["role"]) for o in mine.json()["organisations"]] == [("mairie", "editor")]
    nothing = await client.get("/api/v1/me/organisations", headers=headers["named"])
    assert nothing.json() == {"organisations": []}
    export = await client.get("/api/v1/me/export", headers=headers["editor"])
    assert [m["role"] for m in export.json()["organisation_memberships"]] == ["editor"]


async def test_slug_taken_is_a_conflict(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await create_organisation(client, admin_headers, "mairie")
    again = await client.post(
        "/api/v1/organisations", json=organisation_body("mairie"), headers=admin_headers
    )
    assert again.status_code == 409
    assert again.json()["code"] == "organisation_slug_taken"


async def test_nul_and_null_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    nul = await client.post(
        "/api/v1/organisations", json=organisation_body(name="Mairie\u0000"), headers=admin_headers
    )
    assert nul.status_code == 422
    assert [e["path"] for e in nul.json()["errors"]] == ["/body/name"]
    await create_organisation(client, admin_headers, "mairie", logo_url="https://example.fr/l.png")
    for body in ({"name": None}, {"name": "a\u0000"}, {"default_licence": ""}):
        refused = await client.patch(ORG, json=body, headers=admin_headers)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["errors"][0]["path"] == "/body/" + next(iter(body))
    null_role = await client.put(
        f"{ORG}/members/00000000-0000-0000-0000-000000000000",
        json={"role": None},
        headers=admin_headers,
    )
    assert null_role.status_code == 422
    cleared = await client.patch(
        ORG, json={"logo_url": None, "default_attribution": "Ville"}, headers=admin_headers
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["logo_url"], cleared.json()["default_attribution"]) == (None, "Ville")
    nul_path = await client.get("/api/v1/organisations/a%00b")
    assert nul_path.status_code == 400
