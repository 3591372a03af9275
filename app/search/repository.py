"""SQL of place search: which layers a campaign uses, the ranked matches, the gazetteer.

Names live in their own table, ``place_names``, rather than in a column of
``reference_features``: an address layer gives two kinds of names (each address, and each of
its streets once, which is no single feature), and the search index then covers the named
places only, not every feature of every layer. The rows are built by the SQL function
``place_names_index(layer)`` of migration 0023, called at each import (``index_layer``) and by
the migration for the layers already there: one definition for both, kept with the schema.

Names are compared in their normalised form (``place_name_norm``: no accents, lower case,
punctuation as spaces, French street abbreviations spelled out), which never holds ``%`` or
``_``: it is safe in a LIKE prefix as it is. Matches are prefixes (b-tree, for one or two
letters), names of which a part is a close spelling of the query (``%>``, pg_trgm's word
similarity) and names close to the whole query (``%``, a typo in a full name: "tolouse"), the
trigram operators at pg_trgm's default thresholds, over the GIN index. One or two letters are
prefixes only: every name beginning with "r" shares a trigram with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.quality.models import QualityRule, ReferenceLayer

# The sources of names, in the order duplicates are kept: a campaign's targets before the same
# place in its layer (a target's id lets the app open it).
_SOURCES = """
    SELECT p.label, p.kind, l.slug AS layer, 'layers.' || l.slug AS collection,
           p.feature_id::text AS feature_id, p.center, p.bbox, p.norm_label, 1 AS source
    FROM place_names p JOIN reference_layers l ON l.id = p.layer_id
    WHERE p.layer_id = ANY(:layer_ids)
    UNION ALL
    SELECT t.title, 'place', :targets_layer, :targets_collection, t.id::text, t.geom, NULL,
           place_name_norm(t.title), 0
    FROM targets t WHERE t.campaign_id = :campaign_id
"""

# Exact names first, then names that begin with the query, then names with a word that does,
# then the closest spellings; shorter names before longer ones.
_RANK = """exact DESC, prefix DESC, word_prefix DESC, closeness DESC, likeness DESC,
           length(label), label, feature_id"""

_SEARCH = text(f"""
WITH sources AS ({_SOURCES}),
matched AS (
    SELECT s.*,
           s.norm_label = :norm AS exact,
           s.norm_label LIKE :norm || '%' AS prefix,
           (' ' || s.norm_label) LIKE '% ' || :norm || '%' AS word_prefix,
           word_similarity(:norm, s.norm_label) AS closeness,
           similarity(:norm, s.norm_label) AS likeness
    FROM sources s
    WHERE s.norm_label LIKE :norm || '%'
       OR (length(:norm) >= 3 AND (s.norm_label %> :norm OR s.norm_label % :norm))
), best AS (
    SELECT * FROM matched
    ORDER BY {_RANK}
    LIMIT :candidates
), kept AS (
    SELECT *, row_number() OVER (
        PARTITION BY norm_label, ST_SnapToGrid(center, 0.000001) ORDER BY source
    ) AS copy
    FROM best
)
SELECT label, kind, layer, collection, feature_id, ST_X(center) AS lon, ST_Y(center) AS lat,
       bbox
FROM kept WHERE copy = 1
ORDER BY {_RANK}
LIMIT :limit
""").bindparams(
    bindparam("layer_ids", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("campaign_id", type_=PG_UUID(as_uuid=True)),
)

# Communes and streets first, so that a gazetteer cut at its limit keeps the coarse names.
_KIND_ORDER = "CASE kind WHEN 'commune' THEN 0 WHEN 'street' THEN 1 WHEN 'place' THEN 2 ELSE 3 END"

_GAZETTEER = text(f"""
WITH sources AS ({_SOURCES}),
kept AS (
    SELECT *, row_number() OVER (
        PARTITION BY norm_label, ST_SnapToGrid(center, 0.000001) ORDER BY source
    ) AS copy
    FROM sources
), rows AS (
    SELECT label, kind, center, bbox,
           row_number() OVER (ORDER BY {_KIND_ORDER}, norm_label, label, feature_id) AS n
    FROM kept WHERE copy = 1
    ORDER BY n
    LIMIT :limit + 1
)
SELECT count(*) AS found, coalesce(json_agg(json_build_array(
    label, kind, round(ST_X(center)::numeric, 6), round(ST_Y(center)::numeric, 6),
    (SELECT array_agg(round(v::numeric, 6)) FROM unnest(bbox) AS v)
) ORDER BY n) FILTER (WHERE n <= :limit), '[]')::text AS rows
FROM rows
""").bindparams(
    bindparam("layer_ids", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("campaign_id", type_=PG_UUID(as_uuid=True)),
)

# What the gazetteer is made of, digested: layer versions (a re-import is a new layer row)
# and the campaign's targets.
_VERSION = text("""
SELECT (SELECT coalesce(md5(string_agg(id::text || '@' || updated_at::text, ',' ORDER BY id)),
                        '')
        FROM reference_layers WHERE id = ANY(:layer_ids)) AS layers,
       (SELECT coalesce(md5(string_agg(id::text || '@' || title || '@' || ST_AsEWKB(geom)::text,
                                       ',' ORDER BY id)), '')
        FROM targets WHERE campaign_id = :campaign_id) AS targets
""").bindparams(
    bindparam("layer_ids", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("campaign_id", type_=PG_UUID(as_uuid=True)),
)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a campaign's names come from: its layers, and its targets when it has some."""

    campaign_id: uuid.UUID
    layer_ids: list[uuid.UUID]
    targets_layer: str | None

    def parameters(self, campaign_slug: str) -> dict[str, Any]:
        return {
            "layer_ids": self.layer_ids,
            "campaign_id": self.campaign_id,
            "targets_layer": self.targets_layer,
            "targets_collection": f"{campaign_slug}-targets" if self.targets_layer else None,
        }


@dataclass(frozen=True, slots=True)
class Match:
    label: str
    kind: str
    layer: str | None
    collection: str
    feature_id: str | None
    lon: float
    lat: float
    bbox: list[float] | None


async def index_layer(session: AsyncSession, layer_id: uuid.UUID) -> int:
    """Build the place names of a layer from its features again; how many there are."""
    statement = select(func.place_names_index(bindparam("layer", layer_id, PG_UUID())))
    return int(await session.scalar(statement) or 0)


async def used_layer_ids(session: AsyncSession, campaign: Campaign) -> list[uuid.UUID]:
    """The layers the campaign shows on its map, checks in its rules or revisits as targets."""
    rule_layers = select(QualityRule.params["layer"].astext).where(
        QualityRule.campaign_id == campaign.id, QualityRule.params.has_key("layer")
    )
    slugs = set(campaign.map_layers or []) | set(await session.scalars(rule_layers))
    if campaign.targets is not None:
        slugs.add(campaign.targets["layer"])
    query = select(ReferenceLayer.id).where(ReferenceLayer.slug.in_(sorted(slugs)))
    return sorted(await session.scalars(query))


async def search(
    session: AsyncSession, scope: Scope, campaign_slug: str, q: str, limit: int
) -> list[Match]:
    """The best ``limit`` names matching ``q``; none when ``q`` holds no letter or digit."""
    # Normalised once, beforehand: a constant the indexes use, not a call on every row.
    norm = await session.scalar(select(func.place_name_norm(q)))
    if not norm:
        return []
    # Duplicates (a target and its layer's feature) are dropped among the best few only.
    parameters = {**scope.parameters(campaign_slug), "norm": norm, "limit": limit}
    rows = await session.execute(_SEARCH, {**parameters, "candidates": limit * 4})
    return [Match(*row) for row in rows]


async def gazetteer(
    session: AsyncSession, scope: Scope, campaign_slug: str, limit: int
) -> tuple[int, str]:
    """The scope's names as a JSON array built by PostgreSQL (at most ``limit`` rows), and how
    many there are up to ``limit + 1`` (more than ``limit``: some were left out)."""
    parameters = {**scope.parameters(campaign_slug), "limit": limit}
    row = (await session.execute(_GAZETTEER, parameters)).one()
    return int(row[0]), str(row[1])


async def digest(session: AsyncSession, scope: Scope) -> Sequence[str]:
    """Digests of what the scope's names are built from: they change when the names may."""
    parameters = {"layer_ids": scope.layer_ids, "campaign_id": scope.campaign_id}
    row = (await session.execute(_VERSION, parameters)).one()
    return (row.layers, row.targets)
