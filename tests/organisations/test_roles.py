"""The organisation role matrix: each kind of person against each organisation action;
exactly the allowed ones pass (401 without a token, 403 when not allowed, 404 where a draft's
existence is private)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.factories import campaign_body
from tests.organisations.conftest import DRAFT, OPEN, ORG, organisation_body

ROLES = ("anonymous", "device", "named", "editor", "org_admin", "other_admin", "admin")
Call = Callable[[httpx.AsyncClient, dict[str, str], dict[str, Any]], Awaitable[httpx.Response]]
_numbers = itertools.count()


def _fresh(prefix: str) -> str:
    return f"{prefix}-{next(_numbers)}"


async def _read_draft(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    """The draft itself, and it is listed in the organisation's campaigns exactly when readable."""
    response = await client.get(DRAFT, headers=headers)
    listed = await client.get(f"{ORG}/campaigns", headers=headers)
    assert listed.status_code == 200, listed.text
    slugs = {campaign["slug"] for campaign in listed.json()["campaigns"]}
    assert ("bancs" in slugs) == (response.status_code == 200), (slugs, response.status_code)
    return response


ENDPOINTS: dict[str, tuple[Call, set[str], int]] = {
    "create organisation": (
        lambda c, h, p: c.post(
            "/api/v1/organisations", json=organisation_body(_fresh("org")), headers=h
        ),
        {"admin"},
        403,
    ),
    "patch organisation": (
        lambda c, h, p: c.patch(ORG, json={"name": "Mairie de Toulouse"}, headers=h),
        {"org_admin", "admin"},
        403,
    ),
    "manage organisation members": (
        lambda c, h, p: c.put(
            f"{ORG}/members/{p['ids']['named']}", json={"role": "editor"}, headers=h
        ),
        {"org_admin", "admin"},
        403,
    ),
    "create campaign in organisation": (
        lambda c, h, p: c.post(
            "/api/v1/campaigns",
            json=campaign_body(_fresh("camp"), organisation="mairie"),
            headers=h,
        ),
        {"editor", "org_admin", "admin"},
        403,
    ),
    "patch a campaign of the organisation created by someone else": (
        lambda c, h, p: c.patch(OPEN, json={"description": "Fontaines publiques"}, headers=h),
        {"org_admin", "admin"},
        403,
    ),
    "manage members of a campaign of the organisation": (
        lambda c, h, p: c.put(
            f"{OPEN}/members/{p['ids']['named']}", json={"role": "validator"}, headers=h
        ),
        {"org_admin", "admin"},
        403,
    ),
    "read a draft of the organisation": (
        lambda c, h, p: _read_draft(c, h),
        {"editor", "org_admin", "admin"},
        404,
    ),
}


def _expected(role: str, allowed: set[str], refused: int) -> int | None:
    """None for allowed (any 2xx), else the status the role must get."""
    if role in allowed:
        return None
    if role == "anonymous" and refused != 404:
        return 401
    return refused


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_organisation_role_matrix(
    client: httpx.AsyncClient, people: dict[str, Any], endpoint: str
) -> None:
    call, allowed, refused = ENDPOINTS[endpoint]
    for role in ROLES:
        response = await call(client, people["headers"][role], people)
        expected = _expected(role, allowed, refused)
        if expected is None:
            assert response.status_code < 300, (endpoint, role, response.text)
        else:
            assert response.status_code == expected, (endpoint, role, response.text)
            assert response.headers["content-type"] == "application/problem+json"


async def test_self_service_lets_named_users_create_organisations(
    self_service_client: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    client = self_service_client
    allowed = {"named", "editor", "org_admin", "other_admin", "admin"}
    for role in ROLES:
        slug = _fresh("self")
        response = await client.post(
            "/api/v1/organisations", json=organisation_body(slug), headers=people["headers"][role]
        )
        expected = _expected(role, allowed, 403)
        if expected is not None:
            assert response.status_code == expected, (role, response.text)
            continue
        assert response.status_code == 201, (role, response.text)
        mine = await client.get("/api/v1/me/organisations", headers=people["headers"][role])
        roles = {org["slug"]: org["role"] for org in mine.json()["organisations"]}
        assert roles[slug] == "admin", role
