"""Serving benchmark: OGC API items and vector tiles of Relevé against the PostGIS floor, tipg
and pygeoapi, on the same data in the same run.

One run starts a throwaway embedded PostGIS (durable unless --fast), COPYs --points point
observations (gaussian clusters around 20 French cities) into a published campaign and
--polygons small polygons into a second one, VACUUM ANALYZEs, then measures one system at a
time, on the same tables:

1. the floor: the same answers built by PostGIS alone (json_agg, json_build_object,
   ST_AsGeoJSON; ST_AsMVT with Relevé's rows, cap and attributes), timed with asyncpg;
2. Relevé, the real app under uvicorn (one worker, no webhook worker), first with campaigns
   that have no area (their extent is then computed from the observations), then the same
   campaigns given an area (metropolitan France);
3. tipg and pygeoapi (bench/peers.py), serving views of the same rows;
4. the floor again, to see how much the machine drifted.

Cases: a bbox holding about 1,000 published points with limit=1000 (one client: p50/p99; 8
concurrent clients: requests/s), the first 10,000 points (limit=10000: bytes/s), a z12 and a z8
tile of the points, a z12 and a z14 tile of the polygons (latency and size). HTTP load comes
from wrk (installed with apt-get when missing, as root), else from a Python load generator.
With --profile, Relevé's requests are also run in-process and each step is timed.

Usage: .venv/bin/python bench/serve.py [--points N] [--polygons N] [--duration S] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import asyncpg
import httpx
import numpy as np
import orjson
import peers
import uvloop
from common import (
    Load,
    count_mvt_features,
    describe_machine,
    describe_server,
    ensure_wrk,
    python_load,
    serve_app,
    wrk_load,
    wrk_version,
)
from ingest import FIELDS, SPECIES, _timer

from app.auth import service as auth
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.campaigns.schemas import CampaignCreate, CampaignUpdate
from app.db import migrate
from app.db.embedded import EmbeddedPostgres, install_signal_handlers
from app.db.session import Database, create_engine
from app.ogc import tiles as releve_tiles

POINTS, POLYGONS = "bench-points", "bench-polygons"
# (name, longitude, latitude): the 20 largest French cities, an equal share of points each.
CITIES = (
    ("Paris", 2.3522, 48.8566), ("Marseille", 5.3698, 43.2965), ("Lyon", 4.8357, 45.7640),
    ("Toulouse", 1.4442, 43.6045), ("Nice", 7.2620, 43.7102), ("Nantes", -1.5536, 47.2184),
    ("Montpellier", 3.8767, 43.6108), ("Strasbourg", 7.7521, 48.5734),
    ("Bordeaux", -0.5792, 44.8378), ("Lille", 3.0573, 50.6292), ("Rennes", -1.6778, 48.1173),
    ("Reims", 4.0317, 49.2583), ("Toulon", 5.9280, 43.1242), ("Saint-Étienne", 4.3872, 45.4397),
    ("Le Havre", 0.1079, 49.4944), ("Grenoble", 5.7245, 45.1885), ("Dijon", 5.0415, 47.3220),
    ("Angers", -0.5632, 47.4784), ("Nîmes", 4.3601, 43.8367), ("Villeurbanne", 4.8798, 45.7719),
)  # fmt: skip
SPREAD_DEG = 0.05  # standard deviation of latitudes around a city centre (about 5.5 km)
FRANCE_RING = [[-5.2, 41.3], [9.6, 41.3], [9.6, 51.1], [-5.2, 51.1], [-5.2, 41.3]]
FRANCE = {"type": "Polygon", "coordinates": [FRANCE_RING]}  # metropolitan France, roughly
BUILDING_USES = ("house", "apartments", "school", "shop", "shed")
FIRST_CREATED = datetime(2025, 1, 1, tzinfo=UTC)
TARGET_BBOX_FEATURES = 1_000
LARGE_LIMIT = 10_000
POINT_ZOOMS, POLYGON_ZOOMS = (12, 8), (12, 14)
CHUNK = 100_000
REQUEST_TIMEOUT_S = 120
COPY_COLUMNS = ("id", "campaign_id", "geom", "properties", "observed_at", "accuracy_m",
                "created_by", "status", "version", "submission_hash", "created_at", "updated_at",
                "quality_score")  # fmt: skip


# --- data: COPY straight into the observations table ------------------------------------------


@dataclass(slots=True, frozen=True)
class Fixtures:
    user_id: uuid.UUID
    points_id: uuid.UUID
    polygons_id: uuid.UUID
    statuses: tuple[str, ...]  # published by both campaigns' policy


async def create_campaigns(url: str) -> Fixtures:
    """An admin and two open (hence published) campaigns without an area, by the app's services."""
    polygon_fields = [
        {"name": "usage", "type": "choice", "label": {"fr": "Usage", "en": "Use"},
         "choices": [{"value": v, "label": {"fr": v, "en": v}} for v in BUILDING_USES]},
        {"name": "levels", "type": "integer", "label": {"fr": "Niveaux", "en": "Levels"},
         "minimum": 0},
    ]  # fmt: skip
    plans = {POINTS: (["Point"], FIELDS), POLYGONS: (["Polygon"], polygon_fields)}
    database = Database(create_engine(url, pool_size=1))
    ids = {}
    try:
        async with database.session() as session:
            user = await auth.create_user(session, "bench-admin", None, is_admin=True)
            for slug, (types, fields) in plans.items():
                body = {"slug": slug, "title": slug, "geometry_types": types, "fields": fields,
                        "status": "open", "licence": "etalab-2.0"}  # fmt: skip
                data = CampaignCreate.model_validate(body)
                campaign = await campaigns.create_campaign(session, data, user)
                ids[slug] = campaign.id
            statuses = campaigns.published_statuses(campaign)
            await session.commit()
    finally:
        await database.dispose()
    return Fixtures(user.id, ids[POINTS], ids[POLYGONS], statuses)


async def give_campaigns_an_area(url: str, fixtures: Fixtures) -> None:
    """Metropolitan France as both campaigns' area, by the app's service."""
    database = Database(create_engine(url, pool_size=1))
    try:
        async with database.session() as session:
            for campaign_id in (fixtures.points_id, fixtures.polygons_id):
                campaign = await session.get(Campaign, campaign_id)
                assert campaign is not None
                await campaigns.update_campaign(session, campaign, CampaignUpdate(area=FRANCE))
            await session.commit()
    finally:
        await database.dispose()


def _around_cities(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    city = rng.integers(0, len(CITIES), count)
    centre_lon = np.array([c[1] for c in CITIES])[city]
    centre_lat = np.array([c[2] for c in CITIES])[city]
    lat = centre_lat + rng.normal(0, SPREAD_DEG, count)
    lon = centre_lon + rng.normal(0, SPREAD_DEG, count) / np.cos(np.radians(centre_lat))
    return lon, lat


def _common_columns(rng: np.random.Generator, count: int, start: int, total: int) -> list[Any]:
    """Ids, statuses (2 % rejected, hence not published) and creation times in insertion
    order over a year (the heap is in created_at order, as when rows arrive over time)."""
    raw = rng.bytes(16 * count)
    ids = [uuid.UUID(bytes=raw[i * 16 : i * 16 + 16], version=4) for i in range(count)]
    draw = rng.random(count)
    statuses = np.where(draw < 0.02, "rejected", np.where(draw < 0.2, "validated", "pending"))
    step = 365 * 86400 / total
    created = [FIRST_CREATED + timedelta(seconds=(start + i) * step) for i in range(count)]
    hashes = rng.bytes(32 * count)
    return [ids, statuses.tolist(), created, [hashes[i * 32 : i * 32 + 32] for i in range(count)]]


def point_chunks(count: int, seed: int, fixtures: Fixtures) -> Iterator[list[tuple[Any, ...]]]:
    """COPY records of the points, CHUNK at a time; answers like the ingest benchmark's."""
    rng = np.random.default_rng(seed)
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        lon, lat = _around_cities(rng, size)
        ids, statuses, created, hashes = _common_columns(rng, size, start, count)
        species, trunks = rng.integers(0, len(SPECIES), size), rng.integers(1, 5, size)
        height, health = np.round(rng.uniform(1, 35, size), 1), rng.integers(0, 3, size)
        remarkable, accuracy = rng.random(size) < 0.05, np.round(rng.uniform(2, 15, size), 1)
        rows = []
        for i in range(size):
            values = {"species": SPECIES[species[i]], "height_m": float(height[i]),
                      "trunks": int(trunks[i]), "health": ("good", "fair", "poor")[health[i]],
                      "remarkable": bool(remarkable[i])}  # fmt: skip
            geom = struct.pack("<BIIdd", 1, 0x20000001, 4326, lon[i], lat[i])
            rows.append(_row(ids[i], fixtures.points_id, geom, values, created[i],
                             float(accuracy[i]), fixtures.user_id, statuses[i],
                             hashes[i]))  # fmt: skip
        yield rows


def polygon_chunks(count: int, seed: int, fixtures: Fixtures) -> Iterator[list[tuple[Any, ...]]]:
    """COPY records of rotated rectangles of 8-40 by 8-25 m (buildings) around the cities."""
    rng = np.random.default_rng(seed)
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        lon, lat = _around_cities(rng, size)
        ids, statuses, created, hashes = _common_columns(rng, size, start, count)
        width, depth = rng.uniform(8, 40, size), rng.uniform(8, 25, size)
        angle = rng.uniform(0, math.pi, size)
        use, levels = rng.integers(0, len(BUILDING_USES), size), rng.integers(0, 8, size)
        rows = []
        for i in range(size):
            geom = _rectangle(lon[i], lat[i], width[i], depth[i], angle[i])
            values = {"usage": BUILDING_USES[use[i]], "levels": int(levels[i])}
            rows.append(_row(ids[i], fixtures.polygons_id, geom, values, created[i], None,
                             fixtures.user_id, statuses[i], hashes[i]))  # fmt: skip
        yield rows


def _rectangle(lon: float, lat: float, width: float, depth: float, angle: float) -> bytes:
    """EWKB of a width x depth metres rectangle centred on lon/lat, turned by ``angle``."""
    metres_lon = 111_320.0 * math.cos(math.radians(lat))
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)]
    coordinates = []
    for sx, sy in corners:
        x, y = sx * width / 2, sy * depth / 2
        coordinates += [lon + (x * cos_a - y * sin_a) / metres_lon,
                        lat + (x * sin_a + y * cos_a) / 110_574.0]  # fmt: skip
    return struct.pack("<BIIII10d", 1, 0x20000003, 4326, 1, 5, *coordinates)


def _row(observation_id: uuid.UUID, campaign_id: uuid.UUID, geom: bytes, values: dict[str, Any],
         created: datetime, accuracy: float | None, user_id: uuid.UUID, status: str,
         digest: bytes) -> tuple[Any, ...]:  # fmt: skip
    observed, score = created - timedelta(hours=2), 0.5 if status == "rejected" else 1.0
    return (observation_id, campaign_id, geom, orjson.dumps(values).decode(), observed, accuracy,
            user_id, status, 1, digest, created, created, score)  # fmt: skip


async def build_data(dsn: str, fixtures: Fixtures, args: argparse.Namespace) -> dict[str, float]:
    """COPY both campaigns' rows, then VACUUM ANALYZE and CHECKPOINT; seconds per step."""
    steps = {
        f"COPY {args.points:,} points": point_chunks(args.points, args.seed, fixtures),
        f"COPY {args.polygons:,} polygons": polygon_chunks(args.polygons, args.seed + 1, fixtures),
    }
    seconds: dict[str, float] = {}
    connection = await connect(dsn)
    try:
        for name, chunks in steps.items():
            start = time.perf_counter()
            for rows in chunks:
                await connection.copy_records_to_table(
                    "observations", records=rows, columns=COPY_COLUMNS
                )
            seconds[name] = time.perf_counter() - start
            print(f"  {name}: {seconds[name]:.1f} s", file=sys.stderr)
        start = time.perf_counter()
        # Hint bits and the visibility map are set once here, so that no reader pays for them.
        await connection.execute("VACUUM (ANALYZE) observations")
        await connection.execute("CHECKPOINT")
        seconds["VACUUM (ANALYZE) and CHECKPOINT"] = time.perf_counter() - start
    finally:
        await connection.close()
    return seconds


async def connect(dsn: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(dsn, command_timeout=REQUEST_TIMEOUT_S)
    await connection.set_type_codec(
        "geometry", schema="public", encoder=bytes, decoder=bytes, format="binary"
    )
    return connection


# --- what is asked: the bbox and the tiles ---------------------------------------------------


@dataclass(slots=True, frozen=True)
class TileAddress:
    z: int
    x: int
    y: int

    @classmethod
    def containing(cls, lon: float, lat: float, z: int) -> TileAddress:
        n = 1 << z
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return cls(z, int((lon + 180) / 360 * n), int(y))

    @property
    def path(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"


@dataclass(slots=True, frozen=True)
class Targets:
    bbox: tuple[float, float, float, float]
    bbox_features: int
    centre: tuple[float, float]

    @property
    def bbox_text(self) -> str:
        return ",".join(f"{value:.6f}" for value in self.bbox)


async def choose_targets(dsn: str, fixtures: Fixtures) -> Targets:
    """A square around Paris's centre holding about 1,000 published points (bisection)."""
    _, lon, lat = CITIES[0]
    count_sql = """SELECT count(*) FROM observations WHERE campaign_id = $1
                   AND status = ANY($2) AND geom && ST_MakeEnvelope($3, $4, $5, $6, 4326)"""
    connection = await connect(dsn)
    try:
        low, high = 0.0, 0.1
        for _ in range(40):
            half = (low + high) / 2
            across = half / math.cos(math.radians(lat))
            box = (lon - across, lat - half, lon + across, lat + half)
            count = await connection.fetchval(count_sql, fixtures.points_id,
                                              list(fixtures.statuses), *box)  # fmt: skip
            if 0.97 * TARGET_BBOX_FEATURES <= count <= TARGET_BBOX_FEATURES:
                break
            low, high = (half, high) if count < TARGET_BBOX_FEATURES else (low, half)
    finally:
        await connection.close()
    return Targets(box, count, (lon, lat))


# --- the floor: the same answers from PostGIS alone -------------------------------------------

# The members Relevé publishes for the points campaign, in its order (app/ogc/sources.py).
FLOOR_PROPERTIES = """json_build_object(
    'species', p.properties->'species', 'height_m', p.properties->'height_m',
    'trunks', p.properties->'trunks', 'health', p.properties->'health',
    'remarkable', p.properties->'remarkable', 'observed_at', p.observed_at,
    'accuracy_m', p.accuracy_m, 'status', p.status, 'created_at', p.created_at,
    'updated_at', p.updated_at, 'quality_score', p.quality_score, 'version', p.version)"""
FLOOR_COLLECTION = f"""
SELECT json_build_object(
    'type', 'FeatureCollection', 'numberReturned', count(*),
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', p.id, 'geometry', ST_AsGeoJSON(p.geom, 7)::json,
        'properties', {FLOOR_PROPERTIES}) ORDER BY p.created_at, p.id), '[]'))::text
FROM (
    SELECT * FROM observations WHERE campaign_id = $1 AND status = ANY($2) {{where}}
    ORDER BY created_at, id LIMIT $3
) AS p
"""
FLOOR_BBOX = FLOOR_COLLECTION.format(
    where="AND geom && ST_MakeEnvelope($4, $5, $6, $7, 4326) "
    "AND ST_Intersects(geom, ST_MakeEnvelope($4, $5, $6, $7, 4326))"
)
FLOOR_FIRST_PAGE = FLOOR_COLLECTION.format(where="")
# Relevé's tile (app/ogc/tiles.py): the same rows, cap, order, simplification and attributes,
# the attributes as plain columns. $1 campaign, $2 statuses, $3-$5 z/x/y, $6-$9 filter box,
# $10 cap, $11 simplification tolerance (m), $12 layer name.
FLOOR_TILE = """
WITH features AS (
    SELECT ST_AsMVTGeom(CASE WHEN $11::float8 > 0 THEN ST_Simplify(ST_Transform(o.geom, 3857), $11)
                             ELSE ST_Transform(o.geom, 3857) END,
                        ST_TileEnvelope($3, $4, $5), 4096, 64, true) AS geom,
           o.id::text AS id, {attributes}
    FROM observations AS o
    WHERE o.campaign_id = $1 AND o.status = ANY($2)
      AND o.geom && ST_MakeEnvelope($6, $7, $8, $9, 4326)
    ORDER BY o.id LIMIT $10
)
SELECT ST_AsMVT(features, $12, 4096, 'geom') FROM features
"""
_COLUMN_TYPES = {"trunks": "int", "levels": "int", "height_m": "float8", "remarkable": "boolean"}


def floor_tile_sql(attributes: Sequence[str]) -> str:
    columns = [
        "o.status" if name == "status"
        else f"(o.properties->>'{name}')::{_COLUMN_TYPES.get(name, 'text')} AS {name}"
        for name in attributes
    ]  # fmt: skip
    return FLOOR_TILE.format(attributes=", ".join(columns))


@dataclass(slots=True, frozen=True)
class Case:
    """One request of the benchmark, as each system spells it (None: not asked of it)."""

    key: str
    title: str
    floor_sql: str
    floor_args: tuple[Any, ...]
    paths: dict[str, str | None]  # system kind ("releve", "tipg", "pygeoapi") -> path
    concurrent: bool = False  # also measured with --clients concurrent clients
    mvt: bool = False


async def tile_plan(url: str, slug: str, tile: TileAddress) -> Any:
    """What Relevé puts in this tile (rows, cap, attributes, simplification), asked of the app."""
    from app.ogc import service

    database = Database(create_engine(url, pool_size=1))
    try:
        async with database.session() as session:
            collection = await service.get_collection(session, slug)
    finally:
        await database.dispose()
    return releve_tiles.tile_query(collection, releve_tiles.Tile(tile.z, tile.x, tile.y))


async def build_cases(url: str, fixtures: Fixtures, targets: Targets) -> list[Case]:
    statuses, bbox = list(fixtures.statuses), targets.bbox_text
    schema = peers.SCHEMA
    cases = [
        Case("bbox", f"bbox holding {targets.bbox_features:,} points, limit=1000", FLOOR_BBOX,
             (fixtures.points_id, statuses, 1000, *targets.bbox),
             {"releve": f"/ogc/collections/{POINTS}/items?bbox={bbox}&limit=1000",
              "tipg": f"/collections/{schema}.points/items?bbox={bbox}&limit=1000&f=geojson",
              "pygeoapi": f"/collections/points/items?bbox={bbox}&limit=1000&f=json"},
             concurrent=True),
        Case("large", f"first {LARGE_LIMIT:,} points, limit={LARGE_LIMIT}", FLOOR_FIRST_PAGE,
             (fixtures.points_id, statuses, LARGE_LIMIT),
             {"releve": f"/ogc/collections/{POINTS}/items?limit={LARGE_LIMIT}",
              "tipg": f"/collections/{schema}.points/items?limit={LARGE_LIMIT}&f=geojson",
              "pygeoapi": f"/collections/points/items?limit={LARGE_LIMIT}&f=json"}),
    ]  # fmt: skip
    plans = ((POINTS, "points", fixtures.points_id, POINT_ZOOMS),
             (POLYGONS, "polygons", fixtures.polygons_id, POLYGON_ZOOMS))  # fmt: skip
    for slug, view, campaign_id, zooms in plans:
        for zoom in zooms:
            tile = TileAddress.containing(*targets.centre, zoom)
            plan = await tile_plan(url, slug, tile)
            args = (campaign_id, statuses, tile.z, tile.x, tile.y, *plan.filter_box,
                    plan.feature_cap, plan.simplify_m, slug)  # fmt: skip
            sql = floor_tile_sql([prop.name for prop in plan.properties])
            paths: dict[str, str | None] = {
                "releve": f"/ogc/collections/{slug}/tiles/WebMercatorQuad/{tile.path}",
                "tipg": f"/collections/{schema}.{view}/tiles/WebMercatorQuad/{tile.path}",
            }
            title = f"{view} tile z{tile.z} ({tile.path})"
            cases.append(Case(f"{view}-z{zoom}", title, sql, args, paths, mvt=True))
    return cases


# --- measuring --------------------------------------------------------------------------------


@dataclass(slots=True)
class Figures:
    """One system's answers to one case."""

    size: int  # bytes of the answer's body
    items: int | None  # features in it
    single: Load
    concurrent: Load | None = None


@dataclass(slots=True)
class Outcome:
    system: str
    kind: str  # floor, releve, tipg, pygeoapi
    figures: dict[str, Figures] = field(default_factory=dict)
    error: str | None = None


def count_items(body: bytes, mvt: bool) -> int | None:
    if mvt:
        return count_mvt_features(body)
    try:
        features = orjson.loads(body).get("features")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return len(features) if isinstance(features, list) else None


def _summary(figures: Figures) -> str:
    text = (f"{figures.size:,} B, {figures.items} items, p50 {figures.single.p50 * 1000:.1f} ms, "
            f"{figures.single.rate:.1f} req/s")  # fmt: skip
    if figures.concurrent:
        text += f", {figures.concurrent.rate:.1f} req/s with concurrent clients"
    return text


async def _timed(
    call: Callable[[int], Awaitable[bool]], clients: int, args: argparse.Namespace
) -> Load:
    await python_load(call, clients, args.warmup, args.max_requests)
    return await python_load(call, clients, args.duration, args.max_requests)


async def measure_floor(dsn: str, cases: list[Case], args: argparse.Namespace) -> Outcome:
    """Each case's statement with asyncpg: one connection, then --clients connections
    (PostgreSQL's default settings: the floor is the database's best)."""
    outcome = Outcome("floor: PostGIS alone (asyncpg)", "floor")
    connections = [await connect(dsn) for _ in range(args.clients)]
    try:
        for case in cases:
            answer = await connections[0].fetchval(case.floor_sql, *case.floor_args)
            body = answer if isinstance(answer, bytes) else (answer or "").encode()

            async def call(worker: int, case: Case = case) -> bool:
                await connections[worker].fetchval(case.floor_sql, *case.floor_args)
                return True

            figures = Figures(len(body), count_items(body, case.mvt), await _timed(call, 1, args))
            if case.concurrent:
                figures.concurrent = await _timed(call, args.clients, args)
            outcome.figures[case.key] = figures
            print(f"  floor {case.key}: {_summary(figures)}", file=sys.stderr)
    finally:
        for connection in connections:
            await connection.close()
    return outcome


async def measure_http(
    outcome: Outcome, base_url: str, cases: list[Case], args: argparse.Namespace, wrk: str | None
) -> Outcome:
    """Each case this kind of system answers: one client, then --clients for some."""
    headers = {"Accept-Encoding": "identity", "Accept": "application/json"}
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_S, limits=limits
    ) as client:
        for case in cases:
            path = case.paths.get(outcome.kind)
            if path is None:
                continue
            response = await client.get(path)
            if response.status_code not in (200, 204):
                print(f"  {outcome.system} {case.key}: HTTP {response.status_code} "
                      f"{response.text[:300]}", file=sys.stderr)  # fmt: skip
                continue
            body = response.content
            single = await _http_load(client, base_url + path, 1, args, wrk)
            figures = Figures(len(body), count_items(body, case.mvt), single)
            if case.concurrent:
                figures.concurrent = await _http_load(client, base_url + path, args.clients,
                                                      args, wrk)  # fmt: skip
            outcome.figures[case.key] = figures
            print(f"  {outcome.system} {case.key}: {_summary(figures)}", file=sys.stderr)
    return outcome


async def _http_load(
    client: httpx.AsyncClient, url: str, clients: int, args: argparse.Namespace, wrk: str | None
) -> Load:
    if wrk is not None:
        await asyncio.to_thread(wrk_load, wrk, url, clients, args.warmup)
        return await asyncio.to_thread(wrk_load, wrk, url, clients, args.duration)

    async def call(worker: int) -> bool:
        return (await client.get(url)).status_code in (200, 204)

    return await _timed(call, clients, args)


async def measure_peers(
    args: argparse.Namespace, postgres: EmbeddedPostgres, fixtures: Fixtures, cases: list[Case],
    workdir: Path, wrk: str | None,
) -> tuple[list[Outcome], str]:  # fmt: skip
    """tipg, then pygeoapi; a peer that cannot be installed or started is reported, not fatal."""
    python, versions = await asyncio.to_thread(peers.install, args.peers_venv)
    names = {"tipg": "tipg (1 uvicorn worker)", "pygeoapi": "pygeoapi (1 uvicorn worker)"}
    if python is None:
        return [Outcome(name, kind, error=versions) for kind, name in names.items()], "none"
    await peers.create_views(postgres.dsn(), fixtures.points_id, fixtures.polygons_id,
                             fixtures.statuses)  # fmt: skip
    servers = {
        "tipg": lambda: peers.serve_tipg(python, postgres.dsn(), workdir),
        "pygeoapi": lambda: peers.serve_pygeoapi(python, postgres.port, workdir),
    }
    outcomes = []
    for kind, name in names.items():
        outcome = Outcome(name, kind)
        try:
            with servers[kind]() as base_url:
                await measure_http(outcome, base_url, cases, args, wrk)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            stderr = getattr(error, "stderr", None) or b""
            detail = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
            outcome.error = f"{error} {detail[-1500:]}".strip()
        outcomes.append(outcome)
    return outcomes, versions


# --- profile: Relevé's requests, step by step, in-process --------------------------------------

PROFILE_REQUESTS = 10
REQUEST = "whole request (in-process, httpx.ASGITransport)"
REST = "rest: FastAPI, routing, dependencies, ASGI, pool"
# (module, attribute, label): the app's own functions, wrapped with timers for the profile only;
# "… " marks a step inside the one above it.
PROBES: tuple[tuple[str, str, str], ...] = (
    ("app.ogc.service", "get_collection", "collection lookup (service.get_collection)"),
    ("app.ogc.repository", "published_campaigns", "… the campaign row (SQL)"),
    ("app.ogc.repository", "campaign_extras", "… its extent (SQL)"),
    ("app.ogc.repository", "derived_names", "… its enrich rules' property names (SQL)"),
    ("app.ogc.service", "read_items", "items: service.read_items"),
    ("app.ogc.features", "page", "… page statement (SQL, features joined by string_agg)"),
    ("app.ogc.features", "capped_count", "… numberMatched (SQL, count capped at 10,000)"),
    ("app.ogc.documents", "feature_collection", "items: FeatureCollection body"),
    ("app.ogc.router", "cached", "items: cached() (ETag, Response)"),
    ("app.ogc.responses", "etag_of", "… ETag: blake2b of the body"),
    ("app.ogc.tiles", "render_tile", "tiles: render_tile"),
    ("app.ogc.tiles_repository", "tile", "… tile statement (SQL, ST_AsMVT)"),
    ("app.ogc.tiles", "tile_response", "tiles: tile_response (ETag, Response)"),
    ("sqlalchemy.ext.asyncio", "AsyncSession.commit", "commit"),
)  # fmt: skip


@contextmanager
def timed_probes(totals: dict[str, float]) -> Iterator[None]:
    patched: list[tuple[Any, str, Any]] = []
    for module_name, path, label in PROBES:
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)
        setattr(owner, name, _timer(original, label, totals))
        patched.append((owner, name, original))
    try:
        yield
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


async def profile(url: str, cases: list[Case], title: str) -> str:
    """Each case's Relevé request, PROFILE_REQUESTS times in-process (same database)."""
    from app.config import Settings
    from app.main import create_app

    settings = Settings(_env_file=None, database_url=url, webhooks_worker=False)
    database = Database(create_engine(url))
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app)
    report = f"\n### In-process profile of Relevé, {title}\n"
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            for case in cases:
                path = case.paths["releve"]
                assert path is not None
                runs = [await _profiled_get(client, path) for _ in range(PROFILE_REQUESTS + 1)]
                report += render_profile(case, runs[1:])  # the first one filled the caches
    finally:
        await database.dispose()
    return report


async def _profiled_get(client: httpx.AsyncClient, path: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    with timed_probes(totals):
        start = time.perf_counter()
        response = await client.get(path)
        totals[REQUEST] = time.perf_counter() - start
    response.raise_for_status()
    return totals


def render_profile(case: Case, runs: list[dict[str, float]]) -> str:
    labels = [label for _, _, label in PROBES]
    for run in runs:
        top = [label for label in labels if not label.startswith("…") and label in run]
        run[REST] = run[REQUEST] - sum(run[label] for label in top)
    request = median(run[REQUEST] for run in runs)
    lines = [f"\n{case.title}, median of {len(runs)} requests:\n",
             "| step | ms | share |", "|---|---:|---:|"]  # fmt: skip
    for label in [*labels, REST, REQUEST]:
        if all(label in run for run in runs):
            value = median(run[label] for run in runs)
            lines.append(f"| {label} | {value * 1000:.1f} | {value / request:.0%} |")
    return "\n".join(lines) + "\n"


# --- the report -------------------------------------------------------------------------------


def render(outcomes: list[Outcome], cases: list[Case], context: dict[str, str],
           args: argparse.Namespace) -> str:  # fmt: skip
    floor, systems = outcomes[0], outcomes[:-1]
    lines = [f"{args.points:,} points and {args.polygons:,} polygons; {args.duration:g} s per "
             f"measurement after {args.warmup:g} s of warm-up; {args.clients} concurrent "
             "clients where said"]  # fmt: skip
    for case in cases:
        lines += _case_table(case, systems, floor, args)
    again = outcomes[-1].figures
    drift = [f"{key} {again[key].single.p50 / figures.single.p50:.2f}"
             for key, figures in floor.figures.items() if key in again]  # fmt: skip
    lines.append(f"\nFloor measured again at the end, p50 over the first: {', '.join(drift)}\n")
    for releve in (outcome for outcome in systems if outcome.kind == "releve"):
        lines += _goals(releve, floor, next((o for o in systems if o.kind == "tipg"), None), cases)
    lines.append("")
    lines += [f"- {o.system}: could not run: {o.error}" for o in outcomes if o.error]
    lines += [f"- {name}: {value}" for name, value in context.items()]
    return "\n".join(lines) + "\n"


def _case_table(
    case: Case, systems: list[Outcome], floor: Outcome, args: argparse.Namespace
) -> list[str]:
    base = floor.figures.get(case.key)
    extra = f" req/s, {args.clients} clients | share of the floor's |" if case.concurrent else ""
    lines = [
        f"\n**{case.title}**\n",
        "| system | items | kB | p50 (ms) | p99 (ms) | req/s, 1 client | MB/s, 1 client "
        f"| p50 / floor's |{extra}",
        "|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if case.concurrent else ""),
    ]
    for outcome in systems:
        figures = outcome.figures.get(case.key)
        if figures is None:
            continue
        one = figures.single
        ratio = f"{one.p50 / base.single.p50:.2f}" if base else "–"
        errors = f" ({one.errors} errors)" if one.errors else ""
        items = "?" if figures.items is None else f"{figures.items:,}"
        row = (f"| {outcome.system} | {items} | {figures.size / 1000:,.1f} | {one.p50 * 1000:,.1f} "
               f"| {one.p99 * 1000:,.1f} | {one.rate:,.1f}{errors} "
               f"| {one.rate * figures.size / 1e6:,.1f} | {ratio} |")  # fmt: skip
        if case.concurrent and figures.concurrent and base and base.concurrent:
            many = figures.concurrent
            errors = f" ({many.errors} errors)" if many.errors else ""
            row += f" {many.rate:,.1f}{errors} | {many.rate / base.concurrent.rate:.2f} |"
        lines.append(row)
    return lines


def _goals(releve: Outcome, floor: Outcome, tipg: Outcome | None, cases: list[Case]) -> list[str]:
    def verdict(reached: bool) -> str:
        return "reached" if reached else "**not reached**"

    lines = [f"Goals, {releve.system}:"]
    base, mine = floor.figures.get("bbox"), releve.figures.get("bbox")
    if base and mine and base.concurrent and mine.concurrent:
        share = mine.concurrent.rate / base.concurrent.rate
        ratio = mine.single.p50 / base.single.p50
        lines.append(f"- bbox, 8 clients, ≥ 75 % of the floor's req/s: {verdict(share >= 0.75)} "
                     f"({share:.0%}); 1 client, p50 ≤ 1.5x the floor's: "
                     f"{verdict(ratio <= 1.5)} ({ratio:.2f}x)")  # fmt: skip
    base, mine = floor.figures.get("large"), releve.figures.get("large")
    if base and mine:
        share = (mine.single.rate * mine.size) / (base.single.rate * base.size)
        lines.append(f"- limit=10,000, ≥ 70 % of the floor's bytes/s: {verdict(share >= 0.7)} "
                     f"({share:.0%})")  # fmt: skip
    for case in (case for case in cases if case.mvt):
        base, mine = floor.figures.get(case.key), releve.figures.get(case.key)
        peer = tipg.figures.get(case.key) if tipg else None
        if base and mine:
            ratio = mine.single.p50 / base.single.p50
            text = f"- {case.title}: p50 ≤ 1.2x the floor's: {verdict(ratio <= 1.2)} ({ratio:.2f}x)"
            if peer and peer.size:
                size = mine.size / peer.size
                text += f"; ≤ 1/3 of tipg's size: {verdict(size <= 1 / 3)} ({size:.2f})"
            lines.append(text)
    return lines


# --- the run ----------------------------------------------------------------------------------


async def benchmark(args: argparse.Namespace, postgres: EmbeddedPostgres, workdir: Path) -> str:
    url = postgres.sqlalchemy_url()
    fixtures = await create_campaigns(url)
    build = await build_data(postgres.admin_dsn(), fixtures, args)
    targets = await choose_targets(postgres.dsn(), fixtures)
    cases = await build_cases(url, fixtures, targets)
    wrk = await asyncio.to_thread(ensure_wrk, args.load_generator)
    load_before = os.getloadavg()
    outcomes = [await measure_floor(postgres.dsn(), cases, args)]
    profiles = ""
    with serve_app(url, workdir, 1000, {"RELEVE_WEBHOOKS_WORKER": "false"}) as base_url:
        for area in (False, True):
            if area:
                await give_campaigns_an_area(url, fixtures)
            title = "campaigns with an area" if area else "campaigns without an area"
            outcome = Outcome(f"Relevé, {title} (1 uvicorn worker)", "releve")
            outcomes.append(await measure_http(outcome, base_url, cases, args, wrk))
            if args.profile:
                profiles += await profile(url, cases, title)
    versions = "not measured (--no-peers)"
    if not args.no_peers:
        peer_outcomes, versions = await measure_peers(args, postgres, fixtures, cases, workdir,
                                                      wrk)  # fmt: skip
        outcomes += peer_outcomes
    outcomes.append(await measure_floor(postgres.dsn(), cases, args))
    context = await describe(postgres, build, targets, wrk, versions, load_before)
    return render(outcomes, cases, context, args) + profiles


async def describe(
    postgres: EmbeddedPostgres, build: dict[str, float], targets: Targets, wrk: str | None,
    versions: str, load_before: tuple[float, float, float],
) -> dict[str, str]:  # fmt: skip
    admin = await asyncpg.connect(postgres.dsn())
    try:
        context = {**describe_machine(), **await describe_server(admin)}
        size = await admin.fetchval("SELECT pg_size_pretty(pg_total_relation_size('observations'))")
        settings = await admin.fetchval(
            "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) "
            "FROM pg_settings WHERE name IN ('shared_buffers', 'jit', 'work_mem', "
            "'max_parallel_workers_per_gather')"
        )
    finally:
        await admin.close()
    context["settings"] = settings
    context["data"] = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in build.items())
    context["observations table with its indexes"] = size
    context["bbox"] = f"{targets.bbox_text} ({targets.bbox_features:,} published points)"
    context["load generator"] = wrk_version(wrk) if wrk else "Python (httpx) load generator"
    context["peers"] = versions
    load_after = os.getloadavg()
    context["load average (1 min) before / after"] = f"{load_before[0]:.2f} / {load_after[0]:.2f}"
    return context


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--polygons", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2, help="untimed seconds before each")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (bbox)")
    parser.add_argument("--max-requests", type=int, default=100_000,
                        help="cap of a Python-driven measurement")  # fmt: skip
    parser.add_argument("--load-generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-peers", action="store_true", help="skip tipg and pygeoapi")
    parser.add_argument("--peers-venv", type=Path, default=peers.VENV)
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--fast", action="store_true", help="fsync off (not production-like)")
    parser.add_argument("--profile", action="store_true", help="time Relevé's steps in-process")
    args = parser.parse_args(argv)
    if min(args.points, args.polygons, args.clients, args.max_requests) < 1:
        parser.error("--points, --polygons, --clients and --max-requests must be positive")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be positive and --warmup not negative")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    install_signal_handlers()  # SIGTERM and SIGHUP still run the clean-up below
    workdir = Path(tempfile.mkdtemp(prefix="releve-bench-serve-"))
    postgres = EmbeddedPostgres(workdir / "data", fast=args.fast)
    try:
        postgres.start()
        migrate.upgrade(postgres.sqlalchemy_url())
        report: str = uvloop.run(benchmark(args, postgres, workdir))
        print(report)
    finally:
        postgres.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
