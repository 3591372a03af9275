"""Recovery codes: a device account makes one (shown once, stored as a hash), and another
device signs the same account in with it; its contributions and timeline follow; a new code
replaces the old; wrong codes get one answer, no hint, and count against the sign-in limit."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.config import Settings
from app.db.session import Database
from tests.clients import app_client
from tests.factories import campaign_body, make_user, point_feature

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}$")


async def device(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, str]]:
    response = await client.post("/api/v1/auth/device", json={})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["user"], {"Authorization": f"Bearer {body['access_token']}"}


async def new_code(client: httpx.AsyncClient, auth: dict[str, str]) -> httpx.Response:
    return await client.post("/api/v1/me/recovery-code", headers=auth)


async def recover(client: httpx.AsyncClient, code: str, **options: Any) -> httpx.Response:
    return await client.post("/api/v1/auth/recover", json={"code": code, **options})


async def test_a_code_is_shown_once_and_only_its_hash_is_stored(
    client: httpx.AsyncClient, db: Database
) -> None:
    user, auth = await device(client)
    state = await client.get("/api/v1/me/recovery-code", headers=auth)
    assert state.json() == {"exists": False, "created_at": None, "last_used_at": None}
    response = await new_code(client, auth)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    made = response.json()
    assert CODE.match(made["code"]), made["code"]
    assert made["replaced"] is False
    async with db.session() as session:
        rows = (await session.execute(text("SELECT * FROM recovery_codes"))).mappings().all()
    assert len(rows) == 1 and str(rows[0]["user_id"]) == user["id"]
    symbols = made["code"].replace("-", "")
    assert rows[0]["code_hash"] == hashlib.sha256(b"releve-recovery:" + symbols.encode()).digest()
    assert symbols not in repr(dict(rows[0])) and made["code"] not in repr(dict(rows[0]))
    state = (await client.get("/api/v1/me/recovery-code", headers=auth)).json()
    assert state["exists"] is True and "code" not in state


async def test_another_device_signs_in_the_same_account_and_sees_its_contributions(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    body = campaign_body(allow_anonymous=True)
    assert (await client.post("/api/v1/campaigns", json=body, headers=admin_headers)).is_success
    user, old_phone = await device(client)
    feature = point_feature(species="Tilia")
    sent = await client.post("/api/v1/campaigns/arbres/observations", json=feature,
                             headers=old_phone)  # fmt: skip
    assert sent.status_code == 201, sent.text
    code = (await new_code(client, old_phone)).json()["code"]

    restored = await recover(client, code.lower().replace("-", " "))  # as typed from paper
    assert restored.status_code == 200, restored.text
    assert restored.headers["cache-control"] == "no-store"
    account = restored.json()
    assert account["user"]["id"] == user["id"] and account["user"]["is_device"] is True
    new_phone = {"Authorization": f"Bearer {account['access_token']}"}
    assert new_phone != old_phone
    mine = (await client.get("/api/v1/me/observations", headers=new_phone)).json()
    assert [o["feature"]["id"] for o in mine["observations"]] == [feature["id"]]
    assert mine["observations"][0]["feature"]["properties"]["status"] in {"pending", "needs_review"}
    timeline = await client.get(f"/api/v1/observations/{feature['id']}/timeline",
                                headers=new_phone)  # fmt: skip
    assert timeline.status_code == 200 and timeline.json()["events"]
    # The old phone stays signed in: its outbox keeps sending under the same account.
    assert (await client.get("/api/v1/me", headers=old_phone)).json()["id"] == user["id"]
    again = await client.post("/api/v1/campaigns/arbres/observations", json=feature,
                              headers=new_phone)  # fmt: skip
    assert again.status_code == 200, "the same capture sent again is a replay, not a copy"
    state = (await client.get("/api/v1/me/recovery-code", headers=new_phone)).json()
    assert state["last_used_at"] is not None


async def test_a_new_code_replaces_the_old_one(client: httpx.AsyncClient) -> None:
    _, auth = await device(client)
    first = (await new_code(client, auth)).json()["code"]
    second = (await new_code(client, auth)).json()
    assert second["replaced"] is True and second["code"] != first
    assert (await recover(client, first)).status_code == 401
    assert (await recover(client, second["code"])).status_code == 200


async def test_a_wrong_code_gets_one_clear_answer_and_no_hint(client: httpx.AsyncClient) -> None:
    _, auth = await device(client)
    replaced = (await new_code(client, auth)).json()["code"]
    await new_code(client, auth)
    answers = []
    for code in (replaced, "ABCD-EFGH-JKMN-PQRS-TUVW"):
        response = await recover(client, code)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        answers.append(response.json())
    assert answers[0] == answers[1], "a replaced code must read like one that never existed"
    assert answers[0]["code"] == "recovery_code_invalid"
    assert "does not open any account" in answers[0]["detail"]
    french = await client.post("/api/v1/auth/recover", json={"code": replaced},
                               headers={"Accept-Language": "fr"})  # fmt: skip
    assert "n'ouvre aucun compte" in french.json()["detail"]
    malformed = await recover(client, "ABCD-0000-1111")
    assert malformed.status_code == 422
    error = malformed.json()["errors"][0]
    assert error["path"] == "/code" and error["code"] == "recovery_code_format"
    assert "20" in error["detail"]


async def test_a_blocked_account_cannot_be_recovered(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    user, auth = await device(client)
    code = (await new_code(client, auth)).json()["code"]
    blocked = await client.post(f"/api/v1/admin/users/{user['id']}/block", headers=admin_headers)
    assert blocked.status_code == 200
    response = await recover(client, code)
    assert response.status_code == 401 and response.json()["code"] == "recovery_code_invalid"


async def test_a_lost_phone_can_be_signed_out(client: httpx.AsyncClient) -> None:
    _, lost = await device(client)
    code = (await new_code(client, lost)).json()["code"]
    restored = (await recover(client, code, sign_out_other_devices=True)).json()
    assert (await client.get("/api/v1/me", headers=lost)).status_code == 401
    here = {"Authorization": f"Bearer {restored['access_token']}"}
    assert (await client.get("/api/v1/me", headers=here)).status_code == 200


async def test_only_device_accounts_have_a_code(client: httpx.AsyncClient, db: Database) -> None:
    _, auth = await make_user(db, "named")
    response = await new_code(client, auth)
    assert response.status_code == 409 and response.json()["code"] == "recovery_code_device_only"
    assert (await client.post("/api/v1/me/recovery-code")).status_code == 401


@pytest.fixture
async def strict_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    limits = {"signin_failures_per_address": 3, "device_accounts_per_hour": 0}
    async with app_client(settings, db, **limits) as client:
        yield client


async def test_failed_attempts_are_limited_like_sign_ins(strict_client: httpx.AsyncClient) -> None:
    _, auth = await device(strict_client)
    code = (await new_code(strict_client, auth)).json()["code"]
    # A right code gives its attempt back: only failures count.
    assert [(await recover(strict_client, code)).status_code for _ in range(4)] == [200] * 4
    wrong = "ABCD-EFGH-JKMN-PQRS-TUVW"
    assert [(await recover(strict_client, wrong)).status_code for _ in range(3)] == [401] * 3
    refused = await recover(strict_client, code)
    assert refused.status_code == 429 and refused.json()["code"] == "signin_throttled"
    assert int(refused.headers["retry-after"]) >= 1
    # The same budget as password sign-ins from this address.
    sign_in = await strict_client.post("/api/v1/auth/token",
                                       json={"username": "x", "password": "y"})  # fmt: skip
    assert sign_in.status_code == 429
