"""Helpers shared by the benchmarks: servers on loopback, load generation, the machine.

Every benchmark runs its servers (the app under uvicorn, and peers) as child processes bound to
127.0.0.1 on a free port, waits until they answer, and stops them on the way out, also when the
measurement fails. Load is bounded in time and in requests: wrk when it is there, else a Python
load generator. The report ends with the machine, the code measured and the database.
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from app.db import migrate

SERVER_START_TIMEOUT_S = 30
SERVER_STOP_TIMEOUT_S = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def run_server(
    command: Sequence[str],
    env: Mapping[str, str],
    workdir: Path,
    health_url: str,
    name: str = "uvicorn",
    start_timeout: float = SERVER_START_TIMEOUT_S,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` (its output in ``workdir/<name>.log``), wait until ``health_url``
    answers 200, and stop it (SIGTERM, then SIGKILL) when the block ends."""
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        # cwd: the temporary directory, so that a developer's .env does not change the figures.
        process = subprocess.Popen(list(command), cwd=workdir, env=dict(env), stdout=log,
                                   stderr=log)  # fmt: skip
    try:
        wait_healthy(process, health_url, log_path, start_timeout)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(
    process: subprocess.Popen[bytes],
    url: str,
    log_path: Path,
    timeout: float = SERVER_START_TIMEOUT_S,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200:\n{log_path.read_text()[-3000:]}")


@contextmanager
def serve_app(
    url: str, workdir: Path, max_batch: int, extra_env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """The real app under uvicorn (one process, uvloop and httptools as installed); yields its
    base URL. ``extra_env`` adds or overrides ``RELEVE_*`` settings."""
    port = free_port()
    # Benchmarks measure throughput: the per-token write limit and the webhook worker are off.
    env = {**os.environ, "RELEVE_DATABASE_URL": url, "RELEVE_MAX_BATCH_FEATURES": str(max_batch),
           "RELEVE_RATE_LIMIT_PER_MINUTE": "0", "RELEVE_WEBHOOKS_WORKER": "false",
           **(extra_env or {})}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
               "--log-level", "warning"]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with run_server(command, env, workdir, f"{base_url}/healthz"):
        yield base_url


def describe_machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    meminfo = Path("/proc/meminfo").read_text().split()
    ram_gib = int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2
    return {
        "code": describe_code(),
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": model,
        "RAM": f"{ram_gib:.1f} GiB",
        "Python": platform.python_version(),
    }


def describe_code() -> str:
    """The commit measured, and whether app/ or migrations/ differed from it."""
    root = Path(migrate.__file__).resolve().parents[2]
    git = ["git", "-C", str(root)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()  # fmt: skip
        changes = subprocess.run([*git, "status", "--porcelain", "app", "migrations"],
                                 capture_output=True, text=True, check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (
        " with uncommitted changes in app/ or migrations/" if changes else ""
    )


async def describe_server(admin: asyncpg.Connection) -> dict[str, str]:
    version = await admin.fetchval("SHOW server_version")
    postgis = await admin.fetchval(
        "SELECT postgis_lib_version() || ', GEOS ' || postgis_geos_version()"
    )
    durability = await admin.fetchval(
        "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings "
        "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')"
    )
    return {"PostgreSQL": version, "PostGIS": postgis, "durability": durability}


# --- load: timed requests, bounded in time and in count ----------------------------------------


@dataclass(slots=True)
class Load:
    """Requests made in ``seconds`` by some clients; latencies in seconds."""

    requests: int
    seconds: float
    p50: float
    p99: float
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[round(fraction * (len(ordered) - 1))] if ordered else math.nan


async def python_load(
    call: Callable[[int], Awaitable[bool]], clients: int, duration: float, max_requests: int
) -> Load:
    """``clients`` workers each await ``call(worker number)`` back to back until ``duration``
    seconds have passed or ``max_requests`` were made; ``call`` says whether it succeeded."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def worker(number: int) -> None:
        nonlocal errors
        while time.perf_counter() < deadline and len(latencies) < max_requests:
            start = time.perf_counter()
            succeeded = await call(number)
            latencies.append(time.perf_counter() - start)
            errors += not succeeded

    start = time.perf_counter()
    await asyncio.gather(*(worker(number) for number in range(clients)))
    seconds = time.perf_counter() - start
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return Load(len(latencies), seconds, p50, p99, errors)


def ensure_wrk(choice: str) -> str | None:
    """The path of wrk, installed with apt-get when missing (as root); None: use Python.

    ``choice``: "python" never uses wrk, "wrk" requires it, "auto" uses it when it can."""
    if choice == "python":
        return None
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("  installing wrk (apt-get install wrk)…", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        with suppress(subprocess.TimeoutExpired):
            command = ["apt-get", "install", "-y", "-q", "wrk"]
            subprocess.run(command, env=env, timeout=300, capture_output=True, check=False)
        found = shutil.which("wrk")
    if found is None and choice == "wrk":
        raise SystemExit("wrk is not installed and could not be installed")
    return found


def wrk_version(wrk: str) -> str:
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False).stdout
    return output.split("\n")[0].split(" Copyright")[0]


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk_load(wrk: str, url: str, clients: int, duration: float) -> Load:
    """``clients`` connections of one wrk thread, for ``duration`` seconds (no compression)."""
    command = [wrk, "-t1", f"-c{clients}", f"-d{max(1, round(duration))}s", "--latency",
               "--timeout", "60s", "-H", "Accept-Encoding: identity", url]  # fmt: skip
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 90
    ).stdout
    totals = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    if totals is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", output, re.MULTILINE))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)  # fmt: skip
    errors = (int(failed.group(1)) if failed else 0) + (
        sum(map(int, socket.groups())) if socket else 0
    )
    seconds = float(totals.group(2)) * _WRK_UNITS[totals.group(3)]
    p50, p99 = _wrk_seconds(percentiles["50"]), _wrk_seconds(percentiles["99"])
    return Load(int(totals.group(1)), seconds, p50, p99, errors)


def _wrk_seconds(value: str) -> float:
    found = re.fullmatch(r"([\d.]+)(\w+)", value)
    assert found is not None, value
    return float(found.group(1)) * _WRK_UNITS[found.group(2)]


# --- answers ----------------------------------------------------------------------------------


def count_mvt_features(data: bytes) -> int:
    """Features in all layers of a Mapbox Vector Tile (a minimal protobuf reader)."""
    count = 0
    for number, payload in _protobuf_fields(data):
        if number == 3:  # Tile.layers
            count += sum(1 for inner, _ in _protobuf_fields(payload) if inner == 2)  # features
    return count


def _protobuf_fields(data: bytes) -> Iterator[tuple[int, bytes]]:
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            _, position = _varint(data, position)
            yield number, b""
        elif wire_type == 2:
            length, position = _varint(data, position)
            yield number, data[position : position + length]
            position += length
        else:  # 1: 64 bits, 5: 32 bits
            position += 8 if wire_type == 1 else 4
            yield number, b""


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7
