"""Quality rules benchmark: a 1,000-point batch through the API with five rules, against the
same batch sent to a campaign with no rules.

One run starts a throwaway embedded PostGIS (durable, as in production, unless --fast),
imports three reference layers the way `releve layers import` does (the 65,396 Toulouse
addresses, the 587 communes of Haute-Garonne, the buildings of Gibraltar), creates open
campaigns whose area is the Haute-Garonne outline, sets their rules through
``PUT /api/v1/campaigns/{slug}/rules``, and serves the real app with uvicorn on loopback:

- ``rules-none``: no rule (the insert alone);
- ``rules-all``: five rules, ``inside`` (the campaign area), ``enrich`` (commune code and
  name), ``near`` an address (50 m), ``not_inside`` a building, ``duplicate`` (10 m);
- ``rule-<kind>``: each of the five rules alone (its cost over the insert), unless
  --no-per-rule.

Every campaign first gets --existing observations (untimed: the duplicate rule then has
stored neighbours to compare with). Then, each round, one batch of the same generated points
(with fresh ids for each campaign) is POSTed to every campaign in turn, the order rotating
from round to round, each after a CHECKPOINT. The figure is the median batch time over the
rounds. With --profile, batches are then posted to the app in-process and each rule's checker
and SQL statement are timed.

Usage: .venv/bin/python bench/rules.py [--rounds N] [--batch-size N] [--existing N] [--profile]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import asyncpg
import httpx
import orjson
import uvloop
from common import describe_machine, describe_server, serve_app
from ingest import FIELDS, Sample, _timer, chunks, collection_body, generate

from app.auth import service as auth
from app.campaigns import service as campaigns
from app.campaigns.schemas import CampaignCreate
from app.db import migrate
from app.db.embedded import EmbeddedPostgres, install_signal_handlers
from app.db.session import Database, create_engine
from app.quality import layers
from app.quality.schemas import LayerImport

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"  # shared/ is a sibling of the checkout
DEPARTEMENT = DATA / "reference" / "departement-31-haute-garonne.geojson"
LAYER_FILES = {
    "adresses-toulouse": DATA / "reference" / "adresses_toulouse_2012.geojson",
    "communes-31": DATA / "reference" / "communes-31-haute-garonne.geojson",
    "batiments-gibraltar": DATA / "osm" / "gibraltar_buildings.geojson",
}
# The five rules, as a campaign owner writes them (PUT /api/v1/campaigns/{slug}/rules).
RULES: dict[str, dict[str, Any]] = {
    "inside": {"name": "dans-le-departement", "kind": "inside", "severity": "block",
               "params": {}},
    "enrich": {"name": "commune", "kind": "enrich", "severity": "info",
               "params": {"layer": "communes-31",
                          "properties": {"code": "commune_code", "nom": "commune"}}},
    "near": {"name": "pres-d-une-adresse", "kind": "near", "severity": "flag",
             "params": {"layer": "adresses-toulouse", "max_distance_m": 50}},
    "not_inside": {"name": "hors-batiment", "kind": "not_inside", "severity": "block",
                   "params": {"layer": "batiments-gibraltar"}},
    "duplicate": {"name": "doublon", "kind": "duplicate", "severity": "flag",
                  "params": {"distance_m": 10}},
}  # fmt: skip
NONE, ALL = "rules-none", "rules-all"
REQUEST_TIMEOUT_S = 120


# --- set-up: layers, campaigns, rules -----------------------------------------------------


@dataclass(slots=True, frozen=True)
class Fixtures:
    token: str
    campaigns: dict[str, list[dict[str, Any]]]  # slug -> its rules


def campaign_rules(per_rule: bool) -> dict[str, list[dict[str, Any]]]:
    plans = {NONE: [], ALL: list(RULES.values())}
    if per_rule:
        plans |= {f"rule-{kind.replace('_', '-')}": [rule] for kind, rule in RULES.items()}
    return plans


async def import_layers(database: Database) -> dict[str, float]:
    """Import every reference layer as `releve layers import` does; seconds per layer."""
    seconds = {}
    for slug, path in LAYER_FILES.items():
        start = time.perf_counter()
        async with database.session() as session:
            await layers.import_layer(session, path, LayerImport(slug=slug))
            await session.commit()
        seconds[slug] = time.perf_counter() - start
        print(f"  layer {slug}: {seconds[slug]:.1f} s", file=sys.stderr)
    return seconds


async def create_campaigns(database: Database, per_rule: bool) -> Fixtures:
    """An admin, their token, and one open campaign per plan, made by the app's services."""
    area = orjson.loads(DEPARTEMENT.read_bytes())["geometry"]
    plans = campaign_rules(per_rule)
    async with database.session() as session:
        user = await auth.create_user(session, "bench-admin", None, is_admin=True)
        token = await auth.issue_token(session, user, name="bench")
        for slug in plans:
            body = {"slug": slug, "title": f"Arbres ({slug})", "geometry_types": ["Point"],
                    "fields": FIELDS, "status": "open", "area": area}  # fmt: skip
            await campaigns.create_campaign(session, CampaignCreate.model_validate(body), user)
        await session.commit()
    return Fixtures(token, plans)


async def put_rules(client: httpx.AsyncClient, fixtures: Fixtures) -> None:
    for slug, rules in fixtures.campaigns.items():
        if rules:
            response = await client.put(f"/api/v1/campaigns/{slug}/rules", json={"rules": rules})
            response.raise_for_status()


# --- batches ------------------------------------------------------------------------------


def with_fresh_ids(samples: list[Sample], rng: random.Random) -> list[Sample]:
    """The same points and answers under new ids (ids are unique across campaigns)."""
    return [
        dataclasses.replace(sample, id=uuid.UUID(int=rng.getrandbits(128), version=4))
        for sample in samples
    ]


async def post_batch(client: httpx.AsyncClient, slug: str, body: bytes, expected: int) -> float:
    """Seconds to have the batch answered; every feature must be created."""
    start = time.perf_counter()
    response = await client.post(f"/api/v1/campaigns/{slug}/observations/batch", content=body)
    seconds = time.perf_counter() - start
    response.raise_for_status()
    summary = orjson.loads(response.content)["summary"]
    if summary["created"] != expected:
        raise AssertionError(f"{slug}: {summary}, expected {expected} created")
    return seconds


async def load_existing(
    client: httpx.AsyncClient, fixtures: Fixtures, args: argparse.Namespace
) -> None:
    """Untimed: the same stored observations in every campaign (and warm caches)."""
    rng = random.Random(args.seed + 1)
    samples = generate(args.existing, args.seed + 1)
    for batch in chunks(samples, args.batch_size):
        for slug in fixtures.campaigns:
            await post_batch(client, slug, collection_body(with_fresh_ids(batch, rng)), len(batch))


@dataclass(slots=True)
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)  # slug -> one per round

    def median_ms(self, slug: str) -> float:
        return median(self.seconds[slug]) * 1000

    def ratios(self, slug: str) -> list[float]:
        """Per round: this campaign's batch over the no-rules batch of the same round."""
        return [a / b for a, b in zip(self.seconds[slug], self.seconds[NONE], strict=True)]


async def measure(
    client: httpx.AsyncClient,
    admin: asyncpg.Connection,
    fixtures: Fixtures,
    args: argparse.Namespace,
) -> Timings:
    slugs = list(fixtures.campaigns)
    timings = Timings({slug: [] for slug in slugs})
    rng = random.Random(args.seed + 2)
    for round_number in range(args.rounds):
        samples = generate(args.batch_size, args.seed + 100 + round_number)
        shift = round_number % len(slugs)
        for slug in slugs[shift:] + slugs[:shift]:  # noise falls on every campaign alike
            body = collection_body(with_fresh_ids(samples, rng))
            await admin.execute("CHECKPOINT")
            seconds = await post_batch(client, slug, body, len(samples))
            timings.seconds[slug].append(seconds)
        line = ", ".join(f"{slug} {timings.seconds[slug][-1] * 1000:.0f}" for slug in slugs)
        print(f"  round {round_number + 1} (ms): {line}", file=sys.stderr)
    return timings


async def findings(admin: asyncpg.Connection) -> dict[str, str]:
    """What the rules found in each campaign: issues by rule, and enriched observations."""
    rows = await admin.fetch("""
        SELECT c.slug, count(*) AS observations,
               count(*) FILTER (WHERE o.derived ? 'commune_code') AS enriched,
               (SELECT string_agg(rule || ' ' || n, ', ' ORDER BY rule) FROM (
                   SELECT issue->>'rule' AS rule, count(*) AS n
                   FROM observations o2, jsonb_array_elements(o2.quality_issues) AS issue
                   WHERE o2.campaign_id = c.id GROUP BY 1) AS per_rule) AS issues
        FROM campaigns c JOIN observations o ON o.campaign_id = c.id
        GROUP BY c.id, c.slug ORDER BY c.slug
    """)
    return {
        row["slug"]: f"{row['observations']:,} stored, {row['enriched']:,} enriched with a "
        f"commune, issues: {row['issues'] or 'none'}"
        for row in rows
    }


# --- profile: each rule's checker and statement, timed in-process -------------------------

PROFILE_BATCHES = 5
REQUEST = "whole request (in-process, httpx.ASGITransport)"
# (module, attribute, label): the app's own functions, wrapped with timers for the profile.
PROBES: tuple[tuple[str, str, str], ...] = (
    ("app.quality.engine", "load_rules", "rules: load (SQL)"),
    ("app.quality.engine", "evaluate", "rules: evaluate (all checkers)"),
    ("app.quality.checks_repository", "inside", "… SQL checks.inside"),
    ("app.quality.checks_repository", "containing_or_nearest",
     "… SQL checks.containing_or_nearest"),
    ("app.quality.checks_repository", "nearest", "… SQL checks.nearest"),
    ("app.quality.checks_repository", "intersecting", "… SQL checks.intersecting"),
    ("app.quality.checks_repository", "duplicate_points", "… SQL checks.duplicate_points"),
    ("app.quality.checks_repository", "duplicate_polygons", "… SQL checks.duplicate_polygons"),
    ("app.observations.repository", "insert_batch", "SQL insert (repository.insert_batch)"),
    ("app.observations.submission", "submit_batch", "submission.submit_batch"),
)  # fmt: skip


def _patch(totals: dict[str, float]) -> list[tuple[Any, str, Any]]:
    import importlib

    from app.quality import checkers

    patched: list[tuple[Any, str, Any]] = []
    for module_name, name, label in PROBES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        setattr(module, name, _timer(original, label, totals))
        patched.append((module, name, original))
    for kind, checker in list(checkers.CHECKERS.items()):
        checkers.CHECKERS[kind] = _timer(checker, f"… checker {kind}", totals)
        patched.append((checkers.CHECKERS, kind, checker))
    return patched


def _unpatch(patched: list[tuple[Any, str, Any]]) -> None:
    for owner, name, original in reversed(patched):
        if isinstance(owner, dict):
            owner[name] = original
        else:
            setattr(owner, name, original)


async def profile(url: str, fixtures: Fixtures, args: argparse.Namespace) -> str:
    """Post batches to the all-rules campaign in-process; time each rule and statement."""
    from app.config import Settings
    from app.main import create_app

    settings = Settings(_env_file=None, database_url=url, max_batch_features=args.batch_size,
                        rate_limit_per_minute=0, webhooks_worker=False)  # fmt: skip
    database = Database(create_engine(url))
    app = create_app(settings, database)
    rng = random.Random(args.seed + 3)
    bodies = [collection_body(with_fresh_ids(generate(args.batch_size, args.seed + 500 + n), rng))
              for n in range(PROFILE_BATCHES + 1)]  # fmt: skip
    headers = {"Authorization": f"Bearer {fixtures.token}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    runs: list[dict[str, float]] = []
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as c,
        ):
            for body in bodies:
                totals: dict[str, float] = {}
                patched = _patch(totals)
                try:
                    totals[REQUEST] = await post_batch(c, ALL, body, args.batch_size)
                finally:
                    _unpatch(patched)
                runs.append(totals)
    finally:
        await database.dispose()
    return render_profile(runs[1:], args.batch_size)  # the first one filled the caches


def render_profile(runs: list[dict[str, float]], batch_size: int) -> str:
    labels = sorted({label for run in runs for label in run}, key=_profile_order)
    request = median(run[REQUEST] for run in runs)
    lines = [
        f"\nServer side of one {batch_size:,}-feature batch to `{ALL}`, median of {len(runs)} "
        "(in-process, same database):\n",
        "| step | ms | share of the request |",
        "|---|---:|---:|",
    ]
    for label in labels:
        value = median(run.get(label, 0.0) for run in runs)
        lines.append(f"| {label} | {value * 1000:.1f} | {value / request:.0%} |")
    return "\n".join(lines) + "\n"


def _profile_order(label: str) -> tuple[int, str]:
    order = [REQUEST, "submission.submit_batch", "rules: load (SQL)",
             "rules: evaluate (all checkers)", "… checker", "… SQL", "SQL insert"]  # fmt: skip
    return next((n for n, prefix in enumerate(order) if label.startswith(prefix)), 99), label


# --- the run ------------------------------------------------------------------------------


def render(
    timings: Timings, found: dict[str, str], machine: dict[str, str], args: argparse.Namespace
) -> str:
    none_ms = timings.median_ms(NONE)
    lines = [
        f"One batch of {args.batch_size:,} points over Toulouse per campaign and round, "
        f"{args.rounds} rounds (median; fresh ids each time), each campaign holding "
        f"{args.existing:,} observations beforehand\n",
        "| campaign | rules | median batch (ms) | range (ms) | ratio to no rules (median, "
        "range over rounds) | cost of the rules (ms) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for slug, rules in timings_plans(timings, args):
        values = timings.seconds[slug]
        ratios = timings.ratios(slug)
        extra = timings.median_ms(slug) - none_ms
        names = ", ".join(f"{rule['kind']}" for rule in rules) or "none"
        lines.append(
            f"| {slug} | {names} | {timings.median_ms(slug):,.0f} "
            f"| {min(values) * 1000:,.0f}–{max(values) * 1000:,.0f} "
            f"| {median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) "
            f"| {'' if slug == NONE else f'{extra:+,.0f}'} |"
        )
    ratio = timings.median_ms(ALL) / none_ms
    verdict = "reached" if ratio < 2 else "NOT reached"
    lines.append(f"\nGoal (all five rules: batch time under twice the no-rules batch): {verdict} "
                 f"({ratio:.2f}).\n")  # fmt: skip
    lines += [f"- {slug}: {text}" for slug, text in found.items()]
    lines += [f"- {name}: {value}" for name, value in machine.items()]
    return "\n".join(lines) + "\n"


def timings_plans(
    timings: Timings, args: argparse.Namespace
) -> list[tuple[str, list[dict[str, Any]]]]:
    plans = campaign_rules(not args.no_per_rule)
    return [(slug, plans[slug]) for slug in timings.seconds]


async def benchmark(args: argparse.Namespace, postgres: EmbeddedPostgres, workdir: Path) -> str:
    url = postgres.sqlalchemy_url()
    database = Database(create_engine(url, pool_size=1))
    try:
        await import_layers(database)
        fixtures = await create_campaigns(database, not args.no_per_rule)
    finally:
        await database.dispose()
    # No write limit (one token posts every batch) and no webhook worker: only the request.
    settings = {"RELEVE_RATE_LIMIT_PER_MINUTE": "0", "RELEVE_WEBHOOKS_WORKER": "false"}
    admin = await asyncpg.connect(postgres.admin_dsn(), command_timeout=REQUEST_TIMEOUT_S)
    for setting in args.database_setting:  # checked by parse_args: a name and a plain value
        name, value = setting.split("=", 1)
        await admin.execute(f"ALTER DATABASE releve SET {name} = '{value}'")
    load_before = os.getloadavg()
    try:
        with serve_app(url, workdir, args.batch_size, settings) as base_url:
            headers = {"Authorization": f"Bearer {fixtures.token}"}
            async with httpx.AsyncClient(base_url=base_url, headers=headers,
                                         timeout=REQUEST_TIMEOUT_S) as client:  # fmt: skip
                await put_rules(client, fixtures)
                await load_existing(client, fixtures, args)
                await admin.execute("ANALYZE")
                timings = await measure(client, admin, fixtures, args)
        machine = {**describe_machine(), **await describe_server(admin)}
        machine["load average (1 min) before / after"] = (
            f"{load_before[0]:.2f} / {os.getloadavg()[0]:.2f}"
        )
        if args.database_setting:
            machine["experiment (not the app's settings)"] = ", ".join(args.database_setting)
        report = render(timings, await findings(admin), machine, args)
        if args.profile:
            report += await profile(url, fixtures, args)
    finally:
        await admin.close()
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=1_000, help="points per batch")
    parser.add_argument("--rounds", type=int, default=7, help="batches per campaign, timed")
    parser.add_argument("--existing", type=int, default=5_000,
                        help="observations stored in each campaign beforehand")  # fmt: skip
    parser.add_argument("--no-per-rule", action="store_true", help="skip the one-rule campaigns")
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--fast", action="store_true", help="fsync off (not production-like)")
    parser.add_argument("--profile", action="store_true", help="time each rule in-process")
    parser.add_argument(
        "--database-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="experiment: ALTER DATABASE ... SET NAME = VALUE before serving",
    )
    args = parser.parse_args(argv)
    if min(args.batch_size, args.rounds) < 1 or args.existing < 0:
        parser.error("--batch-size and --rounds must be positive, --existing not negative")
    for setting in args.database_setting:
        if not re.fullmatch(r"[a-z_]+=[A-Za-z0-9_.]+", setting):
            parser.error(f"--database-setting {setting!r}: expected name=value")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    missing = [str(path) for path in [DEPARTEMENT, *LAYER_FILES.values()] if not path.is_file()]
    if missing:
        sys.exit(f"missing data files (shared/ must sit beside the checkout): {missing}")
    install_signal_handlers()  # SIGTERM and SIGHUP still run the clean-up below
    workdir = Path(tempfile.mkdtemp(prefix="releve-bench-rules-"))
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
