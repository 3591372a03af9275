"""Reference layer import benchmark: the Toulouse addresses through the CLI's path, against the
COPY floor.

One run starts a throwaway embedded PostGIS (durable, as in production, unless --fast),
migrates it, and times:

1. the import as `releve layers import` runs it (``app.cli.run_in_session`` around
   ``app.quality.layers.import_layer``: GDAL read in chunks, COPY into staging, one
   INSERT ... SELECT with reprojection and repair, the slug swap, the commit), --runs times,
   each into empty tables (the previous layer deleted and the table vacuumed beforehand);
2. the same import once more over the existing layer (a replacement: the old layer's
   features are deleted in the same transaction);
3. the floor: the same rows, read and encoded before the clock starts, COPYed by asyncpg
   straight into reference_features (properties as jsonb, points as EWKB), one transaction;
4. for scale, the GDAL read alone (pyogrio.raw.read of the whole file into arrays).

Usage: .venv/bin/python bench/import_layers.py [--path FILE] [--runs N] [--fast]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import struct
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import median
from typing import Any

import asyncpg
import orjson
import pyogrio.raw

from app.cli import run_in_session
from app.db import migrate
from app.db.embedded import EmbeddedPostgres, install_signal_handlers
from app.quality import layers
from app.quality.schemas import LayerImport

ROOT = Path(__file__).resolve().parents[1]
ADDRESSES = ROOT.parent / "shared" / "data" / "reference" / "adresses_toulouse_2012.geojson"
SLUG = "bench-adresses"
GOAL_SECONDS = 15.0
EWKB_POINT_4326 = struct.pack("<II", 0x20000001, 4326)  # type Point with the SRID flag, SRID


def import_once(url: str, path: Path) -> tuple[float, int]:
    """Wall-clock seconds and features imported, through the CLI's functions."""

    async def work(session: Any) -> int:
        layer = await layers.import_layer(session, path, LayerImport(slug=SLUG))
        return layer.feature_count

    started = time.perf_counter()
    count = run_in_session(url, work)
    return time.perf_counter() - started, count


def floor_records(path: Path) -> list[tuple[str, bytes, bytes]]:
    """(source_id, JSON properties, EWKB) of every feature, as the floor COPYs them."""
    meta, fids, geometries, columns = pyogrio.raw.read(path, return_fids=True)
    names = [str(name) for name in meta["fields"]]
    values = [column.tolist() for column in columns]
    return [
        (str(fid), orjson.dumps(dict(zip(names, row, strict=True))), _ewkb(wkb))
        for fid, wkb, *row in zip(fids.tolist(), geometries.tolist(), *values, strict=True)
    ]


def _ewkb(wkb: bytes) -> bytes:
    # GDAL writes little-endian 2D point WKB: byte order, type, x, y.
    assert wkb[:5] == b"\x01\x01\x00\x00\x00", "the floor handles 2D points only"
    return b"\x01" + EWKB_POINT_4326 + wkb[5:]


async def copy_floor(dsn: str, records: list[tuple[str, bytes, bytes]]) -> float:
    """Seconds to COPY ``records`` into reference_features and commit."""
    connection = await asyncpg.connect(dsn)
    try:
        await _binary_codecs(connection)
        layer_id = uuid.uuid4()
        await connection.execute(
            "INSERT INTO reference_layers (id, slug, title) VALUES ($1, $2, 'floor')",
            layer_id,
            "bench-floor",
        )
        rows = [(layer_id, source_id, props, geom) for source_id, props, geom in records]
        started = time.perf_counter()
        async with connection.transaction():
            await connection.copy_records_to_table(
                "reference_features",
                records=rows,
                columns=("layer_id", "source_id", "properties", "geom"),
            )
        return time.perf_counter() - started
    finally:
        await connection.close()


async def _binary_codecs(connection: asyncpg.Connection) -> None:
    """jsonb and geometry sent as bytes, as PostgreSQL's binary formats take them."""
    await connection.set_type_codec(
        "jsonb", schema="pg_catalog", format="binary",
        encoder=lambda value: b"\x01" + value, decoder=lambda value: value,
    )  # fmt: skip
    await connection.set_type_codec(
        "geometry", schema="public", format="binary",
        encoder=lambda value: value, decoder=lambda value: value,
    )  # fmt: skip


async def reset(dsn: str) -> None:
    """Empty the layer tables and vacuum them, so that every run starts alike."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("TRUNCATE reference_layers, reference_features")
        await connection.execute("VACUUM ANALYZE reference_layers, reference_features")
    finally:
        await connection.close()


async def describe_server(dsn: str) -> dict[str, str]:
    connection = await asyncpg.connect(dsn)
    try:
        durability = await connection.fetchval(
            "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings "
            "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')"
        )
        return {
            "PostgreSQL": await connection.fetchval("SHOW server_version"),
            "PostGIS": await connection.fetchval(
                "SELECT postgis_lib_version() || ', GEOS ' || postgis_geos_version() "
                "|| ', PROJ ' || postgis_proj_version()"
            ),
            "durability": durability,
        }
    finally:
        await connection.close()


def describe_machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": model,
        "Python": platform.python_version(),
        "GDAL (pyogrio)": f"{pyogrio.__gdal_version_string__} ({pyogrio.__version__})",
    }


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def benchmark(postgres: EmbeddedPostgres, path: Path, runs: int) -> str:
    url, dsn = postgres.sqlalchemy_url(), postgres.dsn()
    load_before = os.getloadavg()[0]
    imports: list[float] = []
    count = 0
    for _ in range(runs):
        asyncio.run(reset(dsn))
        seconds, count = import_once(url, path)
        imports.append(seconds)
    replacement, _ = import_once(url, path)
    records = floor_records(path)
    floors = []
    for _ in range(runs):
        asyncio.run(reset(dsn))
        floors.append(asyncio.run(copy_floor(dsn, records)))
    read = median(timed(lambda: pyogrio.raw.read(path)) for _ in range(runs))
    machine = {**describe_machine(), **asyncio.run(describe_server(dsn))}
    # Other work on the machine shows here: a busy second core slows the overlapped steps.
    machine["load average (1 min) before / after"] = f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"
    return render(path, count, imports, replacement, floors, read, machine)


def render(
    path: Path,
    count: int,
    imports: list[float],
    replacement: float,
    floors: list[float],
    read: float,
    machine: dict[str, str],
) -> str:
    floor = median(floors)
    rows = [
        ("import, as `releve layers import` (empty tables)", median(imports), imports),
        ("import replacing the existing layer", replacement, [replacement]),
        ("floor: asyncpg COPY into reference_features", floor, floors),
        ("for scale: GDAL read alone (pyogrio.raw.read)", read, [read]),
    ]
    lines = [
        f"{count:,} features of {path.name}; seconds: median of {len(imports)} runs (range)\n",
        "| step | seconds | range | features/s | ratio to the floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, seconds, values in rows:
        lines.append(
            f"| {label} | {seconds:.2f} | {min(values):.2f}–{max(values):.2f} "
            f"| {count / seconds:,.0f} | {seconds / floor:.1f} |"
        )
    verdict = "reached" if max(imports) < GOAL_SECONDS else "NOT reached"
    lines.append(f"\nGoal (import under {GOAL_SECONDS:.0f} s): {verdict}.\n")
    lines += [f"- {name}: {value}" for name, value in machine.items()]
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, default=ADDRESSES, help="file to import")
    parser.add_argument("--runs", type=int, default=3, help="times each step runs")
    parser.add_argument("--fast", action="store_true", help="fsync off (not production-like)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be positive")
    if not args.path.is_file():
        parser.error(f"{args.path} not found (the shared data sits beside the checkout)")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    install_signal_handlers()  # SIGTERM and SIGHUP still run the clean-up below
    workdir = Path(tempfile.mkdtemp(prefix="releve-bench-layers-"))
    postgres = EmbeddedPostgres(workdir / "data", fast=args.fast)
    try:
        postgres.start()
        migrate.upgrade(postgres.sqlalchemy_url())
        print(benchmark(postgres, args.path, args.runs))
    finally:
        postgres.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
