"""The steps of an owner's form migration, and their effect on the form (no SQL here).

Each step is checked against the form as the previous steps left it; a bad step is a 422
naming ``/body/steps/N/...`` and nothing changes.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.campaigns.fields import RESERVED_NAMES, check_field_specs
from app.campaigns.schemas import FieldSpec
from app.errors import FieldError, ValidationFailed

FieldName = Annotated[str, Field(min_length=1, max_length=63)]
Convertible = Literal["text", "integer", "number"]


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: FieldName


class Rename(_Step):
    op: Literal["rename"]
    to: FieldName


class Retype(_Step):
    op: Literal["retype"]
    type: Convertible


class MergeChoices(_Step):
    op: Literal["merge_choices"]
    choices: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=200
    )
    into: Annotated[str, Field(min_length=1, max_length=200)]


class Default(_Step):
    op: Literal["default"]
    value: Any
    apply_to_existing: bool = False


Step = Annotated[Rename | Retype | MergeChoices | Default, Field(discriminator="op")]


class MigrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: list[Step] = Field(min_length=1, max_length=50)


# Members kept when a field changes type: those that mean the same for every type.
_KEPT_ON_RETYPE = ("name", "label", "help", "required", "relevant", "required_if")


def unconverted_name(field: str) -> str:
    """Where a retype keeps the values that do not convert, as text: nothing is lost."""
    return f"{field}_unconverted"


def _error(index: int, member: str, code: str, **params: Any) -> ValidationFailed:
    return ValidationFailed([FieldError(f"/body/steps/{index}/{member}", code, params)])


def _find(fields: list[dict[str, Any]], index: int, name: str) -> dict[str, Any]:
    spec = next((f for f in fields if f["name"] == name), None)
    if spec is None:
        raise _error(index, "field", "migration_unknown_field", field=name)
    return spec


def _free(
    name: str, fields: list[dict[str, Any]], taken: set[str], index: int, member: str
) -> None:
    if name in RESERVED_NAMES or name in taken or any(f["name"] == name for f in fields):
        raise _error(index, member, "migration_name_taken", name=name)


def plan(
    fields: list[dict[str, Any]], published: list[dict[str, Any]], steps: list[Any]
) -> list[dict[str, Any]]:
    """The form after the steps (``unconverted`` fields are added later, when needed);
    raises ValidationFailed on the first bad step. ``published`` names are never reused."""
    taken = {spec["name"] for spec in published}
    form = copy.deepcopy(fields)
    for index, step in enumerate(steps):
        spec = _find(form, index, step.field)
        if isinstance(step, Rename):
            _free(step.to, form, taken, index, "to")
            spec["name"] = step.to
        elif isinstance(step, Retype):
            _retype(form, spec, step, index, taken)
        elif isinstance(step, MergeChoices):
            _merge(spec, step, index)
        else:
            _default(spec, step, index)
    errors = check_field_specs([FieldSpec.model_validate(f) for f in form])
    if errors:
        raise ValidationFailed(errors)
    return form


def _retype(
    form: list[dict[str, Any]], spec: dict[str, Any], step: Retype, index: int, taken: set[str]
) -> None:
    if spec["type"] not in ("text", "integer", "number") or spec["type"] == step.type:
        raise _error(index, "type", "migration_incompatible_type", type=spec["type"],
                     reason=f"to {step.type}")  # fmt: skip
    if spec["type"] == "text" or (spec["type"], step.type) == ("number", "integer"):
        _free(unconverted_name(spec["name"]), form, taken, index, "field")
    kept = {k: v for k, v in spec.items() if k in _KEPT_ON_RETYPE}
    spec.clear()
    spec.update(kept, type=step.type)


def _merge(spec: dict[str, Any], step: MergeChoices, index: int) -> None:
    if spec["type"] != "choice":
        raise _error(index, "field", "migration_incompatible_type", type=spec["type"],
                     reason="only choices merge")  # fmt: skip
    values = [choice["value"] for choice in spec.get("choices") or []]
    for position, value in enumerate(step.choices):
        if value not in values or value == step.into:
            raise _error(index, f"choices/{position}", "migration_unknown_choice",
                         field=spec["name"], choice=value)  # fmt: skip
    if step.into not in values:
        raise _error(index, "into", "migration_unknown_choice", field=spec["name"],
                     choice=step.into)  # fmt: skip
    spec["choices"] = [c for c in spec["choices"] if c["value"] not in step.choices]


def _default(spec: dict[str, Any], step: Default, index: int) -> None:
    from app.campaigns.versions import compile_fields

    alone = {k: v for k, v in spec.items() if k not in ("relevant", "required_if", "constraint")}
    _, errors = compile_fields([alone]).validate({spec["name"]: step.value}, "")
    if errors or step.value is None:
        reason = errors[0].code if errors else "null"
        raise _error(index, "value", "migration_bad_default", reason=reason)
    spec["default"] = step.value


def retyped(steps: list[Any], original: list[dict[str, Any]]) -> list[tuple[int, str, str, str]]:
    """(index, field name at that step, from type, to type) of each retype step."""
    types = {f["name"]: f["type"] for f in original}
    out: list[tuple[int, str, str, str]] = []
    for index, step in enumerate(steps):
        if isinstance(step, Rename):
            types[step.to] = types.pop(step.field)
        elif isinstance(step, Retype):
            out.append((index, step.field, types[step.field], step.type))
            types[step.field] = step.type
    return out
