"""The SQL of the rule engine: one set-based statement per rule over a whole batch.

Candidates travel as parallel arrays and are unnested once per statement (``_CANDIDATES``);
each statement returns one row per candidate with the figures the rule needs, and Python only
compares figures to thresholds. Distances and areas are computed on the geography type (true
metres); the geometry GiST index (layer_id, geom) narrows the search first, with k-nearest
neighbour ordering (``<->``) where the rule is about distance.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.observations.models import Observation
from app.observations.publication import is_published
from app.targets.models import Target


@dataclass(slots=True)
class CandidateArrays:
    """A batch of geometries to check, as the parallel arrays the statements unnest."""

    indexes: list[int]
    ids: list[uuid.UUID]
    wkbs: list[bytes]
    properties: list[str]  # JSON text of each candidate's validated properties
    created_at: list[datetime | None]  # None: a new submission (newer than everything stored)

    def has(self, dimension: int) -> bool:
        """Whether any candidate has that dimension, read from the WKB header: byte 0 says
        the byte order, bytes 1-4 the type (1 point, 2 line, 3 polygon, 6 multipolygon)."""
        types = {0: (1,), 1: (2,), 2: (3, 6)}[dimension]
        return any(int.from_bytes(w[1:5], "little" if w[0] else "big") in types for w in self.wkbs)

    def params(self) -> dict[str, Any]:
        return {
            "idx": self.indexes,
            "ids": self.ids,
            "wkbs": self.wkbs,
            "props": self.properties,
            "created": self.created_at,
        }


_CANDIDATES = """
WITH cand AS (
    SELECT idx, id, ST_GeomFromWKB(wkb, 4326) AS geom, CAST(props AS jsonb) AS props,
           COALESCE(created, 'infinity') AS created_at
    FROM unnest(CAST(:idx AS int[]), CAST(:ids AS uuid[]), CAST(:wkbs AS bytea[]),
                CAST(:props AS text[]), CAST(:created AS timestamptz[]))
         AS t(idx, id, wkb, props, created)
)
"""
# Degrees that cover :metres at the candidate's latitude (longitude degrees shrink with it).
_MARGIN = (
    "CAST(:metres AS float8) / 111320.0 / "
    "cos(radians(least(abs(ST_Y(ST_Centroid(c.geom))) + 1.0, 89.0)))"
)
# Optional filter on the layer's features: f.properties->>:where_property IN :where_values.
_WHERE = (
    "(CAST(:where_property AS text) IS NULL "
    "OR f.properties ->> :where_property = ANY(CAST(:where_values AS text[])))"
)


def _filter_params(where: Any) -> dict[str, Any]:
    if where is None:
        return {"where_property": None, "where_values": []}
    values = [str(v).lower() if isinstance(v, bool) else str(v) for v in where.values]
    return {"where_property": where.property, "where_values": values}


async def _rows(session: AsyncSession, sql: str, params: dict[str, Any]) -> Sequence[Any]:
    return (await session.execute(text(_CANDIDATES + sql), params)).all()


# The features to compare with: a layer's (optionally filtered), or the campaign's area.
_LAYER_FEATURES = f"""
    SELECT f.id, f.properties, f.geom FROM reference_features f
    WHERE f.layer_id = :layer_id AND {_WHERE}
"""
# The area is read once per statement (a materialised CTE), not once per candidate: a
# département outline has thousands of vertices.
_AREA_ONCE = """,
area_once AS MATERIALIZED (
    SELECT area FROM campaigns WHERE id = :campaign_id AND area IS NOT NULL
)
"""
_AREA_FEATURES = """
    SELECT NULL::bigint AS id, '{}'::jsonb AS properties, f.area AS geom FROM area_once f
"""


async def inside(
    session: AsyncSession, candidates: CandidateArrays, *, layer_id: uuid.UUID | None,
    campaign_id: uuid.UUID, where: Any,
) -> Sequence[Any]:  # fmt: skip
    """Per candidate: metres its farthest vertex lies outside the best feature (0 = inside)."""
    features, column = (_LAYER_FEATURES, "f.geom") if layer_id else (_AREA_FEATURES, "f.area")
    sql = (
        ("" if layer_id else _AREA_ONCE)
        + f"""
    SELECT c.idx, best.id, best.properties, best.outside_m
    FROM cand c
    LEFT JOIN LATERAL (
        SELECT f.id, f.properties,
               CASE WHEN ST_Covers(f.geom, c.geom) THEN 0.0 ELSE (
                   SELECT max(ST_Distance(p.geom::geography, f.geom::geography))
                   FROM ST_DumpPoints(c.geom) AS p) END AS outside_m
        FROM ({features} ORDER BY {column} <-> c.geom LIMIT 4) AS f
        ORDER BY outside_m LIMIT 1
    ) AS best ON true
    """
    )
    params = {**candidates.params(), **_filter_params(where), "layer_id": layer_id,
              "campaign_id": campaign_id}  # fmt: skip
    return await _rows(session, sql, params)


async def nearest(
    session: AsyncSession, candidates: CandidateArrays, *, layer_id: uuid.UUID, where: Any,
    metres: float,
) -> Sequence[Any]:  # fmt: skip
    """For candidates with no feature of the layer within ``metres``: the nearest feature and
    its distance. Most candidates pass, so the cheap "any within?" test runs first and the
    k-nearest-neighbour search only for the others."""
    sql = f"""
    SELECT c.idx, best.id, best.properties, best.distance_m
    FROM cand c
    LEFT JOIN LATERAL (
        SELECT f.id, f.properties, ST_Distance(f.geom::geography, c.geom::geography) AS distance_m
        FROM ({_LAYER_FEATURES} ORDER BY f.geom <-> c.geom LIMIT 3) AS f
        ORDER BY distance_m LIMIT 1
    ) AS best ON true
    WHERE NOT EXISTS (
        SELECT 1 FROM reference_features f
        WHERE f.layer_id = :layer_id AND {_WHERE}
          AND f.geom && ST_Expand(c.geom, {_MARGIN})
          AND ST_DWithin(f.geom::geography, c.geom::geography, :metres)
    )
    """
    params = {**candidates.params(), **_filter_params(where), "layer_id": layer_id,
              "metres": metres}  # fmt: skip
    return await _rows(session, sql, params)


async def intersecting(
    session: AsyncSession, candidates: CandidateArrays, *, layer_id: uuid.UUID, where: Any
) -> Sequence[Any]:
    """Per candidate that intersects a feature of the layer: one such feature."""
    sql = f"""
    SELECT c.idx, hit.id, hit.properties
    FROM cand c
    JOIN LATERAL (
        SELECT f.id, f.properties FROM ({_LAYER_FEATURES}) AS f
        WHERE ST_Intersects(f.geom, c.geom) LIMIT 1
    ) AS hit ON true
    """
    params = {**candidates.params(), **_filter_params(where), "layer_id": layer_id}
    return await _rows(session, sql, params)


async def overlap_percent(
    session: AsyncSession, candidates: CandidateArrays, *, layer_id: uuid.UUID, where: Any
) -> Sequence[Any]:
    """Per polygonal candidate: the share (%) of its area covered by the layer's features."""
    sql = f"""
    SELECT c.idx, u.ids,
           100.0 * ST_Area(ST_Intersection(c.geom, u.geom)::geography)
                 / NULLIF(ST_Area(c.geom::geography), 0) AS percent
    FROM cand c
    JOIN LATERAL (
        SELECT ST_Union(f.geom) AS geom, array_agg(f.id) AS ids FROM ({_LAYER_FEATURES}) AS f
        WHERE ST_Intersects(f.geom, c.geom)
    ) AS u ON u.geom IS NOT NULL
    WHERE ST_Dimension(c.geom) = 2
    """
    params = {**candidates.params(), **_filter_params(where), "layer_id": layer_id}
    return await _rows(session, sql, params)


_IOU = (
    "ST_Area(ST_Intersection({a}, {b})::geography) / "
    "NULLIF(ST_Area(ST_Union({a}, {b})::geography), 0)"
)


async def best_match(
    session: AsyncSession, candidates: CandidateArrays, *, layer_id: uuid.UUID, where: Any
) -> Sequence[Any]:
    """Per polygonal candidate: the feature with the highest intersection over union."""
    iou = _IOU.format(a="f.geom", b="c.geom")
    sql = f"""
    SELECT c.idx, best.id, best.properties, best.iou
    FROM cand c
    LEFT JOIN LATERAL (
        SELECT f.id, f.properties, {iou} AS iou FROM ({_LAYER_FEATURES}) AS f
        WHERE ST_Intersects(f.geom, c.geom)
        ORDER BY iou DESC NULLS LAST LIMIT 1
    ) AS best ON true
    WHERE ST_Dimension(c.geom) = 2
    """
    params = {**candidates.params(), **_filter_params(where), "layer_id": layer_id}
    return await _rows(session, sql, params)


# Live observations that may be the original of a candidate: older ones in the same campaign
# (ties on created_at, as within one batch, broken by id), and, for new submissions, those
# earlier in the same batch.
_SAME_FIELD = "(CAST(:field AS text) IS NULL OR {a} -> :field = {b} -> :field)"
# A report that names its target says what it is about: it is a visit (and sits on the marker,
# as every earlier visit does), never "probably the same thing" as something else.
_NO_TARGET = "({b} ->> 'target' IS NULL)"
_LIVE = "o.status NOT IN ('withdrawn', 'rejected', 'duplicate')"
_OTHERS = f"""
    SELECT o.id, o.geom, o.properties AS props FROM observations o
    WHERE o.campaign_id = :campaign_id AND (o.created_at, o.id) < (c.created_at, c.id)
      AND {_LIVE}
"""
_EARLIER_IN_BATCH = """
    SELECT c2.id, c2.geom, c2.props FROM cand c2
    WHERE :within_batch AND c2.idx < c.idx AND c2.id <> c.id
"""
# Points and lines of the batch, each with its search box computed once, and grouped by
# DBSCAN clusters of that radius: only candidates of one cluster can be duplicates of each
# other, so the batch is not compared with itself pair by pair.
_NEAR_BATCH = f"""
, boxed AS MATERIALIZED (
    SELECT c.*, ST_Expand(c.geom, {_MARGIN}) AS box, {_MARGIN} AS margin
    FROM cand c WHERE ST_Dimension(c.geom) < 2
), clustered AS MATERIALIZED (
    SELECT b.*, ST_ClusterDBSCAN(b.geom, (SELECT max(margin) FROM boxed), 2) OVER () AS cluster
    FROM boxed b
)
"""


async def duplicate_points(
    session: AsyncSession, candidates: CandidateArrays, *, campaign_id: uuid.UUID,
    field: str | None, metres: float, within_batch: bool,
) -> Sequence[Any]:  # fmt: skip
    """Per point or line candidate: the nearest possible original within ``metres``."""
    same_stored = _SAME_FIELD.format(a="o.properties", b="c.props")
    same_stored += " AND " + _NO_TARGET.format(b="c.props")
    same_batch = _SAME_FIELD.format(a="b.props", b="a.props")
    same_batch += " AND " + _NO_TARGET.format(b="a.props")
    sql = (
        _NEAR_BATCH
        + f"""
    , stored AS (
        SELECT c.idx, s.id, s.distance_m, -1 AS rank FROM boxed c
        JOIN LATERAL (
            SELECT o.id, ST_Distance(o.geom::geography, c.geom::geography) AS distance_m
            FROM observations o
            WHERE o.campaign_id = :campaign_id AND o.geom && c.box
              AND (o.created_at, o.id) < (c.created_at, c.id) AND {_LIVE} AND {same_stored}
              AND ST_DWithin(o.geom::geography, c.geom::geography, :metres)
            ORDER BY distance_m, o.created_at, o.id LIMIT 1
        ) AS s ON true
    ), in_batch AS (
        SELECT a.idx, b.id, ST_Distance(b.geom::geography, a.geom::geography) AS distance_m,
               b.idx AS rank
        FROM clustered a JOIN clustered b ON b.cluster = a.cluster AND b.idx < a.idx
        WHERE :within_batch AND b.id <> a.id AND {same_batch}
          AND ST_DWithin(b.geom::geography, a.geom::geography, :metres)
    )
    SELECT DISTINCT ON (idx) idx, id, distance_m
    FROM (SELECT * FROM stored UNION ALL SELECT * FROM in_batch) AS found
    ORDER BY idx, distance_m, rank
    """
    )
    params = {**candidates.params(), "campaign_id": campaign_id, "field": field,
              "metres": metres, "within_batch": within_batch}  # fmt: skip
    return await _rows(session, sql, params)


async def published_among(session: AsyncSession, ids: Sequence[Any]) -> set[Any]:
    """Which of the observations ``ids`` are published."""
    query = (
        select(Observation.id)
        .join(Campaign, Campaign.id == Observation.campaign_id)
        .where(Observation.id.in_(list(ids)), is_published())
    )
    return set(await session.scalars(query))


async def duplicate_polygons(
    session: AsyncSession, candidates: CandidateArrays, *, campaign_id: uuid.UUID,
    field: str | None, within_batch: bool,
) -> Sequence[Any]:  # fmt: skip
    """Per polygonal candidate: the overlapping possible original with the highest IoU."""
    iou = _IOU.format(a="o.geom", b="c.geom")
    sql = f"""
    SELECT c.idx, best.id, best.iou
    FROM cand c
    JOIN LATERAL (
        SELECT o.id, {iou} AS iou
        FROM (({_OTHERS} AND o.geom && c.geom)
              UNION ALL ({_EARLIER_IN_BATCH} AND c2.geom && c.geom)) AS o
        WHERE {_SAME_FIELD.format(a="o.props", b="c.props")}
          AND {_NO_TARGET.format(b="c.props")} AND ST_Dimension(o.geom) = 2
          AND ST_Intersects(o.geom, c.geom)
        ORDER BY iou DESC NULLS LAST LIMIT 1
    ) AS best ON true
    WHERE ST_Dimension(c.geom) = 2
    """
    params = {**candidates.params(), "campaign_id": campaign_id, "field": field,
              "within_batch": within_batch}  # fmt: skip
    return await _rows(session, sql, params)


async def sizes(session: AsyncSession, candidates: CandidateArrays) -> Sequence[Any]:
    """Per candidate: dimension, area (m²) and length (m) on the ellipsoid."""
    sql = """
    SELECT c.idx, ST_Dimension(c.geom) AS dimension,
           ST_Area(c.geom::geography) AS area_m2, ST_Length(c.geom::geography) AS length_m
    FROM cand c
    """
    return await _rows(session, sql, candidates.params())


async def containing_or_nearest(
    session: AsyncSession, candidates: CandidateArrays, *, layer_id: uuid.UUID,
    nearest: bool, metres: float,
) -> Sequence[Any]:  # fmt: skip
    """Per candidate: the feature containing it (or the nearest within ``metres``)."""
    if nearest:
        pick = """ORDER BY f.geom <-> c.geom LIMIT 1) AS f
            WHERE ST_DWithin(f.geom::geography, c.geom::geography, :metres)"""
    else:
        pick = ") AS f WHERE ST_Intersects(f.geom, ST_PointOnSurface(c.geom)) LIMIT 1"
    sql = f"""
    SELECT c.idx, hit.id, hit.properties
    FROM cand c
    LEFT JOIN LATERAL (
        SELECT f.id, f.properties FROM ({_LAYER_FEATURES} {pick}
    ) AS hit ON true
    """
    params = {**candidates.params(), **_filter_params(None), "layer_id": layer_id, "metres": metres}
    return await _rows(session, sql, params)


async def layers_by_slug(
    session: AsyncSession, slugs: Sequence[str]
) -> dict[str, tuple[uuid.UUID, str]]:
    """Slug -> (id, title) of the visible layers among ``slugs``."""
    if not slugs:
        return {}
    rows = await session.execute(
        text(
            "SELECT slug, id, title FROM reference_layers WHERE slug = ANY(CAST(:slugs AS text[]))"
        ),
        {"slugs": list(slugs)},
    )
    return {row.slug: (row.id, row.title) for row in rows}


async def originals_described(
    session: AsyncSession, ids: Sequence[Any]
) -> list[tuple[Any, dict[str, Any], str | None, str | None]]:
    """Stored observations ``ids`` with their properties and, for a visit of a target, the
    target's title and reference (what a duplicate finding names them by)."""
    query = (
        select(Observation.id, Observation.properties, Target.title, Target.reference)
        .outerjoin(Target, cast(Target.id, Text) == Observation.properties["target"].astext)
        .where(Observation.id.in_(list(ids)))
    )
    return [(row[0], row[1], row[2], row[3]) for row in await session.execute(query)]
