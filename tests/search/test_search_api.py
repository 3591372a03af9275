"""GET /api/v1/search: communes, streets and addresses by name, whatever the accents and case."""

from __future__ import annotations

from typing import Any

import httpx

from tests.search.conftest import search


def labels(results: list[dict[str, Any]]) -> list[str]:
    return [r["label"] for r in results]


async def test_accents_case_and_hyphens_do_not_matter(
    client: httpx.AsyncClient, places: dict[str, Any]
) -> None:
    for q in ("saint-jean", "Saint Jean", "ST JEAN", "saint jéan"):
        results = await search(client, q)
        assert results[0]["label"] == "Saint-Jean", (q, labels(results))
        assert results[0]["kind"] == "commune" and results[0]["layer"] == "communes-31"
