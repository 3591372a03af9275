"""SQL of reference layers: staging by COPY, reprojection and repair in PostGIS, the slug swap.

The import writes each chunk of features into a temporary staging table with COPY (binary,
through the asyncpg connection of the session, so inside its transaction), then one
``INSERT ... SELECT`` reprojects to EPSG:4326, repairs invalid geometries and counts what it
did. Nothing here formats user input into SQL: CRS texts, slugs and ids are bound parameters.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign, CampaignMember
from app.organisations.models import OrganisationMember
from app.quality.models import QualityRule, ReferenceLayer

STAGING_TABLE = "reference_import_staging"
# (source id, properties as UTF-8 JSON, geometry as WKB or None, rewritten on reading: the
# reader mended WKB that PostGIS could not parse, which counts as a repair)
StagingRecord = tuple[str | None, bytes, bytes | None, bool]
STAGING_COLUMNS = ("source_id", "properties", "wkb", "mended")

_CREATE_STAGING = text(
    f"CREATE TEMPORARY TABLE {STAGING_TABLE} (source_id text, properties bytea NOT NULL, "
    "wkb bytea, mended boolean NOT NULL) ON COMMIT DROP"
)
_DROP_STAGING = text(f"DROP TABLE IF EXISTS {STAGING_TABLE}")

# Stages, each computed once: reproject (by SRID, or by PROJ/WKT text when the source CRS has
# no code PostGIS knows), check, repair. A repair keeps the parts of the source's own dimension
# (a polygon stays polygonal: stray lines from ST_MakeValid go) and unwraps a one-part Multi*
# back into a single geometry, so sources keep their types. Properties arrive as UTF-8 bytes.
_INSERT_FROM_STAGING = text(f"""
WITH projected AS MATERIALIZED (
    SELECT source_id, convert_from(properties, 'UTF8')::jsonb AS properties, mended,
           CASE WHEN CAST(:srid AS integer) IS NULL
                THEN ST_Transform(ST_GeomFromWKB(wkb), CAST(:proj AS text), 4326)
                ELSE ST_Transform(ST_GeomFromWKB(wkb, CAST(:srid AS integer)), 4326)
           END AS geom
    FROM {STAGING_TABLE}
), checked AS MATERIALIZED (
    SELECT source_id, properties, geom,
           coalesce(ST_IsEmpty(geom), true) AND NOT mended AS empty,
           coalesce(NOT ST_IsValid(geom), false) OR mended AS invalid
    FROM projected
), fixed AS MATERIALIZED (
    SELECT source_id, properties, empty, invalid,
           CASE WHEN empty OR NOT invalid THEN geom ELSE (
               SELECT CASE WHEN ST_NumGeometries(part) = 1 AND NOT ST_IsCollection(geom)
                           THEN ST_GeometryN(part, 1) ELSE part END
               FROM (SELECT CASE WHEN ST_GeometryType(geom) = 'ST_GeometryCollection'
                                 THEN ST_MakeValid(geom)
                                 ELSE ST_CollectionExtract(ST_MakeValid(geom),
                                                           ST_Dimension(geom) + 1)
                            END AS part) AS made
           ) END AS geom
    FROM checked
), kept AS MATERIALIZED (
    SELECT source_id, properties, invalid, geom FROM fixed
    WHERE NOT empty AND NOT coalesce(ST_IsEmpty(geom), true)
), inserted AS (
    INSERT INTO reference_features (layer_id, source_id, properties, geom)
    SELECT CAST(:layer_id AS uuid), source_id, properties, geom FROM kept
    RETURNING 1
)
SELECT (SELECT count(*) FROM fixed) AS features_read,
       (SELECT count(*) FROM inserted) AS imported,
       (SELECT count(*) FROM kept WHERE invalid) AS repaired,
       (SELECT count(*) FROM fixed WHERE empty) AS skipped_empty,
       (SELECT count(*) FROM fixed WHERE invalid) - (SELECT count(*) FROM kept WHERE invalid)
           AS skipped_unrepairable,
       (SELECT coalesce(jsonb_object_agg(type, n), '{{}}'::jsonb) FROM (
            SELECT substr(ST_GeometryType(geom), 4) AS type, count(*) AS n FROM kept GROUP BY 1
       ) AS types) AS geometry_types,
       (SELECT ARRAY[ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)]
        FROM (SELECT ST_Extent(geom) AS box FROM kept) AS extent) AS extent
""")


@dataclass(frozen=True, slots=True)
class WriteCounts:
    """What one INSERT ... SELECT from the staging table did."""

    features_read: int
    imported: int
    repaired: int
    skipped_empty: int
    skipped_unrepairable: int
    geometry_types: dict[str, int]
    extent: list[float] | None


async def _asyncpg_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, in the session's transaction."""
    raw = await (await session.connection()).get_raw_connection()
    return raw.driver_connection


async def create_staging(session: AsyncSession) -> None:
    await session.execute(_DROP_STAGING)
    await session.execute(_CREATE_STAGING)


async def drop_staging(session: AsyncSession) -> None:
    await session.execute(_DROP_STAGING)


async def copy_to_staging(session: AsyncSession, records: Sequence[StagingRecord]) -> None:
    connection = await _asyncpg_connection(session)
    await connection.copy_records_to_table(STAGING_TABLE, records=records, columns=STAGING_COLUMNS)


async def write_features(
    session: AsyncSession, layer_id: uuid.UUID, srid: int | None, proj: str | None
) -> WriteCounts:
    """Move the staged features into reference_features under ``layer_id`` (see the SQL)."""
    row = (
        await session.execute(
            _INSERT_FROM_STAGING, {"layer_id": layer_id, "srid": srid, "proj": proj}
        )
    ).one()
    return WriteCounts(
        features_read=row.features_read,
        imported=row.imported,
        repaired=row.repaired,
        skipped_empty=row.skipped_empty,
        skipped_unrepairable=row.skipped_unrepairable,
        geometry_types=dict(row.geometry_types),
        extent=list(row.extent) if row.extent and row.extent[0] is not None else None,
    )


async def srid_for(session: AsyncSession, authority: str, code: int) -> int | None:
    """The SRID PostGIS knows for ``authority:code`` (EPSG:2154 -> 2154), if any."""
    return await session.scalar(
        text(
            "SELECT srid FROM spatial_ref_sys "
            "WHERE upper(auth_name) = upper(:authority) AND auth_srid = :code "
            "ORDER BY srid LIMIT 1"
        ),
        {"authority": authority, "code": code},
    )


async def proj_error(session: AsyncSession, proj: str) -> str | None:
    """None when PROJ understands ``proj`` (PROJ string, WKT, AUTH:CODE), else its error."""
    # An empty point makes PostGIS parse the CRS without transforming anything.
    statement = text("SELECT ST_Transform('POINT EMPTY'::geometry, CAST(:proj AS text), 4326)")
    try:
        async with session.begin_nested():
            await session.execute(statement, {"proj": proj})
    except DBAPIError as error:
        return str(error.orig).strip().splitlines()[-1]
    return None


async def add_layer(session: AsyncSession, layer: ReferenceLayer) -> ReferenceLayer:
    session.add(layer)
    await session.flush()
    return layer


async def swap_in(session: AsyncSession, layer: ReferenceLayer, slug: str) -> bool:
    """Delete the layer that holds ``slug`` (its features cascade) and give ``slug`` to
    ``layer``, keeping the old creation date; False (nothing done) when the slug is held by
    a layer of another owner. Concurrent imports of one slug queue here."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"reference_layers.slug:{slug}"},
    )
    created_at = await session.scalar(
        delete(ReferenceLayer)
        .where(
            ReferenceLayer.slug == slug,
            ReferenceLayer.organisation_id.is_not_distinct_from(layer.organisation_id),
        )
        .returning(ReferenceLayer.created_at)
    )
    if created_at is None and await get_by_slug(session, slug) is not None:
        return False
    values: dict[str, Any] = {"slug": slug, "updated_at": func.now()}
    if created_at is not None:
        values["created_at"] = created_at
    await session.execute(
        update(ReferenceLayer).where(ReferenceLayer.id == layer.id).values(**values)
    )
    await session.refresh(layer)
    return True


async def get_by_slug(session: AsyncSession, slug: str) -> ReferenceLayer | None:
    return await session.scalar(select(ReferenceLayer).where(ReferenceLayer.slug == slug))


async def list_layers(
    session: AsyncSession, organisation_ids: set[uuid.UUID] | None = None
) -> list[ReferenceLayer]:
    """Layers with a slug (those still being built, slug NULL, are not shown): all of them, or
    the shared ones and those of ``organisation_ids`` when given."""
    query = select(ReferenceLayer).where(ReferenceLayer.slug.is_not(None))
    if organisation_ids is not None:
        query = query.where(
            ReferenceLayer.organisation_id.is_(None)
            | ReferenceLayer.organisation_id.in_(organisation_ids)
        )
    return list(await session.scalars(query.order_by(ReferenceLayer.slug)))


async def usable_organisation_ids(session: AsyncSession, user_id: uuid.UUID) -> set[uuid.UUID]:
    """Organisations whose layers the user may use: theirs, and those of campaigns they own."""
    member = select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user_id)
    owner = (
        select(Campaign.organisation_id)
        .join(CampaignMember, CampaignMember.campaign_id == Campaign.id)
        .where(
            CampaignMember.user_id == user_id,
            CampaignMember.role == "owner",
            Campaign.organisation_id.is_not(None),
        )
    )
    return set(await session.scalars(member.union(owner)))


async def owners_by_slug(
    session: AsyncSession, slugs: Sequence[str]
) -> dict[str, uuid.UUID | None]:
    """Slug -> owning organisation (None: shared) of the layers among ``slugs``."""
    if not slugs:
        return {}
    rows = await session.execute(
        select(ReferenceLayer.slug, ReferenceLayer.organisation_id).where(
            ReferenceLayer.slug.in_(list(slugs))
        )
    )
    return {row[0]: row[1] for row in rows if row[0] is not None}


@dataclass(frozen=True, slots=True)
class LayerUse:
    """A quality rule that checks against a layer, and its campaign."""

    layer: str
    campaign_id: uuid.UUID
    campaign: str
    status: str
    rule: str


async def uses_of(session: AsyncSession, slugs: Sequence[str]) -> list[LayerUse]:
    """The rules naming any of the layers ``slugs``, by campaign then position."""
    if not slugs:
        return []
    layer = QualityRule.params["layer"].astext
    rows = await session.execute(
        select(layer, Campaign.id, Campaign.slug, Campaign.status, QualityRule.name)
        .join(Campaign, Campaign.id == QualityRule.campaign_id)
        .where(layer.in_(list(slugs)))
        .order_by(Campaign.slug, QualityRule.position)
    )
    return [LayerUse(*row) for row in rows]


async def rules_using(session: AsyncSession, slug: str) -> list[tuple[str, str]]:
    """(campaign slug, rule name) of the quality rules that check against layer ``slug``."""
    rows = await session.execute(
        select(Campaign.slug, QualityRule.name)
        .join(Campaign, Campaign.id == QualityRule.campaign_id)
        .where(QualityRule.params["layer"].astext == slug)
        .order_by(Campaign.slug, QualityRule.position)
    )
    return [(row[0], row[1]) for row in rows]


async def delete_layer(session: AsyncSession, layer: ReferenceLayer) -> None:
    await session.delete(layer)
    await session.flush()
