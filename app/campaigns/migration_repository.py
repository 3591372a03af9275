"""The SQL of owner migrations: each step rewrites the affected observations of a campaign in
one set-based statement; then one statement gives each touched observation its new version."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_RENAME = text(
    """
    UPDATE observations
    SET properties = (properties - CAST(:field AS text))
                     || jsonb_build_object(CAST(:to AS text), properties -> CAST(:field AS text))
    WHERE campaign_id = :campaign_id AND jsonb_exists(properties, CAST(:field AS text))
    RETURNING id
    """
)

_MERGE = text(
    """
    UPDATE observations
    SET properties = jsonb_set(properties, ARRAY[CAST(:field AS text)], CASE
        WHEN jsonb_typeof(properties -> CAST(:field AS text)) = 'string'
            THEN to_jsonb(CAST(:into AS text))
        ELSE (SELECT jsonb_agg(merged.value ORDER BY merged.first) FROM (
                SELECT CASE WHEN e.value = ANY(CAST(:choices AS text[])) THEN CAST(:into AS text)
                            ELSE e.value END AS value, min(e.n) AS first
                FROM jsonb_array_elements_text(properties -> CAST(:field AS text))
                     WITH ORDINALITY AS e(value, n)
                GROUP BY 1) AS merged)
        END)
    WHERE campaign_id = :campaign_id AND (
        (jsonb_typeof(properties -> CAST(:field AS text)) = 'string'
         AND properties ->> CAST(:field AS text) = ANY(CAST(:choices AS text[])))
        OR (jsonb_typeof(properties -> CAST(:field AS text)) = 'array'
            AND jsonb_exists_any(properties -> CAST(:field AS text), CAST(:choices AS text[]))))
    RETURNING id
    """
)

_DEFAULT = text(
    """
    UPDATE observations
    SET properties = properties
                     || jsonb_build_object(CAST(:field AS text), CAST(:value AS jsonb))
    WHERE campaign_id = :campaign_id AND NOT jsonb_exists(properties, CAST(:field AS text))
    RETURNING id
    """
)

# A retype: the converted value, or (when it does not convert) the original text moved to
# ``<field>_unconverted``. {convert} is an SQL expression of ``raw`` (the value as text)
# giving jsonb, or NULL when it does not convert; {source} the JSON type of stored values.
_RETYPE = """
    UPDATE observations AS o
    SET properties = CASE WHEN c.value IS NULL
        THEN (o.properties - CAST(:field AS text))
             || jsonb_build_object(CAST(:unconverted AS text), c.raw)
        ELSE jsonb_set(o.properties, ARRAY[CAST(:field AS text)], c.value) END
    FROM (
        SELECT id, raw, {convert} AS value
        FROM (SELECT id, properties ->> CAST(:field AS text) AS raw FROM observations
              WHERE campaign_id = :campaign_id
                AND jsonb_typeof(properties -> CAST(:field AS text)) = '{source}') AS s
    ) AS c
    WHERE o.id = c.id
    RETURNING o.id, c.value IS NULL
"""

_INTEGER_TEXT = r"'^\s*[-+]?\d{1,15}\s*$'"
_NUMBER_TEXT = r"'^\s*[-+]?(\d{1,300}\.?\d{0,300}|\.\d{1,300})([eE][-+]?\d{1,3})?\s*$'"
_CONVERSIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("integer", "text"): ("number", "to_jsonb(raw)"),
    ("number", "text"): ("number", "to_jsonb(raw)"),
    ("number", "integer"): (
        "number",
        "CASE WHEN CAST(raw AS numeric) = trunc(CAST(raw AS numeric))"
        " AND abs(CAST(raw AS numeric)) < 1e15"
        " THEN to_jsonb(CAST(trunc(CAST(raw AS numeric)) AS bigint)) END",
    ),
    ("text", "integer"): (
        "string",
        f"CASE WHEN raw ~ {_INTEGER_TEXT} THEN to_jsonb(CAST(trim(raw) AS bigint)) END",
    ),
    ("text", "number"): (
        "string",
        f"CASE WHEN raw ~ {_NUMBER_TEXT} THEN CASE WHEN abs(CAST(trim(raw) AS numeric)) < 1e300"
        " THEN to_jsonb(CAST(trim(raw) AS float8)) END END",
    ),
}


async def rename(session: AsyncSession, campaign_id: uuid.UUID, field: str, to: str) -> set[Any]:
    rows = await session.execute(_RENAME, {"campaign_id": campaign_id, "field": field, "to": to})
    return {row[0] for row in rows}


async def merge_choices(
    session: AsyncSession, campaign_id: uuid.UUID, field: str, choices: list[str], into: str
) -> set[Any]:
    params = {"campaign_id": campaign_id, "field": field, "choices": choices, "into": into}
    return {row[0] for row in await session.execute(_MERGE, params)}


async def default(
    session: AsyncSession, campaign_id: uuid.UUID, field: str, value: Any
) -> set[Any]:
    params = {"campaign_id": campaign_id, "field": field, "value": orjson.dumps(value).decode()}
    return {row[0] for row in await session.execute(_DEFAULT, params)}


async def retype(
    session: AsyncSession, campaign_id: uuid.UUID, field: str, types: tuple[str, str],
    unconverted: str,
) -> tuple[set[Any], int]:  # fmt: skip
    """The ids rewritten and how many values did not convert (kept as text aside)."""
    if types not in _CONVERSIONS:  # integer -> number: every value already is one
        return set(), 0
    source, convert = _CONVERSIONS[types]
    statement = text(_RETYPE.format(convert=convert, source=source))
    params = {"campaign_id": campaign_id, "field": field, "unconverted": unconverted}
    rows = list(await session.execute(statement, params))
    return {row[0] for row in rows}, sum(1 for row in rows if row[1])


_NEW_VERSIONS = text(
    """
    WITH changed AS (
        UPDATE observations SET
            version = version + 1,
            form_version = :form_version,
            change_seq = nextval('observation_change_seq'),
            updated_at = now()
        WHERE id = ANY(CAST(:ids AS uuid[]))
        RETURNING id, version, geom, properties, observed_at, accuracy_m, status, change_seq,
                  updated_at, form_version
    ), history AS (
        INSERT INTO observation_versions (observation_id, version, change_kind, geom, properties,
                                          observed_at, accuracy_m, status, changed_by,
                                          changed_at, change_seq, reason, form_version)
        SELECT id, version, 'edited', geom, properties, observed_at, accuracy_m, status,
               :user_id, updated_at, change_seq, :reason, form_version
        FROM changed
    )
    INSERT INTO observation_events (observation_id, kind, payload, actor_id, created_at)
    SELECT id, 'edited', jsonb_build_object('version', version, 'reason', CAST(:reason AS text)),
           :user_id, updated_at
    FROM changed
    """
)


async def new_versions(
    session: AsyncSession, ids: set[Any], form_version: int, user_id: uuid.UUID, reason: str
) -> None:
    """A new observation version (and change_seq) for each rewritten observation."""
    if ids:
        params = {"ids": list(ids), "form_version": form_version, "user_id": user_id,
                  "reason": reason}  # fmt: skip
        await session.execute(_NEW_VERSIONS, params)
