"""``PartialUpdate``: the base of PATCH bodies, where a member left out keeps its value.

A PATCH member typed ``X | None`` defaults to None only to mean "not sent"; an explicit null for
a column that needs a value would reach the database and fail there (a 500). So null is refused
(422 naming the member) except for the members listed in ``CLEARABLE``, and the OpenAPI says so.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


def _without_null(schema: dict[str, Any], model: type[Any]) -> None:
    """In the OpenAPI, only the clearable members accept null (and none defaults to it)."""
    clearable: frozenset[str] = getattr(model, "CLEARABLE", frozenset())
    for name, member in schema.get("properties", {}).items():
        if name in clearable:
            continue
        member.pop("default", None)
        kept = [branch for branch in member.pop("anyOf", []) if branch.get("type") != "null"]
        if len(kept) == 1:
            member.update(kept[0])
        elif kept:
            member["anyOf"] = kept


class PartialUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_null)

    # Members that null clears (their column is nullable).
    CLEARABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.CLEARABLE:
            raise PydanticCustomError("null_not_allowed", "null is not allowed: leave it out")
        return value
