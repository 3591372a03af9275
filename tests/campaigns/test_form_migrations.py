"""Owner migrations: each step rewrites the observations in SQL, loses no value, makes one
new form version and one new observation version per rewritten observation."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import campaign_body

URL = "/api/v1/campaigns/migre"
MIGRATE = f"{URL}/form/migrations"


def _label(text: str) -> dict[str, str]:
    return {"fr": text, "en": text}


def _choices(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": _label(v.upper())} for v in values]


FIELDS = [
    {"name": "kind", "type": "choice", "label": _label("Kind"), "choices": _choices("a", "b", "c")},
    {"name": "uses", "type": "choice", "multiple": True, "label": _label("Uses"),
     "choices": _choices("x", "y", "z")},
    {"name": "n", "type": "integer", "label": _label("N")},
    {"name": "t", "type": "text", "label": _label("T")},
    {"name": "h", "type": "number", "label": _label("H")},
]  # fmt: skip
SENT = [
    {"kind": "a", "uses": ["x", "y"], "n": 3, "t": "12", "h": 2.0},
    {"kind": "b", "uses": ["y", "z"], "n": 7, "t": "douze", "h": 2.5},
    {"kind": "c", "uses": ["z"], "t": " 4 "},
    {"uses": ["x"], "n": 0},
]


async def _setup(client: httpx.AsyncClient, owner: dict[str, str]) -> list[str]:
    body = campaign_body("migre", fields=FIELDS, geometry_types=["Point"])
    assert (await client.post("/api/v1/campaigns", json=body, headers=owner)).status_code == 201
    ids = []
    for properties in SENT:
        point = {"type": "Point", "coordinates": [1.44, 43.6]}
        feature = {"type": "Feature", "geometry": point, "properties": properties}
        sent = await client.post(f"{URL}/observations", json=feature, headers=owner)
        assert sent.status_code == 201, sent.text
        ids.append(sent.json()["id"])
    return ids


async def _values(session: AsyncSession, ids: list[str]) -> list[dict[str, Any]]:
    """The stored properties of the observations, in the order they were sent."""
    rows = await session.execute(
        text(
            "SELECT o.id::text, o.properties FROM observations o"
            " JOIN campaigns c ON c.id = o.campaign_id WHERE c.slug = 'migre'"
        )
    )
    by_id = {row[0]: row[1] for row in rows}
    assert sorted(by_id) == sorted(ids)
    return [by_id[i] for i in ids]


def _count(rows: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """Every value of every field of every observation, as (field, value as text)."""
    counter: Counter[tuple[str, str]] = Counter()
    for properties in rows:
        for name, value in properties.items():
            for item in value if isinstance(value, list) else [value]:
                counter[(name, str(item).strip())] += 1
    return counter


async def _migrate(
    client: httpx.AsyncClient, owner: dict[str, str], *steps: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(MIGRATE, json={"steps": list(steps)}, headers=owner)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_every_value_survives_each_step(
    client: httpx.AsyncClient, admin_headers: dict[str, str], session: AsyncSession
) -> None:
    owner = admin_headers
    ids = await _setup(client, owner)
    before = _count(await _values(session, ids))

    renamed = await _migrate(client, owner, {"op": "rename", "field": "n", "to": "count"})
    assert renamed["version"] == 2 and renamed["counts"]["observations"] == 3
    after = _count(await _values(session, ids))
    assert {(("count" if f == "n" else f), v): c for (f, v), c in before.items()} == after

    retyped = await _migrate(client, owner, {"op": "retype", "field": "t", "type": "integer"})
    assert retyped["counts"]["steps"] == [{"observations": 3, "unconverted": 1}]
    assert [f["name"] for f in retyped["fields"]][3:5] == ["t", "t_unconverted"]
    rows = await _values(session, ids)
    assert [r.get("t") for r in rows] == [12, None, 4, None]
    assert rows[1]["t_unconverted"] == "douze"
    moved = {(("t" if f == "t_unconverted" else f), v): c for (f, v), c in _count(rows).items()}
    assert moved == after

    to_text = await _migrate(client, owner, {"op": "retype", "field": "h", "type": "text"})
    assert to_text["counts"]["observations"] == 2
    rows = await _values(session, ids)
    assert [r.get("h") for r in rows[:2]] == ["2.0", "2.5"]

    before = _count(rows)
    merged = await _migrate(
        client, owner,
        {"op": "merge_choices", "field": "kind", "choices": ["b", "c"], "into": "a"},
        {"op": "merge_choices", "field": "uses", "choices": ["y"], "into": "x"},
    )  # fmt: skip
    assert merged["counts"]["steps"] == [{"observations": 2}, {"observations": 2}]
    rows = await _values(session, ids)
    assert [r.get("kind") for r in rows] == ["a", "a", "a", None]
    assert [r["uses"] for r in rows] == [["x"], ["x", "z"], ["z"], ["x"]]
    assert sum(c for (f, _), c in _count(rows).items() if f == "kind") == sum(
        c for (f, _), c in before.items() if f == "kind"
    )

    history = (await client.get(f"/api/v1/observations/{ids[1]}/history")).json()["versions"]
    assert [v["form_version"] for v in history] == [1, 2, 3, 4, 5]
    assert history[-1]["reason"] == "form migration to version 5"
    campaign = (await client.get(URL)).json()
    kind = next(f for f in campaign["fields_history"] if f["name"] == "kind")
    assert [(c["value"], c.get("retired_from")) for c in kind["choices"]] == [
        ("a", None), ("b", 5), ("c", 5)
    ]  # fmt: skip


async def test_a_default_for_a_new_required_field(
    client: httpx.AsyncClient, admin_headers: dict[str, str], session: AsyncSession
) -> None:
    ids = await _setup(client, admin_headers)
    required = {"name": "m", "type": "integer", "label": _label("M"), "required": True}
    patched = await client.patch(URL, json={"fields": [*FIELDS, required]}, headers=admin_headers)
    assert patched.json()["form_version"] == 2
    step = {"op": "default", "field": "m", "value": 0, "apply_to_existing": True}
    done = await _migrate(client, admin_headers, step)
    assert done["counts"]["observations"] == 4 and done["fields"][-1]["default"] == 0
    assert [r["m"] for r in await _values(session, ids)] == [0, 0, 0, 0]
    item = (await client.get(f"/api/v1/observations/{ids[0]}")).json()
    assert item["properties"]["form_version"] == 3


async def test_bad_steps_are_422_at_their_path_and_change_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], contributor_headers: dict[str, str],
    session: AsyncSession,
) -> None:  # fmt: skip
    ids = await _setup(client, admin_headers)
    before = await _values(session, ids)
    cases = [
        ({"op": "rename", "field": "nope", "to": "x"}, "/body/steps/0/field",
         "migration_unknown_field"),
        ({"op": "rename", "field": "n", "to": "t"}, "/body/steps/0/to", "migration_name_taken"),
        ({"op": "rename", "field": "n", "to": "status"}, "/body/steps/0/to",
         "migration_name_taken"),
        ({"op": "retype", "field": "kind", "type": "text"}, "/body/steps/0/type",
         "migration_incompatible_type"),
        ({"op": "merge_choices", "field": "kind", "choices": ["q"], "into": "a"},
         "/body/steps/0/choices/0", "migration_unknown_choice"),
        ({"op": "default", "field": "n", "value": "three"}, "/body/steps/0/value",
         "migration_bad_default"),
        ({"op": "explode", "field": "n"}, "/body/steps/0", None),
        ({"op": "rename", "field": "n\x00", "to": "x"}, None, None),
    ]  # fmt: skip
    for step, path, code in cases:
        body = {"steps": [{"op": "rename", "field": "t", "to": "t2"}, step]}
        if path:
            path = path.replace("steps/0", "steps/1")
        response = await client.post(MIGRATE, json=body, headers=admin_headers)
        assert response.status_code == 422, (step, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        errors = response.json()["errors"]
        if path:
            assert any(e["path"].startswith(path) for e in errors), (step, errors)
        if code:
            assert errors[0]["code"] == code, errors
    assert await _values(session, ids) == before
    listed = (await client.get(f"{URL}/form/versions", headers=admin_headers)).json()
    assert [v["version"] for v in listed["versions"]] == [1]
    step = {"op": "rename", "field": "n", "to": "count"}
    denied = await client.post(MIGRATE, json={"steps": [step]}, headers=contributor_headers)
    assert denied.status_code == 403
