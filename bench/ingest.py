"""Ingest benchmark: observations per second through the batch API, against the COPY floor.

One run starts a throwaway embedded PostGIS (durable, as in production, unless --fast), serves
the real app with uvicorn in a subprocess on loopback, and writes the same generated point
observations in four ways, each starting from the same empty, checkpointed tables:

1. COPY floor: asyncpg ``copy_records_to_table``, one COPY per table;
2. unnest floor: one ``INSERT ... SELECT FROM unnest(...)`` statement per batch;
3. the API, ``POST /api/v1/campaigns/{slug}/observations/batch``, one client;
4. the same with concurrent clients (--clients).

The floors write every table the API writes for a new observation (observations,
observation_versions, and observation_events where the schema has it); each batch is its own
transaction. Request bodies, COPY records and statement parameters are all built before the
clock starts: only the write path is timed. With --profile, batches are then posted to the app
in-process and each step of the request is timed.

Usage: .venv/bin/python bench/ingest.py [--observations N] [--batch-size N] [--fast] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import importlib
import inspect
import os
import random
import shutil
import struct
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import asyncpg
import httpx
import orjson
import uvloop
from common import describe_machine, describe_server, serve_app
from sqlalchemy import text

from app.auth import service as auth
from app.campaigns import service as campaigns
from app.campaigns.schemas import CampaignCreate
from app.db import migrate
from app.db.embedded import EmbeddedPostgres, install_signal_handlers
from app.db.session import Database, create_engine

SLUG = "bench-ingest"
FIELDS: list[dict[str, Any]] = [
    {"name": "species", "type": "text", "label": {"fr": "Espèce", "en": "Species"},
     "required": True, "max_length": 80},
    {"name": "height_m", "type": "number", "label": {"fr": "Hauteur (m)", "en": "Height (m)"},
     "minimum": 0, "maximum": 120},
    {"name": "trunks", "type": "integer", "label": {"fr": "Troncs", "en": "Trunks"}, "minimum": 1},
    {"name": "health", "type": "choice", "label": {"fr": "État", "en": "Health"},
     "choices": [{"value": v, "label": {"fr": v, "en": v}} for v in ("good", "fair", "poor")]},
    {"name": "remarkable", "type": "boolean", "label": {"fr": "Remarquable", "en": "Remarkable"}},
]  # fmt: skip
SPECIES = ("Platanus x hispanica", "Celtis australis", "Tilia cordata", "Quercus ilex",
           "Acer campestre", "Pinus pinea", "Fraxinus excelsior", "Sophora japonica")  # fmt: skip
TOULOUSE = (1.4442, 43.6045)
CLUSTERS = 25
FIRST_OBSERVED = datetime(2025, 5, 1, tzinfo=UTC)
REQUEST_TIMEOUT_S = 120
COPY_TARGET = "COPY floor (asyncpg copy_records_to_table)"


# --- the data: the same generated observations for every method ------------------------------


@dataclass(slots=True, frozen=True)
class Sample:
    id: uuid.UUID
    lon: float
    lat: float
    values: dict[str, Any]  # the form's answers, as the app stores them
    observed_at: datetime
    accuracy_m: float

    def feature(self) -> dict[str, Any]:
        observed_at = self.observed_at.isoformat().replace("+00:00", "Z")
        properties = {**self.values, "observed_at": observed_at, "accuracy_m": self.accuracy_m}
        geometry = {"type": "Point", "coordinates": [self.lon, self.lat]}
        return {"type": "Feature", "id": str(self.id), "geometry": geometry,
                "properties": properties}  # fmt: skip

    def wkb(self, srid: int | None = None) -> bytes:
        """Little-endian (E)WKB of the point, as Shapely writes it (EWKB with ``srid``)."""
        if srid is None:
            return struct.pack("<BIdd", 1, 1, self.lon, self.lat)
        return struct.pack("<BIIdd", 1, 0x20000001, srid, self.lon, self.lat)

    def digest(self) -> bytes:
        # Stands for the app's submission hash: same size, same kind of work, done beforehand.
        return hashlib.sha256(orjson.dumps(self.feature(), option=orjson.OPT_SORT_KEYS)).digest()


def generate(count: int, seed: int) -> list[Sample]:
    """Points in clusters around Toulouse (street trees come in avenues and parks)."""
    rng = random.Random(seed)
    centres = [
        (TOULOUSE[0] + rng.uniform(-0.08, 0.08), TOULOUSE[1] + rng.uniform(-0.06, 0.06))
        for _ in range(CLUSTERS)
    ]
    return [_sample(rng, *rng.choice(centres)) for _ in range(count)]


def _sample(rng: random.Random, lon: float, lat: float) -> Sample:
    values = {
        "species": rng.choice(SPECIES),
        "height_m": round(rng.uniform(1, 35), 1),
        "trunks": rng.randint(1, 4),
        "health": rng.choice(("good", "fair", "poor")),
        "remarkable": rng.random() < 0.05,
    }
    return Sample(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        lon=round(lon + rng.gauss(0, 0.004), 7),
        lat=round(lat + rng.gauss(0, 0.003), 7),
        values=values,
        observed_at=FIRST_OBSERVED + timedelta(seconds=rng.randrange(30 * 86400)),
        accuracy_m=round(rng.uniform(2, 15), 1),
    )


def chunks(samples: list[Sample], size: int) -> list[list[Sample]]:
    return [samples[start : start + size] for start in range(0, len(samples), size)]


def collection_body(batch: list[Sample]) -> bytes:
    features = [sample.feature() for sample in batch]
    return orjson.dumps({"type": "FeatureCollection", "features": features})


# --- the methods ------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class Fixtures:
    token: str
    user_id: uuid.UUID
    campaign_id: uuid.UUID
    # Whether the schema has the contributor's timeline, which the API's insert also writes.
    timeline: bool

    @property
    def tables(self) -> list[str]:
        """The tables the API writes for a new observation, hence the floors too."""
        return ["observations", "observation_versions"] + (
            ["observation_events"] if self.timeline else []
        )


class Method:
    """One way of writing batches: ``prepare`` runs before the clock, ``run`` is timed and
    returns each batch's latency in seconds, ``verify`` runs after the clock."""

    name = ""

    def prepare(self, batches: list[list[Sample]]) -> list[Any]:
        raise NotImplementedError

    async def write(self, payload: Any) -> None:
        """Write one prepared batch in its own transaction."""
        raise NotImplementedError

    async def run(self, payloads: list[Any]) -> list[float]:
        latencies = []
        for payload in payloads:
            start = time.perf_counter()
            await self.write(payload)
            latencies.append(time.perf_counter() - start)
        return latencies

    def verify(self, batches: list[list[Sample]]) -> None:
        """Raise when an answer was not the expected one (only the API has answers to check)."""


# The columns each floor writes; the others take their defaults, as in the API's insert.
COPY_COLUMNS: dict[str, tuple[str, ...]] = {
    "observations": ("id", "campaign_id", "geom", "properties", "observed_at", "accuracy_m",
                     "created_by", "status", "version", "submission_hash", "change_seq"),
    "observation_versions": ("observation_id", "version", "change_kind", "geom", "properties",
                             "observed_at", "accuracy_m", "status", "changed_by", "change_seq"),
    "observation_events": ("observation_id", "kind", "payload", "actor_id"),
}  # fmt: skip


class CopyFloor(Method):
    name = COPY_TARGET

    def __init__(self, connection: asyncpg.Connection, fixtures: Fixtures) -> None:
        self.connection, self.fixtures = connection, fixtures

    def prepare(self, batches: list[list[Sample]]) -> list[Any]:
        return [[self._records(sample) for sample in batch] for batch in batches]

    def _records(self, sample: Sample) -> tuple[tuple[Any, ...], ...]:
        """One record per table, the change_seq of the first two still to be appended."""
        user, geom = self.fixtures.user_id, sample.wkb(4326)
        props, observed = orjson.dumps(sample.values).decode(), sample.observed_at
        accuracy = sample.accuracy_m
        head = (sample.id, self.fixtures.campaign_id, geom, props, observed, accuracy, user,
                "pending", 1, sample.digest())  # fmt: skip
        version = (sample.id, 1, "created", geom, props, observed, accuracy, "pending", user)
        event = (sample.id, "submitted", '{"status": "pending", "version": 1}', user)
        return head, version, event

    async def write(self, payload: Any) -> None:
        async with self.connection.transaction():
            # change_seq is taken per row from the sequence, as the app's column default does.
            seqs = await self.connection.fetch(
                "SELECT nextval('observation_change_seq') FROM generate_series(1, $1)",
                len(payload),
            )
            for position, table in enumerate(self.fixtures.tables):
                records = [records[position] for records in payload]
                if position < 2:
                    records = [(*record, seq[0]) for record, seq in zip(records, seqs, strict=True)]
                await self.connection.copy_records_to_table(
                    table, records=records, columns=COPY_COLUMNS[table]
                )


# The app's statement shape (one CTE writes every table, change_seq from the column default)
# with typed arrays, without ON CONFLICT and without text-to-jsonb or WKB-to-geometry casts.
UNNEST_INSERT = """
WITH inserted AS (
    INSERT INTO observations (id, campaign_id, geom, properties, observed_at, accuracy_m,
                              created_by, status, version, submission_hash)
    SELECT id, $7::uuid, geom, properties, observed_at, accuracy_m, $8::uuid, 'pending', 1,
           submission_hash
    FROM unnest($1::uuid[], $2::geometry[], $3::jsonb[], $4::timestamptz[], $5::float8[],
                $6::bytea[]) AS t(id, geom, properties, observed_at, accuracy_m, submission_hash)
    RETURNING id, geom, properties, observed_at, accuracy_m, status, change_seq, created_at
), history AS (
    INSERT INTO observation_versions (observation_id, version, change_kind, geom, properties,
                                      observed_at, accuracy_m, status, changed_by, changed_at,
                                      change_seq)
    SELECT id, 1, 'created', geom, properties, observed_at, accuracy_m, status, $8::uuid,
           created_at, change_seq
    FROM inserted
)"""
UNNEST_TIMELINE = """, timeline AS (
    INSERT INTO observation_events (observation_id, kind, payload, actor_id, created_at)
    SELECT id, 'submitted', jsonb_build_object('version', 1, 'status', status), $8::uuid,
           created_at
    FROM inserted
)"""


class UnnestFloor(Method):
    name = "unnest floor (INSERT … SELECT FROM unnest, 1 statement)"

    def __init__(self, connection: asyncpg.Connection, fixtures: Fixtures) -> None:
        self.connection, self.fixtures = connection, fixtures
        timeline = UNNEST_TIMELINE if fixtures.timeline else ""
        self.statement = UNNEST_INSERT + timeline + "\nSELECT count(*) FROM inserted"

    def prepare(self, batches: list[list[Sample]]) -> list[Any]:
        return [self._columns(batch) for batch in batches]

    def _columns(self, batch: list[Sample]) -> tuple[Any, ...]:
        return (
            [sample.id for sample in batch],
            [sample.wkb(4326) for sample in batch],
            [orjson.dumps(sample.values).decode() for sample in batch],
            [sample.observed_at for sample in batch],
            [sample.accuracy_m for sample in batch],
            [sample.digest() for sample in batch],
            self.fixtures.campaign_id,
            self.fixtures.user_id,
        )

    async def write(self, payload: Any) -> None:
        # A single statement outside a transaction block is its own transaction.
        count = await self.connection.fetchval(self.statement, *payload)
        assert count == len(payload[0]), count


class ApiBatches(Method):
    """POSTs pre-serialised FeatureCollections; each client sends its next batch when the
    previous one is answered (a phone or a sync script does the same)."""

    def __init__(self, clients: list[httpx.AsyncClient]) -> None:
        self.clients = clients
        plural = "s" if len(clients) > 1 else ""
        self.name = f"API POST …/observations/batch, {len(clients)} client{plural}"
        self.answers: dict[int, bytes] = {}

    def prepare(self, batches: list[list[Sample]]) -> list[Any]:
        return [collection_body(batch) for batch in batches]

    async def run(self, payloads: list[Any]) -> list[float]:
        self.answers = {}
        latencies = [0.0] * len(payloads)
        queue = iter(enumerate(payloads))  # shared: one event loop, so no lock is needed
        await asyncio.gather(*(self._drain(c, queue, latencies) for c in self.clients))
        return latencies

    async def _drain(
        self, client: httpx.AsyncClient, queue: Iterator[tuple[int, bytes]], latencies: list[float]
    ) -> None:
        for index, body in queue:
            start = time.perf_counter()
            response = await client.post(
                f"/api/v1/campaigns/{SLUG}/observations/batch", content=body
            )
            latencies[index] = time.perf_counter() - start
            self.answers[index] = response.content
            response.raise_for_status()

    def verify(self, batches: list[list[Sample]]) -> None:
        for index, batch in enumerate(batches):
            summary = orjson.loads(self.answers[index])["summary"]
            if summary["created"] != len(batch):
                raise AssertionError(f"batch {index}: {summary}, expected {len(batch)} created")


# --- measuring ------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    method: str
    rates: list[float] = field(default_factory=list)  # rows over wall clock, one per round
    latencies: list[float] = field(default_factory=list)  # every batch of every round

    @property
    def rate(self) -> float:
        return median(self.rates)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[round(fraction * (len(ordered) - 1))]


@dataclass(slots=True, frozen=True)
class Tables:
    """The tables written, emptied before each round and counted after it."""

    admin: asyncpg.Connection
    names: list[str]

    async def reset(self) -> None:
        # Every method starts from empty tables and indexes, and a checkpoint, so that none pays
        # for the dirty pages (or gains from the full-page writes) left by the one before.
        await self.admin.execute(f"TRUNCATE {', '.join(self.names)} CASCADE")
        await self.admin.execute("CHECKPOINT")

    async def check(self, expected: int) -> None:
        """Every table got one row per observation: the floors wrote what the API writes."""
        for table in self.names:
            count = await self.admin.fetchval(f"SELECT count(*) FROM {table}")
            if count != expected:
                raise AssertionError(f"{table}: {count} rows, expected {expected}")


async def measure(
    methods: list[Method], warmup: list[Sample], batches: list[list[Sample]],
    tables: Tables, rounds: int,
) -> list[Result]:  # fmt: skip
    """Run the methods in turn, ``rounds`` times: noise from other work on the machine (and
    the first round's WAL segment creation) then falls on every method alike."""
    payloads = [method.prepare(batches) for method in methods]
    for method in methods:
        # The warm-up opens connections and fills type, plan and validator caches.
        await method.run(method.prepare([warmup]))
        await tables.reset()
    results = [Result(method.name) for method in methods]
    for _ in range(rounds):
        for method, payload, result in zip(methods, payloads, results, strict=True):
            await measure_round(method, payload, batches, tables, result)
    return results


async def measure_round(
    method: Method, payloads: list[Any], batches: list[list[Sample]], tables: Tables,
    result: Result,
) -> None:  # fmt: skip
    await tables.reset()
    start = time.perf_counter()
    latencies = await method.run(payloads)
    seconds = time.perf_counter() - start
    method.verify(batches)
    rows = sum(map(len, batches))
    await tables.check(rows)
    result.rates.append(rows / seconds)
    result.latencies += latencies
    print(f"  {method.name}: {rows / seconds:,.0f} rows/s", file=sys.stderr)


# --- setting up: cluster, fixtures, server ----------------------------------------------------


async def create_fixtures(url: str) -> Fixtures:
    """An admin, their token and an open campaign, made by the app's own services."""
    database = Database(create_engine(url, pool_size=1))
    body = {"slug": SLUG, "title": "Arbres de Toulouse (bench)", "geometry_types": ["Point"],
            "fields": FIELDS, "status": "open"}  # fmt: skip
    try:
        async with database.session() as session:
            user = await auth.create_user(session, "bench-admin", None, is_admin=True)
            token = await auth.issue_token(session, user, name="bench")
            data = CampaignCreate.model_validate(body)
            campaign = await campaigns.create_campaign(session, data, user)
            timeline = await session.scalar(text("SELECT to_regclass('observation_events')"))
            await session.commit()
    finally:
        await database.dispose()
    return Fixtures(token, user.id, campaign.id, timeline is not None)


async def connect(dsn: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(dsn, command_timeout=REQUEST_TIMEOUT_S)
    # PostGIS's binary input is EWKB: geometries go over the wire as they are, unparsed.
    await connection.set_type_codec(
        "geometry", schema="public", encoder=bytes, decoder=bytes, format="binary"
    )
    return connection


# --- profile: the steps of one batch request, timed in-process -------------------------------

PROFILE_BATCHES = 5
REQUEST = "whole request (in-process, httpx.ASGITransport)"
# (module, attribute, label, parent label): the app's own functions, wrapped with timers for the
# profile only. Unlike cProfile, a timer per call does not inflate the Python-heavy steps, so
# the parts add up to the request. A probe whose function is gone is left out of the table.
SUBMIT = "submission.submit_batch"
PROBES: tuple[tuple[str, str, str, str | None], ...] = (
    ("app.observations.router", "read_json", "read body + JSON parse (read_json)", None),
    ("app.auth.service", "authenticate", "auth: token lookup (SQL)", None),
    ("app.campaigns.service", "get_campaign", "campaign lookup (SQL)", None),
    ("app.observations.submission", "submit_batch", SUBMIT, None),
    ("app.observations.submission", "parse_features", "GeoJSON checks + WKB (parse_features)",
     SUBMIT),
    ("app.campaigns.fields", "PropertiesValidator.validate", "properties validation", SUBMIT),
    ("app.observations.submission", "submission_digest", "submission hash (SHA-256)", SUBMIT),
    ("app.observations.repository", "submission_hashes",
     "known ids lookup (SQL, repository.submission_hashes)", SUBMIT),
    ("app.quality.engine", "load_rules", "quality rules: load (SQL)", SUBMIT),
    ("app.quality.engine", "evaluate", "quality rules: evaluate", SUBMIT),
    ("app.observations.repository", "insert_batch", "SQL insert (repository.insert_batch)",
     SUBMIT),
    ("app.observations.router", "_item_json", "response items (router._item_json)", None),
    ("app.observations.router", "json_response", "response serialisation (json_response)", None),
    ("sqlalchemy.ext.asyncio", "AsyncSession.commit", "commit", None),
)  # fmt: skip


def _timer(function: Any, label: str, totals: dict[str, float]) -> Any:
    if inspect.iscoroutinefunction(function):

        async def timed_coroutine(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

        return functools.wraps(function)(timed_coroutine)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

    return functools.wraps(function)(timed)


@contextmanager
def timed_probes(totals: dict[str, float]) -> Iterator[None]:
    """Wrap every probe's function with a timer adding to ``totals``; unwrap on exit."""
    patched: list[tuple[Any, str, Any]] = []
    for module_name, path, label, _ in PROBES:
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        original = getattr(owner, name, None)
        if original is not None:
            setattr(owner, name, _timer(original, label, totals))
            patched.append((owner, name, original))
    try:
        yield
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


async def profile_batches(
    url: str, fixtures: Fixtures, args: argparse.Namespace, tables: Tables
) -> str:
    """Post batches to the app in-process (same database) and time each step of each."""
    from app.config import Settings
    from app.main import create_app

    settings = Settings(_env_file=None, database_url=url, max_batch_features=args.batch_size)
    database = Database(create_engine(url))
    app = create_app(settings, database)
    count = args.batch_size * (PROFILE_BATCHES + 1)
    bodies = [collection_body(batch) for batch in chunks(generate(count, args.seed + 2),
                                                          args.batch_size)]  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {fixtures.token}", "Content-Type": "application/json"}
    runs: list[dict[str, float]] = []
    await tables.reset()
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as c,
        ):
            for body in bodies:
                runs.append(await _profiled_post(c, body))
    finally:
        await database.dispose()
    return render_profile(runs[1:], args.batch_size)  # the first one filled the caches


async def _profiled_post(client: httpx.AsyncClient, body: bytes) -> dict[str, float]:
    totals: dict[str, float] = {}
    with timed_probes(totals):
        start = time.perf_counter()
        response = await client.post(f"/api/v1/campaigns/{SLUG}/observations/batch", content=body)
        totals[REQUEST] = time.perf_counter() - start
    response.raise_for_status()
    return totals


def render_profile(runs: list[dict[str, float]], batch_size: int) -> str:
    children: dict[str | None, list[str]] = {}
    for _, _, label, parent in PROBES:
        if all(label in run for run in runs):
            children.setdefault(parent, []).append(label)
    rest: dict[str | None, str] = {
        None: "rest: FastAPI, dependencies, ASGI, pool",
        SUBMIT: "rest of submit_batch: row building, bookkeeping",
    }
    for run in runs:
        run[rest[None]] = run[REQUEST] - sum(run[label] for label in children[None])
        inner = children.get(SUBMIT, [])
        if SUBMIT in run:
            run[rest[SUBMIT]] = run[SUBMIT] - sum(run[label] for label in inner)
    request = median(run[REQUEST] for run in runs)
    lines = [
        f"\nServer side of one {batch_size:,}-feature batch, median of {len(runs)} "
        "(in-process, same database):\n",
        "| step | ms | share |",
        "|---|---:|---:|",
    ]

    def row(label: str, depth: int) -> None:
        value = median(run[label] for run in runs)
        lines.append(f"| {'… ' * depth}{label} | {value * 1000:.1f} | {value / request:.0%} |")

    labels: list[str] = [*children[None], rest[None]]
    for label in labels:
        row(label, 0)
        if label == SUBMIT:
            inner_labels: list[str] = [*children.get(label, []), rest[label]]
            for inner_label in inner_labels:
                row(inner_label, 1)
    row(REQUEST, 0)
    return "\n".join(lines) + "\n"


# --- the run ----------------------------------------------------------------------------------


async def open_methods(
    stack: AsyncExitStack, clients: int, dsn: str, base_url: str, fixtures: Fixtures
) -> list[Method]:
    # The floors' connection keeps PostgreSQL's defaults: the floor is the database's best.
    connection = await connect(dsn)
    stack.push_async_callback(connection.close)
    methods: list[Method] = [CopyFloor(connection, fixtures), UnnestFloor(connection, fixtures)]
    for count in sorted({1, clients}):
        # Opened before the clock: creating a client (its SSL context) costs milliseconds.
        api = [await stack.enter_async_context(api_client(base_url, fixtures)) for _ in
               range(count)]  # fmt: skip
        methods.append(ApiBatches(api))
    return methods


def api_client(base_url: str, fixtures: Fixtures) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {fixtures.token}", "Content-Type": "application/json"}
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT_S)


async def benchmark(args: argparse.Namespace, postgres: EmbeddedPostgres, base_url: str) -> str:
    fixtures = await create_fixtures(postgres.sqlalchemy_url())
    batches = chunks(generate(args.observations, args.seed), args.batch_size)
    warmup = generate(min(args.batch_size, 100), args.seed + 1)
    load_before = os.getloadavg()
    async with AsyncExitStack() as stack:
        admin = await connect(postgres.admin_dsn())
        stack.push_async_callback(admin.close)
        tables = Tables(admin, fixtures.tables)
        methods = await open_methods(stack, args.clients, postgres.dsn(), base_url, fixtures)
        results = await measure(methods, warmup, batches, tables, args.rounds)
        machine = {**describe_machine(), **await describe_server(admin)}
        machine["load average (1 min) before / after"] = (
            f"{load_before[0]:.2f} / {os.getloadavg()[0]:.2f}"
        )
        report = render(results, machine, args, fixtures.tables)
        if args.profile:
            report += await profile_batches(postgres.sqlalchemy_url(), fixtures, args, tables)
    return report


def render(
    results: list[Result], machine: dict[str, str], args: argparse.Namespace, tables: list[str]
) -> str:
    copy = next(result.rate for result in results if result.method == COPY_TARGET)
    fastest = max(result.rate for result in results if "floor" in result.method)
    lines = [
        f"{args.observations:,} point observations per round, batches of {args.batch_size:,}, "
        f"each batch its own transaction; rows/s: median of {args.rounds} rounds (range); "
        f"batch latencies over all rounds; every method writes {', '.join(tables)}\n",
        "| method | rows/s | range | p50 batch (ms) | p95 batch (ms) | ratio to COPY floor "
        "| ratio to fastest floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.method} | {result.rate:,.0f} "
            f"| {min(result.rates):,.0f}–{max(result.rates):,.0f} "
            f"| {result.percentile(0.5) * 1000:,.0f} | {result.percentile(0.95) * 1000:,.0f} "
            f"| {result.rate / copy:.2f} | {result.rate / fastest:.2f} |"
        )
    api = next(result for result in results if result.method.endswith("1 client"))
    verdict = "reached" if api.rate >= copy / 3 else "NOT reached"
    lines.append(f"\nGoal (API, 1 client, ≥ 1/3 of the COPY floor): {verdict} "
                 f"({api.rate / copy:.2f}).\n")  # fmt: skip
    lines += [f"- {name}: {value}" for name, value in machine.items()]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--observations", type=int, default=20_000, help="rows per method")
    parser.add_argument("--batch-size", type=int, default=1_000, help="features per batch")
    parser.add_argument("--clients", type=int, default=2, help="concurrent API clients (row 5)")
    parser.add_argument("--rounds", type=int, default=3, help="times each method runs")
    parser.add_argument("--seed", type=int, default=20250501)
    parser.add_argument("--fast", action="store_true", help="fsync off (not production-like)")
    parser.add_argument("--profile", action="store_true", help="time the steps of one batch")
    args = parser.parse_args(argv)
    if min(args.observations, args.batch_size, args.clients, args.rounds) < 1:
        parser.error("--observations, --batch-size, --clients and --rounds must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    install_signal_handlers()  # SIGTERM and SIGHUP still run the clean-up below
    workdir = Path(tempfile.mkdtemp(prefix="releve-bench-"))
    postgres = EmbeddedPostgres(workdir / "data", fast=args.fast)
    try:
        postgres.start()
        migrate.upgrade(postgres.sqlalchemy_url())
        with serve_app(postgres.sqlalchemy_url(), workdir, max(args.batch_size, 1000)) as url:
            report: str = uvloop.run(benchmark(args, postgres, url))
        print(report)
    finally:
        postgres.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
