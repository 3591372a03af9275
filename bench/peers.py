"""The peers of the serving benchmark: tipg and pygeoapi, each in its own uvicorn process.

They are installed by pip into their own virtualenv (bench/.venv-peers, git-ignored), so that
their dependencies never touch Relevé's, and serve views of the same observations Relevé
publishes (schema ``bench_peers``): tipg reads a view directly, pygeoapi through its PostgreSQL
provider, configured by a generated file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from common import free_port, run_server

VENV = Path(__file__).resolve().parent / ".venv-peers"
# The newest pygeoapi for Python 3.11 (0.22 and later need 3.12).
PACKAGES = ("tipg==1.6.1", "pygeoapi==0.21.0", "uvicorn[standard]", "psycopg2-binary",
            "GeoAlchemy2")  # fmt: skip
IMPORTS = "import tipg, pygeoapi, uvicorn, uvloop, httptools, psycopg2, geoalchemy2"
PIP_TIMEOUT_S = 900
START_TIMEOUT_S = 120
SCHEMA = "bench_peers"
MAX_ITEMS = 10_000


def install(venv: Path = VENV) -> tuple[Path | None, str]:
    """The peers' Python, installing them when missing, and their versions; or None and why."""
    python = venv / "bin" / "python"
    try:
        if not python.exists():
            command = [sys.executable, "-m", "venv", str(venv)]
            subprocess.run(command, check=True, timeout=300, capture_output=True, text=True)
        if subprocess.run([python, "-c", IMPORTS], capture_output=True).returncode != 0:
            print(f"  installing {', '.join(PACKAGES)} into {venv}…", file=sys.stderr)
            command = [str(python), "-m", "pip", "install", "-q", *PACKAGES]
            subprocess.run(command, check=True, timeout=PIP_TIMEOUT_S, capture_output=True,
                           text=True)  # fmt: skip
    except subprocess.CalledProcessError as error:
        return None, f"{' '.join(map(str, error.cmd))}: {(error.stderr or '')[-1500:]}"
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    script = ("import importlib.metadata as m; print(', '.join(p + ' ' + m.version(p) for p in "
              "('tipg', 'pygeoapi', 'uvicorn', 'uvloop')))")  # fmt: skip
    versions = subprocess.run([python, "-c", script], capture_output=True, text=True, check=False)
    return python, versions.stdout.strip()


async def create_views(
    dsn: str, points: uuid.UUID, polygons: uuid.UUID, statuses: Sequence[str]
) -> None:
    """Views of the published observations of both campaigns, with the members Relevé
    publishes as typed columns (what a GIS person would write for tipg or pygeoapi)."""
    published = ", ".join(f"'{status}'" for status in statuses)
    common = "observed_at, status, created_at, updated_at, quality_score, version"
    views = {
        "points": f"""id, geom, properties->>'species' AS species,
            (properties->>'height_m')::float8 AS height_m, (properties->>'trunks')::int AS trunks,
            properties->>'health' AS health, (properties->>'remarkable')::boolean AS remarkable,
            accuracy_m, {common}""",
        "polygons": f"""id, geom, properties->>'usage' AS usage,
            (properties->>'levels')::int AS levels, {common}""",
    }
    campaigns = {"points": points, "polygons": polygons}
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        for name, columns in views.items():
            await connection.execute(
                f"CREATE VIEW {SCHEMA}.{name} AS SELECT {columns} FROM observations "
                f"WHERE campaign_id = '{campaigns[name]}' AND status IN ({published})"
            )
    finally:
        await connection.close()


@contextmanager
def serve_tipg(python: Path, dsn: str, workdir: Path) -> Iterator[str]:
    """tipg (one uvicorn worker) over the views; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": dsn, "TIPG_DB_SCHEMAS": f'["{SCHEMA}"]',
           "TIPG_MAX_FEATURES_PER_QUERY": str(MAX_ITEMS), "TIPG_DEBUG": "false"}  # fmt: skip
    command = [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with run_server(command, env, workdir, f"{base_url}/healthz", "tipg", START_TIMEOUT_S):
        yield base_url


@contextmanager
def serve_pygeoapi(python: Path, database_port: int, workdir: Path) -> Iterator[str]:
    """pygeoapi (its Starlette app, one uvicorn worker) over the views; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    config, openapi = workdir / "pygeoapi-config.yml", workdir / "pygeoapi-openapi.yml"
    config.write_bytes(orjson.dumps(pygeoapi_config(base_url, database_port)))  # JSON is YAML
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    generate = [str(python.parent / "pygeoapi"), "openapi", "generate", str(config),
                "--output-file", str(openapi)]  # fmt: skip
    subprocess.run(generate, env=env, check=True, capture_output=True, timeout=120, cwd=workdir)
    command = [str(python), "-m", "uvicorn", "pygeoapi.starlette_app:APP", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    health = f"{base_url}/collections/points?f=json"
    with run_server(command, env, workdir, health, "pygeoapi", START_TIMEOUT_S):
        yield base_url


def pygeoapi_config(base_url: str, database_port: int) -> dict[str, Any]:
    def collection(table: str) -> dict[str, Any]:
        data = {"host": "127.0.0.1", "port": database_port, "dbname": "releve",
                "user": "releve", "search_path": [SCHEMA]}  # fmt: skip
        provider = {"type": "feature", "name": "PostgreSQL", "data": data, "id_field": "id",
                    "table": table, "geom_field": "geom"}  # fmt: skip
        spatial = {"bbox": [-180, -90, 180, 90],
                   "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}  # fmt: skip
        return {"type": "collection", "title": table, "description": table,
                "keywords": ["bench"], "extents": {"spatial": spatial},
                "providers": [provider]}  # fmt: skip

    contact = {"name": "bench", "position": "bench", "address": "bench", "city": "bench",
               "stateorprovince": "bench", "postalcode": "0", "country": "FR", "phone": "0",
               "fax": "0", "email": "bench@example.org", "url": base_url, "hours": "0",
               "instructions": "none", "role": "pointOfContact"}  # fmt: skip
    server = {"bind": {"host": "127.0.0.1", "port": int(base_url.rsplit(":", 1)[1])},
              "url": base_url, "mimetype": "application/json; charset=UTF-8",
              "encoding": "utf-8", "languages": ["en-US"], "pretty_print": False,
              "limits": {"default_items": 10, "max_items": MAX_ITEMS},
              "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                      "attribution": "OpenStreetMap"}}  # fmt: skip
    identification = {"title": "bench", "description": "bench", "keywords": ["bench"],
                      "keywords_type": "theme", "terms_of_service": "",
                      "url": base_url}  # fmt: skip
    return {
        "server": server,
        "logging": {"level": "ERROR"},
        "metadata": {"identification": identification,
                     "license": {"name": "etalab-2.0", "url": base_url},
                     "provider": {"name": "bench", "url": base_url}, "contact": contact},
        "resources": {"points": collection("points"), "polygons": collection("polygons")},
    }  # fmt: skip
