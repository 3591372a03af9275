"""The campaigns I manage, with the home's figures: through campaign membership (with or
without an organisation), through my organisations, or all of them as an instance admin."""

from __future__ import annotations

from typing import Any

import httpx

from app.db.session import Database
from tests.factories import campaign_body, make_user, point_feature

MINE = "/api/v1/me/campaigns"


async def ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else None


async def test_the_campaigns_i_manage_with_their_figures(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, admin = await make_user(db, admin=True)
    owner, owner_headers = await make_user(db, "olga")
    validator, validator_headers = await make_user(db, "victor")
    editor, editor_headers = await make_user(db, "edith")
    _, contributor = await make_user(db, "camille")
    _, stranger = await make_user(db, "sam")
    await ok(await client.post("/api/v1/organisations", json={"slug": "mairie", "name": "Mairie"},
                               headers=admin))  # fmt: skip
    await ok(await client.put(f"/api/v1/organisations/mairie/members/{editor.id}",
                              json={"role": "editor"}, headers=admin))  # fmt: skip
    # No organisation: its owner and validator find it only through their membership.
    await ok(await client.post("/api/v1/campaigns", json=campaign_body("arbres"), headers=admin))
    for user, role in ((owner, "owner"), (validator, "validator")):
        await ok(await client.put(f"/api/v1/campaigns/arbres/members/{user.id}",
                                  json={"role": role}, headers=admin))  # fmt: skip
    body = campaign_body("bancs", organisation="mairie", status="draft")
    await ok(await client.post("/api/v1/campaigns", json=body, headers=admin))
    decided = point_feature()
    rules = [{"name": "gps", "kind": "accuracy", "severity": "flag", "params": {"max_m": 20}}]
    await ok(
        await client.put("/api/v1/campaigns/arbres/rules", json={"rules": rules}, headers=admin)
    )
    for feature in (point_feature(), point_feature(accuracy_m=50), decided):
        await ok(await client.post("/api/v1/campaigns/arbres/observations", json=feature,
                                   headers=contributor))  # fmt: skip
    await ok(await client.post(f"/api/v1/observations/{decided['id']}/decision",
                               json={"status": "validated", "reason": "vu"}, headers=owner_headers))  # fmt: skip

    def listed(answer: Any) -> dict[str, Any]:
        return {c["slug"]: c for c in answer["campaigns"]}

    mine = listed(await ok(await client.get(MINE, headers=owner_headers)))
    assert list(mine) == ["arbres"]
    assert mine["arbres"]["role"] == "owner"
    figures = mine["arbres"]["figures"]
    assert {k: figures[k] for k in ("contributions", "contributors", "backlog", "flagged")} == {
        "contributions": 3, "contributors": 1, "backlog": 2, "flagged": 1,
    }  # fmt: skip
    assert figures["last_activity"] is not None
    assert (
        listed(await ok(await client.get(MINE, headers=validator_headers)))["arbres"]["role"]
        == "validator"
    )
    # The organisation's editor sees its draft, without the review figures.
    theirs = listed(await ok(await client.get(MINE, headers=editor_headers)))
    assert list(theirs) == ["bancs"]
    assert (theirs["bancs"]["role"], theirs["bancs"]["organisation"]) == ("contributor", "mairie")
    assert theirs["bancs"]["figures"] == {"contributions": 0, "contributors": None, "backlog": None,
                                          "flagged": None, "last_activity": None}  # fmt: skip
    everything = listed(await ok(await client.get(MINE, headers=admin)))
    assert set(everything) == {"arbres", "bancs"} and everything["bancs"]["role"] == "owner"
    for nobody in (stranger, contributor):
        assert (await ok(await client.get(MINE, headers=nobody)))["campaigns"] == []
    assert (await client.get(MINE)).status_code == 401
