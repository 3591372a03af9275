"""Every row of the shared table of expression cases, evaluated by the server's evaluator.

The field app evaluates the same rows in a real browser (tests/pwa/test_form_logic.py): both
must give `expected`, so both sides agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.campaigns.expressions import ExpressionError, build_instance, compile_expression

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "expression_cases.json").read_text(encoding="utf-8")
)


def evaluate_case(case: dict[str, Any]) -> Any:
    names = list(case["values"])
    compiled = compile_expression(case["expression"], names)
    instance = build_instance(case["values"], names)
    if case["as"] == "boolean":
        return compiled.condition(instance, case.get("current"))
    return compiled.value(instance, case.get("current"))


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert {case["as"] for case in CASES} == {"boolean", "string"}


@pytest.mark.parametrize("case", CASES, ids=[case["expression"] for case in CASES])
def test_server_evaluator_gives_the_expected_result(case: dict[str, Any]) -> None:
    assert evaluate_case(case) == case["expected"]


@pytest.mark.parametrize(
    "expression",
    ["(" * 999 + "1" + ")" * 999, "not(" * 400 + "1" + ")" * 400, "-" * 1999 + "1", "1 +", "f(1)"],
)
def test_unreadable_or_too_deep_expressions_are_refused_not_a_crash(expression: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(expression, [])
    assert caught.value.code == "invalid_expression"
