"""How a duplicate finding names its original: by its title and reference, not its UUID.

The title is the visited target's (monitoring campaigns), else the first text answer of the
original; the reference is the target's, else the start of the original's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.campaigns.models import Campaign
from app.quality import checks_repository as checks
from app.quality.findings import Candidate


def original_name(
    campaign: Campaign, original: Any, properties: dict[str, Any],
    target_title: str | None = None, target_reference: str | None = None,
) -> str:  # fmt: skip
    title = target_title or _first_text(campaign, properties)
    reference = target_reference or str(original)[:8]
    return f"{title} ({reference})" if title and title != reference else reference


def _first_text(campaign: Campaign, properties: dict[str, Any]) -> str | None:
    for spec in campaign.fields:
        value = properties.get(spec["name"])
        if spec["type"] == "text" and isinstance(value, str) and value.strip():
            return value.strip()[:80]
    return None


async def original_names(
    session: AsyncSession, campaign: Campaign, candidates: Iterable[Candidate], ids: list[Any]
) -> dict[Any, str]:
    """Names of the originals ``ids``: stored ones, or new ones of the same batch."""
    if not ids:
        return {}
    names = {c.id: original_name(campaign, c.id, c.values) for c in candidates if c.id in set(ids)}
    stored = [i for i in ids if i not in names]
    if stored:
        for oid, properties, title, reference in await checks.originals_described(session, stored):
            names[oid] = original_name(campaign, oid, properties, title, reference)
    return names
