"""The form's logic on the server: relevance, required_if, constraints and calculations.

Compiled once per form (``FormLogic.compile``), applied by ``PropertiesValidator`` after each
value's own type check. The server is the authority: a value of a field that is not relevant is
dropped (not an error, and ``required`` does not apply), a ``calculate`` field's value is the
server's, a value that breaks its constraint is a ``constraint_failed`` error worded with the
owner's ``constraint_message`` in the request's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from app.campaigns.expressions import (
    Compiled,
    ExpressionError,
    build_instance,
    compile_expression,
    field_paths,
    value_text,
)
from app.campaigns.schemas import FieldSpec
from app.errors import FieldError, pointer
from app.i18n import label_text
from app.messages import render

LOGIC_MEMBERS = ("relevant", "required_if", "constraint", "calculation", "choice_filter")


def _paths(fields: Sequence[FieldSpec]) -> dict[str, str]:
    repeats = {f.name: [c.name for c in f.fields or []] for f in fields if f.type == "repeat"}
    return field_paths([f.name for f in fields], repeats)


def check_logic(
    fields: Sequence[FieldSpec], check_default: Callable[[FieldSpec, Any, str], FieldError | None]
) -> list[FieldError]:
    """Errors in the fields' expressions (unknown ``${name}``, syntax) and defaults."""
    paths = _paths(fields)
    errors: list[FieldError] = []
    for index, spec in enumerate(fields):
        base = pointer("fields", index)
        for member in LOGIC_MEMBERS:
            expression = getattr(spec, member)
            if expression is None:
                continue
            try:
                compile_expression(expression, paths)
            except ExpressionError as wrong:
                params = {"expression": expression[:200], **wrong.params}
                errors.append(FieldError(f"{base}/{member}", wrong.code, params))
        if spec.type == "calculate" and spec.calculation is None:
            errors.append(FieldError(f"{base}/calculation", "required"))
        if spec.default is not None:
            error = check_default(spec, spec.default, f"{base}/default")
            errors.extend([error] if error else [])
    return errors


@dataclass(slots=True)
class _FieldLogic:
    name: str
    required: bool
    relevant: Compiled | None
    required_if: Compiled | None
    constraint: Compiled | None
    calculation: Compiled | None
    messages: dict[str, str]
    choice_filter: Compiled | None = None
    choices: dict[str, dict[str, str]] | None = None  # value -> its columns (name + data)


def _compiled(expression: str | None, paths: dict[str, str]) -> Compiled | None:
    return None if expression is None else compile_expression(expression, paths)


def _constraint_messages(spec: FieldSpec) -> dict[str, str]:
    if spec.constraint_message:
        return {lang: label_text(spec.constraint_message, lang) for lang in ("en", "fr")}
    label = {lang: label_text(spec.label, lang) for lang in ("en", "fr")}
    return {lang: render("constraint_failed", lang, {"name": label[lang]}) for lang in ("en", "fr")}


class FormLogic:
    """The compiled logic of a form's top-level fields, in form order."""

    def __init__(self, fields: Sequence[FieldSpec]) -> None:
        paths = _paths(fields)
        self.names = [spec.name for spec in fields]
        self.fields = [
            _FieldLogic(
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
            for spec in fields
        ]
        # Fields whose `required` the logic decides (the plain check skips them).
        self.conditional = frozenset(
            f.name for f in self.fields if f.relevant or f.required_if or f.calculation
        )

    @classmethod
    def compile(cls, fields: Sequence[FieldSpec]) -> FormLogic | None:
        """The form's logic, or None when it has none (the validator then does nothing more)."""
        uses = any(getattr(spec, m) for spec in fields for m in LOGIC_MEMBERS)
        return cls(fields) if uses else None

    def apply(
        self, values: dict[str, Any], errors: list[FieldError], path: str
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """The values kept (non-relevant ones dropped, calculations set) and the errors (those
        of dropped values removed, required/constraint ones added)."""
        instance = build_instance(values, self.names)
        for _ in range(2):  # calculations first (twice: one may read a later one)
            for logic in self.fields:
                if logic.calculation:
                    _set(instance, logic.name, instance.find(logic.name), "")
                    result = logic.calculation.value(instance, logic.name)
                    _set(instance, logic.name, instance.find(logic.name), result)
        kept = dict(values)
        dropped: set[str] = set()
        added: list[FieldError] = []
        for logic in self.fields:
            element = instance.find(logic.name)
            if logic.relevant and not logic.relevant.condition(instance, logic.name):
                dropped.add(logic.name)
                kept.pop(logic.name, None)
                _set(instance, logic.name, element, "")
                continue
            if logic.calculation:
                result = logic.calculation.value(instance, logic.name)
                _set(instance, logic.name, element, result)
                if result:
                    kept[logic.name] = result
                else:
                    kept.pop(logic.name, None)
                continue
            added.extend(self._checks(logic, kept, instance, f"{path}{pointer(logic.name)}"))
        remaining = [e for e in errors if _field_of(e.path, path) not in dropped]
        return kept, remaining + added

    def _checks(
        self, logic: _FieldLogic, values: dict[str, Any], instance: ElementTree.Element, at: str
    ) -> list[FieldError]:
        if logic.name not in values:
            if logic.name in self.conditional and (
                logic.required
                or (logic.required_if and logic.required_if.condition(instance, logic.name))
            ):
                return [FieldError(at, "required")]
            return []
        if logic.constraint and not logic.constraint.condition(instance, logic.name):
            return [FieldError(at, "constraint_failed", {"name": logic.name}, logic.messages)]
        if logic.choice_filter:
            return _filtered_choices(logic, values[logic.name], instance, at)
        return []


def _filtered_choices(
    logic: _FieldLogic, value: Any, instance: ElementTree.Element, at: str
) -> list[FieldError]:
    """A chosen value must be one the choice filter offers (its columns read by name)."""
    assert logic.choice_filter is not None and logic.choices is not None
    offered = []
    for choice, columns in logic.choices.items():
        item = ElementTree.SubElement(instance, "_choice")
        for column, text in columns.items():
            ElementTree.SubElement(item, column).text = text
        if logic.choice_filter.condition(instance, "_choice"):
            offered.append(choice)
        instance.remove(item)
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


def _set(
    instance: ElementTree.Element, name: str, element: ElementTree.Element | None, text: str
) -> None:
    if element is not None and len(element) == 0:
        element.text = text
    elif element is None:
        ElementTree.SubElement(instance, name).text = text


def _field_of(error_path: str, base: str) -> str:
    rest = error_path[len(base) + 1 :] if error_path.startswith(base + "/") else ""
    return rest.split("/")[0].replace("~1", "/").replace("~0", "~")


__all__ = ["FormLogic", "check_logic", "value_text"]
