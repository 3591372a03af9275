"""The form's logic on the server: relevance, required_if, constraints and calculations.

Compiled once per form (``FormLogic.compile``), applied by ``PropertiesValidator`` after each
value's own type check. The server is the authority: a value of a field that is not relevant is
dropped (not an error, and ``required`` does not apply), a ``calculate`` field's value is the
server's, a value that breaks its constraint is a ``constraint_failed`` error worded with the
owner's ``constraint_message`` in the request's language. A repeat's children get the same in
each instance (repeat_logic.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.campaigns.expressions import (
    ExpressionError,
    build_instance,
    child_paths,
    compile_expression,
    field_paths,
    value_text,
)
from app.campaigns.field_logic import LOGIC_MEMBERS, field_checks, field_logic, uses_logic
from app.campaigns.repeat_logic import RepeatLogic
from app.campaigns.schemas import FieldSpec
from app.errors import FieldError, pointer


def _paths(fields: Sequence[FieldSpec]) -> dict[str, str]:
    repeats = {f.name: [c.name for c in f.fields or []] for f in fields if f.type == "repeat"}
    return field_paths([f.name for f in fields], repeats)


def _expression_errors(spec: FieldSpec, paths: Mapping[str, str], base: str) -> list[FieldError]:
    errors: list[FieldError] = []
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
    return errors


def check_logic(
    fields: Sequence[FieldSpec], check_default: Callable[[FieldSpec, Any, str], FieldError | None]
) -> list[FieldError]:
    """Errors in the fields' expressions (unknown ``${name}``, syntax) and defaults, a repeat's
    children's included (at /fields/N/fields/M/...)."""
    paths = _paths(fields)
    errors: list[FieldError] = []
    for index, spec in enumerate(fields):
        base = pointer("fields", index)
        errors.extend(_expression_errors(spec, paths, base))
        if spec.default is not None:
            error = check_default(spec, spec.default, f"{base}/default")
            errors.extend([error] if error else [])
        siblings = child_paths(paths, spec.name, [child.name for child in spec.fields or []])
        for position, child in enumerate(spec.fields or []):
            errors.extend(_expression_errors(child, siblings, f"{base}/fields/{position}"))
    return errors


class FormLogic:
    """The compiled logic of a form's fields, in form order."""

    def __init__(self, fields: Sequence[FieldSpec]) -> None:
        paths = _paths(fields)
        self.names = [spec.name for spec in fields]
        self.fields = [field_logic(spec, paths) for spec in fields]
        self.repeats = {
            spec.name: RepeatLogic(spec, paths)
            for spec in fields
            if spec.type == "repeat" and any(uses_logic(child) for child in spec.fields or [])
        }
        self.children = {
            spec.name: [child.name for child in spec.fields or []]
            for spec in fields
            if spec.type == "repeat"
        }
        # Fields whose `required` the logic decides (the plain check skips them).
        self.conditional = frozenset(f.name for f in self.fields if f.conditional)

    @classmethod
    def compile(cls, fields: Sequence[FieldSpec]) -> FormLogic | None:
        """The form's logic, or None when it has none (the validator then does nothing more)."""
        uses = any(uses_logic(spec) for spec in fields) or any(
            uses_logic(child) for spec in fields for child in spec.fields or []
        )
        return cls(fields) if uses else None

    def _calculate(self, root: Any) -> None:
        """Calculations first (twice: one may read a later one), each instance's included."""
        for _ in range(2):
            for repeat in self.repeats.values():
                repeat.calculate(root)
            for logic in self.fields:
                if logic.calculation:
                    _set(root, logic.name, "")
                    _set(root, logic.name, logic.calculation.value(root, logic.name))

    def apply(
        self,
        values: dict[str, Any],
        errors: list[FieldError],
        path: str,
        sent: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """The values kept (non-relevant ones dropped, calculations set) and the errors (those
        of dropped values removed, required/constraint ones added). ``sent`` gives the repeats
        refused by their own checks, whose instances the logic still reads."""
        sources = {**{name: (sent or {}).get(name) for name in self.repeats}, **values}
        root = build_instance(sources, self.names, self.children)
        self._calculate(root)
        kept = dict(values)
        dropped: set[str] = set()
        for logic in self.fields:
            at = f"{path}{pointer(logic.name)}"
            if logic.relevant and not logic.relevant.condition(root, logic.name):
                dropped.add(logic.name)
                kept.pop(logic.name, None)
                _clear(root, logic.name)
            elif logic.calculation:
                result = logic.calculation.value(root, logic.name)
                _set(root, logic.name, result)
                if result:
                    kept[logic.name] = result
                else:
                    kept.pop(logic.name, None)
            elif logic.name in self.repeats and isinstance(sources.get(logic.name), list):
                items, errors = self.repeats[logic.name].apply(
                    root, sources[logic.name], errors, at
                )
                if not any(e.path == at or e.path.startswith(at + "/") for e in errors):
                    kept[logic.name] = items
                errors = errors + field_checks(logic, kept, root, logic.name, root, at)
            else:
                errors = errors + field_checks(logic, kept, root, logic.name, root, at)
        remaining = [e for e in errors if _field_of(e.path, path) not in dropped]
        return kept, remaining


def _set(root: Any, name: str, text: str) -> None:
    element = root.find(name)
    if element is None:
        element = root.makeelement(name, {})
        root.append(element)
    if len(element) == 0:
        element.text = text


def _clear(root: Any, name: str) -> None:
    """A field that is not relevant reads as empty (a repeat: no instance)."""
    for element in root.findall(name):
        if len(element):
            root.remove(element)
        else:
            element.text = ""


def _field_of(error_path: str, base: str) -> str:
    rest = error_path[len(base) + 1 :] if error_path.startswith(base + "/") else ""
    return rest.split("/")[0].replace("~1", "/").replace("~0", "~")


__all__ = ["FormLogic", "check_logic", "value_text"]
