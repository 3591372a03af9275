"""Owner migrations of a campaign's form: one request, one new form version.

The steps are checked first (``migration_steps.plan``: nothing changes on a bad step), then
each rewrites the affected observations in one SQL statement, and every rewritten observation
gets one new version ("form migration to version N") with a new change_seq, so the change
feed and mirrors see it, and moves to the new form version. The request is logged in
``form_versions`` (who, when, the steps, how many observations each step touched).

Nothing is lost: a rename moves the values, a merge maps the merged choices onto the kept
one, and a retype converts what converts and keeps every other value, as text, in a new text
field ``<field>_unconverted`` added to the form right after the field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.campaigns import migration_repository as sql
from app.campaigns import versions
from app.campaigns.migration_steps import (
    Default,
    MergeChoices,
    MigrationIn,
    Rename,
    Retype,
    plan,
    retyped,
    unconverted_name,
)
from app.campaigns.models import Campaign, FormVersion


def _unconverted_spec(spec: dict[str, Any]) -> dict[str, Any]:
    label = {tag: f"{text} (?)" for tag, text in spec["label"].items()}
    return {"name": unconverted_name(spec["name"]), "type": "text", "label": label}


async def _apply(
    session: AsyncSession, campaign: Campaign, step: Any, types: dict[int, tuple[str, str]],
    index: int, form: list[dict[str, Any]],
) -> tuple[set[Any], dict[str, int]]:  # fmt: skip
    """Run one step's SQL; returns the ids rewritten and the step's counts."""
    cid = campaign.id
    if isinstance(step, Rename):
        ids = await sql.rename(session, cid, step.field, step.to)
    elif isinstance(step, MergeChoices):
        ids = await sql.merge_choices(session, cid, step.field, step.choices, step.into)
    elif isinstance(step, Default):
        ids = set()
        if step.apply_to_existing:
            ids = await sql.default(session, cid, step.field, step.value)
    else:
        assert isinstance(step, Retype)
        ids, unconverted = await sql.retype(
            session, cid, step.field, types[index], unconverted_name(step.field)
        )
        if unconverted:
            position = next(i for i, f in enumerate(form) if f["name"] == step.field)
            form.insert(position + 1, _unconverted_spec(form[position]))
        return ids, {"observations": len(ids), "unconverted": unconverted}
    return ids, {"observations": len(ids)}


async def migrate(
    session: AsyncSession, campaign: Campaign, body: MigrationIn, user: User
) -> FormVersion:
    """Apply the steps as one new form version (see the module's doc)."""
    await session.refresh(campaign, with_for_update=True)
    form = plan(campaign.fields, versions.published_fields(campaign), body.steps)
    types = {index: (old, new) for index, _, old, new in retyped(body.steps, campaign.fields)}
    touched: set[Any] = set()
    counts: list[dict[str, int]] = []
    for index, step in enumerate(body.steps):
        ids, step_counts = await _apply(session, campaign, step, types, index, form)
        touched |= ids
        counts.append(step_counts)
    campaign.fields = form
    version = await versions.record(
        session, campaign, user.id, "migration",
        steps=[step.model_dump(mode="json") for step in body.steps],
        counts={"steps": counts, "observations": len(touched)},
    )  # fmt: skip
    reason = f"form migration to version {version}"
    await sql.new_versions(session, touched, version, user.id, reason)
    row = await versions.get_version(session, campaign.id, version)
    assert row is not None
    return row
