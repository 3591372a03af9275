"""XLSForm expressions (relevant, required_if, constraint, calculation), evaluated as XPath 1.0.

``${name}`` becomes a path into a small XML instance made of the form's values
(``<data><height>3</height><uses>shade fruit</uses></data>``), ``.`` is the field's own node,
and the OpenRosa functions people use in XLSForms are added to elementpath's XPath 1.0 parser
(see expression_functions.py). The field app builds the same instance and evaluates the same
XPath with openrosa-xpath-evaluator (pwa/logic.js); tests/forms/expression_cases.json holds the
cases both must agree on.

An expression that fails when evaluated (a bad regular expression, a wrong argument) gives a
defined result on both sides: false as a condition, '' as a value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree

from elementpath import XPathContext
from elementpath.exceptions import ElementPathError

from app.campaigns.expression_functions import OpenRosaParser

REFERENCE = re.compile(r"\$\{([^}]*)\}")
ROOT = "data"
_PARSER = OpenRosaParser()


class ExpressionError(ValueError):
    """An expression that cannot be compiled: its code and the wrong part."""

    def __init__(self, code: str, params: dict[str, Any]) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def references(expression: str) -> list[str]:
    """The field names an expression reads, in order of appearance."""
    return REFERENCE.findall(expression)


def field_paths(
    names: Iterable[str], repeats: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """Where each field sits in the instance: /data/name, a repeat's children /data/rep/name."""
    paths = {name: f"/{ROOT}/{name}" for name in names}
    for repeat, children in (repeats or {}).items():
        for child in children:
            paths.setdefault(child, f"/{ROOT}/{repeat}/{child}")
    return paths


def child_paths(paths: Mapping[str, str], repeat: str, children: Iterable[str]) -> dict[str, str]:
    """The paths a repeat's child reads (XLSForm's relative references, as pyxform writes
    them): a sibling is ``../name``, in the same instance; anything else stays absolute."""
    return {**paths, **{child: f"../{child}" for child in children}}


def to_xpath(expression: str, known: Iterable[str] | Mapping[str, str]) -> str:
    """The XPath of an XLSForm expression: each ``${name}`` becomes ``/data/name``."""
    paths = known if isinstance(known, Mapping) else field_paths(known)

    def path(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in paths:
            raise ExpressionError("unknown_field_reference", {"name": name})
        return paths[name]

    return REFERENCE.sub(path, expression)


@lru_cache(maxsize=4096)
def _parse(xpath: str) -> Any:
    try:
        return _PARSER.parse(xpath)
    except (ElementPathError, SyntaxError, ValueError, TypeError, KeyError) as error:
        raise ExpressionError("invalid_expression", {"error": str(error)[:200]}) from None
    except RecursionError:
        raise ExpressionError("invalid_expression", {"error": "nested too deeply"}) from None


# The node `.` stands for: a top-level field's name, or the element itself (a repeat's child
# in its instance).
Current = str | ElementTree.Element | None


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled expression: evaluate it as a condition or as a value."""

    source: str
    token: Any

    def condition(self, instance: ElementTree.Element, current: Current = None) -> bool:
        result = self._evaluate(instance, current)
        return False if result is None else truth(result)

    def value(self, instance: ElementTree.Element, current: Current = None) -> str:
        result = self._evaluate(instance, current)
        return "" if result is None else text(result)

    def _evaluate(self, instance: ElementTree.Element, current: Current) -> Any:
        item = instance.find(current) if isinstance(current, str) else current
        context = XPathContext(instance, item=item if item is not None else instance)
        try:
            return self.token.evaluate(context)
        except (ElementPathError, ArithmeticError, ValueError, TypeError, re.error, RecursionError):
            return None


def compile_expression(expression: str, known: Iterable[str] | Mapping[str, str]) -> Compiled:
    """Compile once (cached by its XPath); raises ExpressionError for unknown names or syntax."""
    if "\x00" in expression:
        raise ExpressionError("invalid_expression", {"error": "NUL character"})
    return Compiled(expression, _parse(to_xpath(expression, known)))


def expression_error(
    expression: str, known: Iterable[str] | Mapping[str, str]
) -> ExpressionError | None:
    try:
        compile_expression(expression, known)
    except ExpressionError as error:
        return error
    return None


def value_text(value: Any) -> str:
    """How a stored value reads in an expression (see the contract in DESIGN)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(float(value))
    if isinstance(value, list):
        return " ".join(value_text(item) for item in value)
    if isinstance(value, dict) and value.get("type") == "Point":
        lon, lat = value.get("coordinates", [0, 0])[:2]
        return f"{number_text(lat)} {number_text(lon)} 0 0"
    return str(value)


def build_instance(
    values: Mapping[str, Any],
    names: Iterable[str],
    repeats: Mapping[str, Sequence[str]] | None = None,
) -> ElementTree.Element:
    """The XML instance of the form's values: one element per field (empty when no value); a
    repeat named in ``repeats`` (its children's names) has one element per instance, each
    with every child (none when it has no instance)."""
    root = ElementTree.Element(ROOT)
    for name in names:
        value = values.get(name)
        if repeats and name in repeats:
            for item in value if isinstance(value, list) else []:
                group = ElementTree.SubElement(root, name)
                for child in repeats[name]:
                    found = item.get(child) if isinstance(item, dict) else None
                    ElementTree.SubElement(group, child).text = value_text(found)
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for instance in value:  # a repeat: one element per instance, its children inside
                group = ElementTree.SubElement(root, name)
                for child, child_value in instance.items():
                    ElementTree.SubElement(group, child).text = value_text(child_value)
            continue
        ElementTree.SubElement(root, name).text = value_text(value)
    return root


def number_text(value: float) -> str:
    """XPath's string() of a number as JavaScript writes it: 3 not 3.0, 0.1, NaN, Infinity.
    (Python's repr and JavaScript's String() both give the shortest text that reads back.)"""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def text(result: Any) -> str:
    """XPath string() of a result (a node list's first node, a number, a boolean...)."""
    if isinstance(result, list):
        result = result[0] if result else None
    if result is None:
        return ""
    if isinstance(result, bool):
        return "true" if result else "false"
    if isinstance(result, int | float | Decimal):
        return number_text(float(result))
    if isinstance(result, str):
        return result
    return _node_string(result)


def truth(result: Any) -> bool:
    """XPath boolean() of a result."""
    if isinstance(result, list):
        return bool(result)
    if isinstance(result, int | float | Decimal) and not isinstance(result, bool):
        return not math.isnan(float(result)) and result != 0
    return bool(result)


def _node_string(node: Any) -> str:
    return str(getattr(node, "compat_string_value", None) or getattr(node, "string_value", ""))
