"""Parsing CQL2 filters (text and JSON encodings) into pygeofilter's AST.

pygeofilter's parsers do the grammar; this module smooths the places where its CQL2-JSON
reader lags behind the published standard (``accenti``, the three-argument ``between``,
``bbox`` literals), so both encodings of one filter give the same tree, and turns every
parse failure into a 400 problem with the reason.
"""

from __future__ import annotations

from typing import Any

import orjson
from lark.exceptions import LarkError
from pygeofilter import ast
from pygeofilter.parsers.cql2_json import parse as parse_json

from app.errors import BadRequest
from app.ogc.cql2_text import INTERVAL_ONLY, temporal_node
from app.ogc.cql2_text import parse as parse_text

FILTER_LANGUAGES = ("cql2-text", "cql2-json")
# A filter is a query parameter: anything longer is a mistake or an attack.
MAX_FILTER_LENGTH = 20_000
_MAX_DEPTH = 64


def parse_filter(text: str, language: str | None) -> ast.Node:
    """The AST of ``text`` in ``language`` (cql2-text by default); BadRequest if invalid."""
    language = language or "cql2-text"
    if language not in FILTER_LANGUAGES:
        raise BadRequest(
            "ogc_invalid_parameter",
            name="filter-lang",
            reason=f"'{language}' is not one of {', '.join(FILTER_LANGUAGES)}",
        )
    if len(text) > MAX_FILTER_LENGTH:
        raise BadRequest("cql2_invalid", reason=f"longer than {MAX_FILTER_LENGTH} characters")
    try:
        node = _parse_text(text) if language == "cql2-text" else _parse_json(text)
    except BadRequest:
        raise
    except (LarkError, ValueError, TypeError, KeyError, IndexError, RecursionError) as error:
        raise BadRequest("cql2_invalid", reason=_reason(error)) from error
    if not isinstance(node, ast.Node):
        raise BadRequest("cql2_invalid", reason="the filter is not a condition")
    return node


def _parse_text(text: str) -> Any:
    return parse_text(text.strip())


def _parse_json(text: str) -> Any:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise BadRequest("cql2_invalid", reason=f"not JSON: {error}") from error
    return parse_json(normalise_json(document))


def normalise_json(node: Any, depth: int = 0) -> Any:
    """Rewrite standard CQL2-JSON forms pygeofilter does not read into ones it does."""
    if depth > _MAX_DEPTH:
        raise ValueError("the filter is nested too deeply")
    if isinstance(node, list):
        return [normalise_json(item, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "bbox" in node and isinstance(node["bbox"], list):
        return {"function": {"name": "bbox", "arguments": _bbox_2d(node["bbox"])}}
    if "op" in node and isinstance(node.get("args"), list):
        return _normalise_op(node["op"], normalise_json(node["args"], depth + 1))
    return {key: normalise_json(value, depth + 1) for key, value in node.items()}


# CQL2-JSON names pygeofilter reads under its older names.
_TEMPORAL_NAMES = {"t_starts": "t_begins", "t_finishes": "t_ends"}


def _normalise_op(op: Any, args: list[Any]) -> dict[str, Any]:
    if isinstance(op, str) and op.lower() in INTERVAL_ONLY:
        temporal_node(op, None, None)  # refused with the reason
    if isinstance(op, str) and op.lower() in _TEMPORAL_NAMES:
        return {"op": _TEMPORAL_NAMES[op.lower()], "args": args}
    if isinstance(op, str) and op.lower() == "t_disjoint":
        return {"op": "not", "args": [{"op": "t_intersects", "args": args}]}
    if op == "accenti":
        return {"function": {"name": "accenti", "arguments": args}}
    if op == "between" and len(args) == 3:
        return {"op": op, "args": [args[0], [args[1], args[2]]]}
    if op == "like" and len(args) == 2 and isinstance(args[1], dict):
        # pygeofilter reads the pattern as a plain string; a casei()/accenti() pattern is
        # carried through as a function the SQL translator understands.
        return {"op": "like", "args": [args[0], {"function": _pattern_function(args[1])}]}
    return {"op": op, "args": args}


def _pattern_function(pattern: dict[str, Any]) -> dict[str, Any]:
    if "function" in pattern:
        return dict(pattern["function"])
    name = pattern.get("op")
    return {"name": "lower" if name == "casei" else name, "arguments": pattern.get("args", [])}


def _bbox_2d(values: list[Any]) -> list[Any]:
    if len(values) == 6:
        return [values[0], values[1], values[3], values[4]]
    if len(values) != 4:
        raise ValueError("a bbox has 4 or 6 numbers")
    return values


def _reason(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reason = lines[0] if lines else type(error).__name__
    return reason[:300]
