"""XLSForm logic cells made FieldSpec members: required, defaults, bounds in constraints."""

from __future__ import annotations

import re
from typing import Any

_UNSUPPORTED = re.compile(
    r"\b(pulldata|indexed-repeat|jr:choice-name|instance|position|once|uuid|random|digest|"
    r"decimal-date-time|area|distance|jr:itext|search)\s*\("
)
_YES = {"yes", "true", "true()", "1"}
_NO = {"no", "false", "false()", "0"}
_NUMBER_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
_LENGTH_BOUND = re.compile(r"^string-length\(\s*\.\s*\)\s*(>=|<=)\s*(\d+)$")
_DATE_BOUND = re.compile(r"^\.\s*(>=|<=)\s*date\(\s*'(\d{4}-\d{2}-\d{2})'\s*\)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def unsupported_function(expression: str) -> str | None:
    found = _UNSUPPORTED.search(expression)
    return found.group(1) if found else None


def required_members(cell: str) -> dict[str, Any]:
    value = cell.strip()
    if value.lower() in _YES:
        return {"required": True}
    if value.lower() in _NO:
        return {}
    return {"required_if": value}


def split_and(expression: str) -> list[str]:
    """The parts of an expression joined by a top-level `and` (outside brackets and quotes)."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(expression):
        char = expression[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and expression[i : i + 5] == " and ":
            parts.append(expression[start:i].strip())
            start = i = i + 5
            continue
        i += 1
    parts.append(expression[start:].strip())
    return [_unwrap(part) for part in parts if part]


def _unwrap(part: str) -> str:
    if part.startswith("(") and part.endswith(")") and split_and(part[1:-1]) == [part[1:-1]]:
        inner = part[1:-1]
        if inner.count("(") == inner.count(")"):
            return inner.strip()
    return part


def bounds_from_constraint(kind: str, constraint: str) -> tuple[dict[str, Any], str | None]:
    """`. >= 1 and . <= 9` on a number gives minimum/maximum; what is left stays a constraint."""
    bounds: dict[str, Any] = {}
    rest: list[str] = []
    for part in split_and(constraint):
        member = _bound(kind, part)
        if member and member[0] not in bounds:
            bounds[member[0]] = member[1]
        else:
            rest.append(part)
    if not bounds:
        return {}, constraint
    if len(rest) > 1:
        return bounds, " and ".join(f"({part})" for part in rest)
    return bounds, rest[0] if rest else None


def _bound(kind: str, part: str) -> tuple[str, Any] | None:
    lower = {">=": "min", "<=": "max"}
    if kind in {"integer", "number"} and (found := _NUMBER_BOUND.match(part)):
        value = float(found.group(2))
        return lower[found.group(1)] + "imum", value
    if kind == "text" and (found := _LENGTH_BOUND.match(part)):
        return lower[found.group(1)] + "_length", int(found.group(2))
    if kind == "date" and (found := _DATE_BOUND.match(part)):
        return lower[found.group(1)] + "_date", found.group(2)
    return None


def apply_default(kind: str, multiple: bool, cell: str) -> tuple[Any, str | None]:
    """The default value for a question's type, or the reason code it cannot be one."""
    if "${" in cell or "(" in cell:
        return None, "dynamic_default"
    try:
        if kind == "integer":
            return int(cell), None
        if kind == "number":
            return float(cell), None
    except ValueError:
        return None, "bad_default"
    if kind == "date":
        return (cell, None) if _DATE.match(cell) else (None, "bad_default")
    if kind == "choice":
        return (cell.split() if multiple else cell), None
    if kind == "text":
        return cell, None
    return None, "bad_default"
