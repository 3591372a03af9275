"""Reference layers: import a file as a layer, replace a slug atomically, list, describe, delete.

An import streams. GDAL reads the source in chunks in a worker thread (layers_source.py), so
the event loop keeps serving; each chunk is COPYed into a staging table while the next one is
read, then one INSERT ... SELECT reprojects to EPSG:4326 and repairs invalid geometries in
PostGIS (layers_repository.py). The features go under a new layer row with no slug; only once
they are all in does the swap delete the old layer of the slug and hand the slug over, in the
caller's transaction: readers see the old layer or the new one, never half of one, and a failed
import leaves the old one as it was. The new layer's place names (app/search) are built before
the swap, so search follows the same version.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import service as campaigns
from app.campaigns.service import licence_url
from app.errors import Conflict, FieldError, NotFound, ValidationFailed
from app.ogc.sources import LAYER_PREFIX
from app.organisations import repository as organisations
from app.quality import layer_owners as owners
from app.quality import layers_repository as repository
from app.quality.layers_repository import StagingRecord
from app.quality.layers_source import LayerSourceError, Source, open_source, read_chunk
from app.quality.models import ReferenceLayer
from app.quality.schemas import (
    LayerImport,
    LayerImportReport,
    LayerOut,
    LayerProperty,
    LayerUseOut,
)
from app.search import service as place_search

DEFAULT_CRS = "EPSG:4326"
# Called after each chunk: (features just staged, features in the source if known).
Progress = Callable[[int, int | None], object]


@dataclass(frozen=True, slots=True)
class SourceCrs:
    label: str  # as given or declared, for the report
    srid: int | None  # when spatial_ref_sys knows it
    proj: str | None  # otherwise: PROJ string or WKT, which PostGIS hands to PROJ


async def ensure_layer(session: AsyncSession, path: Path, options: LayerImport) -> bool:
    """Import the layer ``options.slug`` from ``path`` unless one of that slug exists (a demo or
    a set-up run twice); whether it was imported."""
    if await repository.get_by_slug(session, options.slug) is not None:
        return False
    await import_layer(session, path, options)
    return True


async def import_layer(
    session: AsyncSession,
    path: Path,
    options: LayerImport,
    *,
    name: str | None = None,
    user_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    progress: Progress | None = None,
) -> ReferenceLayer:
    """Import ``path`` as layer ``options.slug`` of ``organisation_id`` (None: shared),
    replacing the layer of that slug; Conflict when another owner's layer holds the slug.

    Flushes only: the caller's transaction makes the new layer visible when it commits.
    Raises LayerSourceError (422) naming what is wrong with the file or the options."""
    started = time.perf_counter()
    source = await asyncio.to_thread(open_source, path, name or path.name, options)
    async with session.begin_nested():  # a failure leaves the session usable and clean
        crs = await resolve_crs(session, source, options)
        new = _new_layer(source, options, user_id)
        new.organisation_id = organisation_id
        layer = await repository.add_layer(session, new)
        await repository.create_staging(session)
        await _stage(session, source, progress)
        counts = await _write_features(session, layer, crs, source.name)
        await repository.drop_staging(session)
        await place_search.index_layer(session, layer.id)
        _record(layer, source, crs, counts, time.perf_counter() - started)
        if not await repository.swap_in(session, layer, options.slug):
            raise Conflict("reference_layer_slug_taken", slug=options.slug)
    return layer


def _new_layer(source: Source, options: LayerImport, user_id: uuid.UUID | None) -> ReferenceLayer:
    schema = [
        LayerProperty(name=name, type=kind).model_dump()
        for name, kind in zip(source.fields, source.kinds, strict=True)
    ]
    return ReferenceLayer(
        id=uuid.uuid4(),
        slug=None,
        title=options.title or source.layer,
        licence=options.licence,
        attribution=options.attribution,
        properties_schema=schema,
        created_by=user_id,
    )


_AUTHORITY_CODE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):(\d+)$")


async def resolve_crs(session: AsyncSession, source: Source, options: LayerImport) -> SourceCrs:
    """The source CRS: the ``crs`` option, else the file's own, else EPSG:4326."""
    given, member = (options.crs, "crs") if options.crs else (source.crs, "file")
    label = (given or DEFAULT_CRS).strip()
    if label.isdigit():
        label = f"EPSG:{label}"
    match = _AUTHORITY_CODE.match(label)
    srid = await repository.srid_for(session, match[1], int(match[2])) if match else None
    if srid is not None:
        return SourceCrs(label, srid, None)
    error = await repository.proj_error(session, label)
    if error is not None:
        raise LayerSourceError("layer_unknown_crs", member, crs=_shorten(label), reason=error)
    return SourceCrs(label, None, label)


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _stage(session: AsyncSession, source: Source, progress: Progress | None) -> None:
    """COPY the source into the staging table, reading the next chunk during each COPY."""
    size = source.chunk_size()
    pending: asyncio.Future[list[StagingRecord]] | None
    pending = asyncio.ensure_future(asyncio.to_thread(read_chunk, source, 0, size))
    staged = 0
    try:
        while pending is not None:
            records = await pending
            staged += len(records)
            pending = None
            if len(records) == size:
                pending = asyncio.ensure_future(asyncio.to_thread(read_chunk, source, staged, size))
            if records:
                await repository.copy_to_staging(session, records)
            if progress is not None:
                progress(len(records), source.feature_count)
    finally:
        if pending is not None:
            pending.cancel()


async def _write_features(
    session: AsyncSession, layer: ReferenceLayer, crs: SourceCrs, name: str
) -> repository.WriteCounts:
    async with geometry_errors_are_the_file_s(session, name):
        counts = await repository.write_features(session, layer.id, crs.srid, crs.proj)
    if counts.extent is not None:
        ensure_lon_lat(counts.extent, crs)
    return counts


@asynccontextmanager
async def geometry_errors_are_the_file_s(session: AsyncSession, name: str) -> AsyncIterator[None]:
    """A savepoint in which PostGIS and PROJ refusing the data (coordinates outside the CRS's
    domain, broken WKB: internal XX000 or data 22xxx errors) is the file's fault (422)."""
    try:
        async with session.begin_nested():
            yield
    except DBAPIError as error:
        sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
        if not sqlstate.startswith(("XX", "22")):
            raise
        reason = str(error.orig).strip().splitlines()[-1]
        raise LayerSourceError("layer_geometry_error", "file", name=name, reason=reason) from error


def ensure_lon_lat(extent: list[float], crs: SourceCrs) -> None:
    """Coordinates read as WGS 84 that are not longitude/latitude: the CRS must be given."""
    if not _is_lon_lat(extent):
        shown = ", ".join(f"{value:.6g}" for value in extent)
        raise LayerSourceError(
            "layer_coordinates_out_of_range", "crs", crs=_shorten(crs.label), extent=shown
        )


def _is_lon_lat(extent: list[float]) -> bool:
    min_x, min_y, max_x, max_y = extent
    return -180.0 <= min_x <= max_x <= 180.0 and -90.0 <= min_y <= max_y <= 90.0


def _record(
    layer: ReferenceLayer,
    source: Source,
    crs: SourceCrs,
    counts: repository.WriteCounts,
    seconds: float,
) -> None:
    """Store what the import found on the layer row: counts, extent, types and the report."""
    layer.feature_count = counts.imported
    layer.extent = counts.extent
    layer.geometry_types = sorted(counts.geometry_types)
    layer.import_report = LayerImportReport(
        features_read=counts.features_read,
        imported=counts.imported,
        repaired=counts.repaired,
        skipped_empty=counts.skipped_empty,
        skipped_unrepairable=counts.skipped_unrepairable,
        geometry_types=counts.geometry_types,
        source_crs=crs.label,
        source_driver=source.driver,
        source_layer=source.layer,
        z_dropped=" Z" in (source.geometry_type or ""),
        seconds=round(seconds, 3),
    ).model_dump()


# --- uploads by owners: into an organisation, or shared ---------------------------------------


async def upload_layer(
    session: AsyncSession,
    user: User,
    path: Path,
    options: LayerImport,
    organisation: str | None,
    name: str | None = None,
) -> ReferenceLayer:
    """Import a layer into ``organisation`` (a slug; None: shared), as ``import_layer``; a
    slug held by a layer of another owner is a Conflict (a slug names one layer everywhere)."""
    owner = await owners.owner_for_upload(session, user, organisation)
    owner_id = owner.id if owner is not None else None
    existing = await repository.get_by_slug(session, options.slug)
    if existing is not None and existing.organisation_id != owner_id:
        raise Conflict("reference_layer_slug_taken", slug=options.slug)
    return await import_layer(
        session, path, options, name=name, user_id=user.id, organisation_id=owner_id
    )


async def layer_to_replace(session: AsyncSession, slug: str, user: User) -> ReferenceLayer:
    """Layer ``slug`` when the user may replace it (NotFound, Forbidden)."""
    layer = await get_layer(session, slug)
    await owners.require_manager(session, user, layer)
    return layer


def replacement_defaults(layer: ReferenceLayer) -> dict[str, str]:
    """A new version keeps the slug, and the title, licence and attribution unless given."""
    assert layer.slug is not None
    return {
        "slug": layer.slug,
        "title": layer.title,
        "licence": layer.licence,
        "attribution": layer.attribution,
    }


async def replace_layer(
    session: AsyncSession,
    user: User,
    layer: ReferenceLayer,
    path: Path,
    options: LayerImport,
    name: str | None = None,
) -> ReferenceLayer:
    """A new version of ``layer`` under its slug, kept by its owner: swapped in atomically, so
    readers see the old or the new, and the rules naming the slug check against the new one."""
    if options.slug != layer.slug:
        raise ValidationFailed(
            [FieldError("/slug", "reference_layer_slug_fixed", {"slug": layer.slug})]
        )
    return await import_layer(
        session, path, options, name=name, user_id=user.id, organisation_id=layer.organisation_id
    )


# --- reading, describing and deleting layers ---------------------------------------------------


async def list_layers(session: AsyncSession) -> list[ReferenceLayer]:
    return await repository.list_layers(session)


async def usable_layers(
    session: AsyncSession, user: User | None, campaign_slug: str | None = None
) -> list[ReferenceLayer]:
    """The layers the user may use in rules; with a campaign, those its rules may use."""
    if campaign_slug is None:
        return await repository.list_layers(
            session, await owners.usable_organisations(session, user)
        )
    campaign = await campaigns.get_campaign(session, campaign_slug, user)
    organisation_ids = {campaign.organisation_id} if campaign.organisation_id else set()
    return await repository.list_layers(session, organisation_ids)


async def get_layer(session: AsyncSession, slug: str) -> ReferenceLayer:
    layer = await repository.get_by_slug(session, slug)
    if layer is None:
        raise NotFound("reference_layer_not_found", slug=slug)
    return layer


async def delete_layer(session: AsyncSession, slug: str, user: User | None = None) -> None:
    """Delete layer ``slug`` and its features (Forbidden unless the user manages it, when
    given); Conflict while a campaign rule checks against it."""
    layer = await get_layer(session, slug)
    if user is not None:
        await owners.require_manager(session, user, layer)
    uses = await repository.rules_using(session, slug)
    if uses:
        error = Conflict(
            "reference_layer_in_use",
            slug=slug,
            count=len(uses),
            rules=", ".join(f"{campaign}/{rule}" for campaign, rule in uses),
        )
        error.extra["usedBy"] = [{"campaign": campaign, "rule": rule} for campaign, rule in uses]
        raise error
    await repository.delete_layer(session, layer)


async def describe_all(
    session: AsyncSession, layers: list[ReferenceLayer], user: User | None, base_url: str
) -> list[LayerOut]:
    """The layers as the API shows them to ``user``: owner, the rules using them (in the
    campaigns the user may see) and whether the user may manage them."""
    owner_ids = {layer.organisation_id for layer in layers if layer.organisation_id is not None}
    slugs = await organisations.slugs_by_id(session, owner_ids) if owner_ids else {}
    uses = await owners.visible_uses(
        session, user, await repository.uses_of(session, [layer.slug or "" for layer in layers])
    )
    described = []
    for layer in layers:
        out = describe(layer, base_url)
        out.organisation = slugs.get(layer.organisation_id) if layer.organisation_id else None
        out.used_by = [
            LayerUseOut(campaign=u.campaign, rule=u.rule) for u in uses if u.layer == layer.slug
        ]
        out.can_manage = await owners.may_manage(session, user, layer)
        described.append(out)
    return described


def describe(layer: ReferenceLayer, base_url: str) -> LayerOut:
    """The layer as the API shows it, with links to itself and to its licence."""
    assert layer.slug is not None, "only layers with a slug are described"
    links = [{"rel": "self", "href": f"{base_url}api/v1/reference-layers/{layer.slug}"}]
    if layer.licence:
        links.append({"rel": "license", "href": licence_url(layer.licence)})
    links.append(
        {
            "rel": "items",
            "type": "application/geo+json",
            "href": f"{base_url}ogc/collections/{LAYER_PREFIX}{layer.slug}/items",
        }
    )
    return LayerOut(
        id=layer.id,
        slug=layer.slug,
        organisation=None,
        title=layer.title,
        description=layer.description,
        licence=layer.licence,
        attribution=layer.attribution,
        feature_count=layer.feature_count,
        extent=layer.extent,
        geometry_types=layer.geometry_types,
        properties_schema=[LayerProperty.model_validate(p) for p in layer.properties_schema],
        import_report=LayerImportReport.model_validate(layer.import_report),
        created_at=layer.created_at,
        updated_at=layer.updated_at,
        links=links,
    )
