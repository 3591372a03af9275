"""The CQL2-text grammar of pygeofilter, completed where it lags behind the standard.

pygeofilter reads temporal predicates only as infix operators (``a T_AFTER b``) and intervals
only of two timestamps. CQL2 writes them as functions (``T_AFTER(a, b)``), names
``T_STARTS``/``T_FINISHES``/``T_DISJOINT``…, and lets interval ends be dates or ``'..'``.
This module builds one parser at import (a pure grammar, no I/O) from pygeofilter's grammar
with those rules added, and its transformer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygeofilter.parsers
from lark import Lark, v_args
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_text.parser import CQLTransformer

from app.errors import BadRequest

_PARSERS = Path(pygeofilter.parsers.__file__).parent
# Interval predicates of CQL2 that say nothing of an instant (every property here is one).
INTERVAL_ONLY = frozenset({
    "t_meets", "t_metby", "t_overlaps", "t_overlappedby", "t_startedby", "t_finishedby",
    "t_contains", "t_begunby", "t_endedby",
})  # fmt: skip
# CQL2 names -> pygeofilter's.
TEMPORAL: dict[str, Any] = {
    "t_before": ast.TimeBefore,
    "t_after": ast.TimeAfter,
    "t_during": ast.TimeDuring,
    "t_equals": ast.TimeEquals,
    "t_intersects": ast.TimeOverlaps,  # pygeofilter's node for T_INTERSECTS
    "t_disjoint": ast.TimeDisjoint,
    "t_starts": ast.TimeBegins,
    "t_begins": ast.TimeBegins,
    "t_finishes": ast.TimeEnds,
    "t_ends": ast.TimeEnds,
}
_NAMES = sorted(set(TEMPORAL) | INTERVAL_ONLY)


def temporal_node(name: str, lhs: Any, rhs: Any) -> ast.Node:
    """The node of the temporal predicate ``name``; BadRequest for interval-only ones."""
    name = name.lower()
    if name in INTERVAL_ONLY:
        raise BadRequest(
            "cql2_unsupported",
            what=f"{name.upper()} (it compares two intervals; properties here are instants: "
            "use T_BEFORE, T_AFTER, T_DURING, T_EQUALS, T_INTERSECTS, T_DISJOINT, T_STARTS "
            "or T_FINISHES)",
        )
    if name not in TEMPORAL:
        raise BadRequest("cql2_unsupported", what=name.upper())
    return TEMPORAL[name](lhs, rhs)


def _grammar() -> str:
    text = (_PARSERS / "cql2_text" / "grammar.lark").read_text(encoding="utf-8")
    keywords = "\n | ".join(f'"{name.upper()}"i' for name in _NAMES)
    added = f"""
          | temporal_predicate
          | _temporal_function "(" expression "," expression ")" -> function_temporal_predicate

!_temporal_function: {keywords}
"""
    text = text.replace("\n          | temporal_predicate\n", added, 1)
    text = text.replace(
        '?interval: "INTERVAL" "("  "\'" DATETIME "\'" "," "\'" DATETIME "\'" ")"',
        'interval: "INTERVAL"i "(" _bound "," _bound ")"\n'
        '_bound: "\'" DATETIME "\'" | "\'" DATE "\'" | OPEN_END\n'
        "OPEN_END: \"'..'\"",
    )
    text = text.replace('"TIMESTAMP" "("', '"TIMESTAMP"i "("').replace('"DATE" "("', '"DATE"i "("')
    assert "function_temporal_predicate" in text and "OPEN_END" in text, "grammar changed"
    return text


@v_args(inline=True)
class _Transformer(CQLTransformer):
    def function_temporal_predicate(self, op: Any, lhs: Any, rhs: Any) -> ast.Node:
        return temporal_node(str(op), lhs, rhs)

    def binary_temporal_predicate(self, lhs: Any, op: Any, rhs: Any) -> ast.Node:
        return temporal_node(str(op), lhs, rhs)

    def interval(self, start: Any, end: Any) -> values.Interval:
        return values.Interval(start, end)

    def OPEN_END(self, token: Any) -> None:  # lark names the method after the terminal
        return None


_PARSER = Lark(
    _grammar(),
    parser="lalr",
    maybe_placeholders=False,
    transformer=_Transformer(),
    import_paths=[str(_PARSERS)],
    source_path=str(_PARSERS / "cql2_text" / "grammar.lark"),
)


def parse(text: str) -> Any:
    return _PARSER.parse(text)
