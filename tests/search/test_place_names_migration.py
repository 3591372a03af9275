"""Migration 0023 builds the place names of the layers already there."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import migrate

LAYER = "00000000-0000-0000-0000-000000000023"


async def _run(url: str, *statements: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        rows: list[tuple[object, ...]] = []
        for statement in statements:
            result = await connection.execute(text(statement))
            rows = [tuple(row) for row in result] if result.returns_rows else []
    await engine.dispose()
    return rows


def test_upgrade_indexes_existing_layers(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "0022_campaign_basemap")
    asyncio.run(_run(
        empty_database_url,
        f"INSERT INTO reference_layers (id, slug, title, properties_schema) VALUES ('{LAYER}', "
        """'communes', 'Communes', '[{"name": "code"}, {"name": "nom"}]')""",
        "INSERT INTO reference_features (layer_id, properties, geom) VALUES "
        f"""('{LAYER}', '{{"code": "31555", "nom": "Toulouse"}}', 'SRID=4326;POINT(1.44 43.6)')""",
    ))  # fmt: skip
    try:
        migrate.upgrade(empty_database_url)
        rows = asyncio.run(
            _run(empty_database_url, "SELECT label, kind, norm_label FROM place_names")
        )
        assert rows == [("Toulouse", "commune", "toulouse")]
    finally:
        asyncio.run(_run(empty_database_url, f"DELETE FROM reference_layers WHERE id = '{LAYER}'"))
