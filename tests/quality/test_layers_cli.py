"""`releve layers import` and `releve layers list` against the test database.

The CLI commits for real (it runs its own asyncio loop, hence sync tests): each test deletes
the layers it made.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner, Result

from app.cli import cli
from app.db.session import create_engine
from app.quality.models import ReferenceLayer


@pytest.fixture
def slug(database_url: str) -> Iterator[str]:
    """A fresh layer slug, whose layer is deleted after the test."""
    name = f"cli-{uuid.uuid4().hex[:8]}"
    yield name
    asyncio.run(_delete_layer(database_url, name))


async def _delete_layer(url: str, slug: str) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(ReferenceLayer).where(ReferenceLayer.slug == slug))
    finally:
        await engine.dispose()


def releve(database_url: str, *args: str) -> Result:
    env: dict[str, str | None] = {
        "RELEVE_DATABASE_URL": database_url,
        "LANG": "C.UTF-8",
        "LC_ALL": None,
    }
    return CliRunner().invoke(cli, list(args), env=env)


def test_import_then_list(database_url: str, shared_data: Path, slug: str) -> None:
    path = shared_data / "reference" / "communes-31-haute-garonne.geojson"
    result = releve(database_url, "layers", "import", str(path), "--name", slug,
                    "--title", "Communes", "--licence", "etalab-2.0")  # fmt: skip
    assert result.exit_code == 0, result.output
    output = result.stdout
    assert f"Layer '{slug}' imported." in output
    assert "  imported: 587" in output and "  source_crs: EPSG:4326" in output
    listed = releve(database_url, "layers", "list")
    assert f"{slug}\t587 features\tPolygon\tCommunes" in listed.stdout


def test_csv_options_and_errors(database_url: str, tmp_path: Path, slug: str) -> None:
    path = tmp_path / "l93.csv"
    path.write_text("name,E,N\ncapitole,574357.38,6279620.75\n", encoding="utf-8")
    missing = releve(database_url, "layers", "import", str(path), "--name", slug)
    assert missing.exit_code == 1
    assert "No coordinate columns found in 'l93.csv'" in missing.stderr
    bad_slug = releve(database_url, "layers", "import", str(path), "--name", "Bad Slug")
    assert bad_slug.exit_code == 2
    assert "--name: String should match pattern" in bad_slug.stderr
    imported = releve(database_url, "layers", "import", str(path), "--name", slug,
                      "--x-column", "E", "--y-column", "N", "--crs", "EPSG:2154")  # fmt: skip
    assert imported.exit_code == 0, imported.output
    assert "  extent: [1.44419" in imported.stdout and "source_crs: EPSG:2154" in imported.stdout
