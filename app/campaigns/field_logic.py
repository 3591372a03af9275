"""One field's compiled logic and its checks, shared by the form's top-level fields
(form_logic.py) and a repeat's children in each instance (repeat_logic.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from app.campaigns.expressions import Compiled, Current, compile_expression
from app.campaigns.schemas import FieldSpec
from app.errors import FieldError
from app.i18n import label_text
from app.messages import render

LOGIC_MEMBERS = ("relevant", "required_if", "constraint", "calculation", "choice_filter")


@dataclass(slots=True)
class FieldLogic:
    name: str
    required: bool
    relevant: Compiled | None
    required_if: Compiled | None
    constraint: Compiled | None
    calculation: Compiled | None
    messages: dict[str, str]
    choice_filter: Compiled | None = None
    choices: dict[str, dict[str, str]] | None = None  # value -> its columns (name + data)

    @property
    def conditional(self) -> bool:
        """Whether the logic decides the field's `required` (the plain check skips it)."""
        return bool(self.relevant or self.required_if or self.calculation)


def uses_logic(spec: FieldSpec) -> bool:
    return any(getattr(spec, member) for member in LOGIC_MEMBERS)


def _compiled(expression: str | None, paths: Mapping[str, str]) -> Compiled | None:
    return None if expression is None else compile_expression(expression, paths)


def _constraint_messages(spec: FieldSpec) -> dict[str, str]:
    if spec.constraint_message:
        return {lang: label_text(spec.constraint_message, lang) for lang in ("en", "fr")}
    label = {lang: label_text(spec.label, lang) for lang in ("en", "fr")}
    return {lang: render("constraint_failed", lang, {"name": label[lang]}) for lang in ("en", "fr")}


def field_logic(spec: FieldSpec, paths: Mapping[str, str]) -> FieldLogic:
    """The field's expressions compiled against ``paths`` (checked already: they compile)."""
    return FieldLogic(
        spec.name,
        spec.required,
        _compiled(spec.relevant, paths),
        _compiled(spec.required_if, paths),
        _compiled(spec.constraint, paths),
        _compiled(spec.calculation, paths) if spec.type == "calculate" else None,
        _constraint_messages(spec) if spec.constraint else {},
        _compiled(spec.choice_filter, paths),
        {c.value: {**(c.data or {}), "name": c.value} for c in spec.choices or []},
    )


def field_checks(
    logic: FieldLogic,
    values: Mapping[str, Any],
    root: ElementTree.Element,
    current: Current,
    parent: ElementTree.Element,
    at: str,
) -> list[FieldError]:
    """required (when the logic decides it), constraint and choice filter of one relevant
    field; ``current`` is its node, ``parent`` the element its siblings sit in."""
    if logic.name not in values:
        if logic.conditional and (
            logic.required or (logic.required_if and logic.required_if.condition(root, current))
        ):
            return [FieldError(at, "required")]
        return []
    if logic.constraint and not logic.constraint.condition(root, current):
        return [FieldError(at, "constraint_failed", {"name": logic.name}, logic.messages)]
    if logic.choice_filter:
        return _filtered_choices(logic, values[logic.name], root, parent, at)
    return []


def _filtered_choices(
    logic: FieldLogic,
    value: Any,
    root: ElementTree.Element,
    parent: ElementTree.Element,
    at: str,
) -> list[FieldError]:
    """A chosen value must be one the choice filter offers (its columns read by name, the
    choice being a node among the field's siblings)."""
    assert logic.choice_filter is not None and logic.choices is not None
    offered = []
    for choice, columns in logic.choices.items():
        item = ElementTree.SubElement(parent, "_choice")
        for column, text in columns.items():
            ElementTree.SubElement(item, column).text = text
        if logic.choice_filter.condition(root, item):
            offered.append(choice)
        parent.remove(item)
    chosen = value if isinstance(value, list) else [value]
    listed = ", ".join(offered)
    return [
        FieldError(
            at + (f"/{i}" if isinstance(value, list) else ""),
            "not_a_choice",
            {"value": v, "choices": listed},
        )
        for i, v in enumerate(chosen)
        if v not in offered
    ]
