"""The OpenRosa functions of XLSForm expressions, added to elementpath's XPath 1.0 parser.

Each behaves as openrosa-xpath-evaluator (the field app's evaluator) does on the same input:
tests/forms/expression_cases.json checks that both agree.
"""

from __future__ import annotations

import math
import operator
import re
from abc import ABCMeta
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from elementpath import XPath1Parser
from elementpath.xpath_nodes import XPathNode


class OpenRosaParser(XPath1Parser):
    """XPath 1.0 with OpenRosa's functions."""


_NUMBERS = (int, float, Decimal)


def _replace(symbol: str, **attributes: Any) -> None:
    """Give this parser its own version of a token (elementpath's parsers keep theirs)."""
    base: Any = OpenRosaParser.symbol_table[symbol]
    OpenRosaParser.symbol_table[symbol] = ABCMeta(base.__name__, (base,), attributes)


def _string(value: Any) -> str:
    from app.campaigns.expressions import text

    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, XPathNode):
        return str(value.compat_string_value)
    return text(value)


_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _days(text: str) -> float:
    """A date as openrosa-xpath-evaluator reads it as a number: days since 1970-01-01 (the
    phone counts from local midnight, so date arithmetic may differ by its time zone's offset;
    comparisons of dates agree)."""
    try:
        if _DATE.match(text):
            year, month, day = (int(part) for part in text.split("-"))
            return float((date(year, month, day) - _EPOCH.date()).days)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return math.nan
    return (moment - _EPOCH).total_seconds() / 86400


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, _NUMBERS):
        return float(value)
    raw = _string(value).strip()
    if _DATE.match(raw) or _DATETIME.match(raw):
        return _days(raw)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
        return math.nan
    return float(raw)


def _truth(value: Any) -> bool:
    from app.campaigns.expressions import truth

    return truth(value)


def _define(name: str, nargs: int | tuple[int, int | None]) -> Callable[..., Any]:
    """Register ``name`` as a function whose Python body gets its evaluated arguments (a
    function XPath 1.0 already has is replaced in this parser only, not in elementpath's)."""

    def decorator(body: Callable[..., Any]) -> Callable[..., Any]:
        def evaluate(self: Any, context: Any = None) -> Any:
            return body(*(argument.evaluate(context) for argument in self))

        if name in OpenRosaParser.symbol_table:
            _replace(name, evaluate=evaluate, nargs=nargs)
        else:
            OpenRosaParser.function(name, nargs=nargs).evaluate = evaluate  # type: ignore[method-assign]
        return body

    return decorator


_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


def _atomic_compare(symbol: str, left: Any, right: Any) -> bool:
    relation = _RELATIONS[symbol]
    if symbol in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            return relation(_truth(left), _truth(right))
        if not isinstance(left, _NUMBERS) and not isinstance(right, _NUMBERS):
            return relation(_string(left), _string(right))
    return relation(_number(left), _number(right))


def compare(symbol: str, left: Any, right: Any) -> bool:
    """XPath 1.0's comparison (3.4): node-sets compare each node's string value."""
    if isinstance(left, list) or isinstance(right, list):
        if isinstance(left, bool) or isinstance(right, bool):
            return _atomic_compare(symbol, _truth(left), _truth(right))
        lefts = [_string(n) for n in left] if isinstance(left, list) else [left]
        rights = [_string(n) for n in right] if isinstance(right, list) else [right]
        return any(_atomic_compare(symbol, a, b) for a in lefts for b in rights)
    return _atomic_compare(symbol, left, right)


def _comparison(self: Any, context: Any = None) -> bool:
    return compare(self.symbol, self[0].evaluate(context), self[1].evaluate(context))


for _symbol in _RELATIONS:
    _replace(_symbol, evaluate=_comparison)


@_define("selected", 2)
def _selected(values: Any, choice: Any) -> bool:
    return _string(choice).strip() in _string(values).split()


@_define("count-selected", 1)
def _count_selected(values: Any) -> float:
    return float(len(_string(values).split()))


@_define("selected-at", 2)
def _selected_at(values: Any, index: Any) -> str:
    items = _string(values).split()
    position = _number(index)
    if math.isnan(position) or not 0 <= position < len(items):
        return ""
    return items[int(position)]


@_define("if", 3)
def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if _truth(condition) else otherwise


@_define("coalesce", 2)
def _coalesce(first: Any, second: Any) -> str:
    return _string(first) or _string(second)


@_define("regex", 2)
def _regex(value: Any, pattern: Any) -> bool:
    return re.search(_string(pattern), _string(value)) is not None


@_define("today", 0)
def _today() -> str:
    return date.today().isoformat()


@_define("now", 0)
def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@_define("int", 1)
def _int(value: Any) -> float:
    number = _number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


@_define("round", (1, 2))
def _round(value: Any, digits: Any = 0.0) -> float:
    number, places = _number(value), _number(digits)
    if math.isnan(number) or math.isinf(number) or math.isnan(places):
        return number
    factor = 10.0 ** int(places)
    return math.floor(number * factor + 0.5) / factor


@_define("boolean-from-string", 1)
def _boolean_from_string(value: Any) -> bool:
    return _string(value).strip() in ("true", "1")


@_define("substr", (2, 3))
def _substr(value: Any, start: Any, end: Any = None) -> str:
    string = _string(value)
    first = int(_number(start)) if not math.isnan(_number(start)) else 0
    last = len(string) if end is None or math.isnan(_number(end)) else int(_number(end))
    return string[max(first, 0) : max(last, 0)]


@_define("pow", 2)
def _pow(base: Any, exponent: Any) -> float:
    try:
        return float(math.pow(_number(base), _number(exponent)))
    except (OverflowError, ValueError):
        return math.nan


def _divide(left: float, right: float) -> float:
    if right == 0:
        if left == 0 or math.isnan(left):
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1.0, right)
    return left / right


def _modulo(left: float, right: float) -> float:
    if right == 0 or math.isinf(left) or math.isnan(left) or math.isnan(right):
        return math.nan
    return math.fmod(left, right)


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "div": _divide, "mod": _modulo,
}  # fmt: skip


def _arithmetic(self: Any, context: Any = None) -> float:
    # IEEE doubles as XPath 1.0 (and JavaScript) say, not elementpath's decimals: 0.1 + 0.2
    # is 0.30000000000000004 on both sides.
    if len(self) == 1:
        return -_number(self[0].evaluate(context))
    left, right = _number(self[0].evaluate(context)), _number(self[1].evaluate(context))
    try:
        return _ARITHMETIC[self.symbol](left, right)
    except OverflowError:
        return math.nan


for _symbol in _ARITHMETIC:
    _replace(_symbol, evaluate=_arithmetic)
