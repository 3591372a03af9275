"""Every subprocess the app and the tests start is safe in a threaded process and bounded.

A hung child blocks everyone sharing the machine: the suite once hung at its very end in the
cluster's teardown, a child forked with ``user=``/``group=`` stuck on a lock before exec. So no
account switching in the forked child (app/db/embedded_os.py execs ``setpriv`` instead), and
every run, wait and communicate has a timeout.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNERS = {"run", "call", "check_call", "check_output"}
IN_CHILD = {"user", "group", "extra_groups", "preexec_fn"}
WAITS = {"wait", "communicate"}


def calls(tree: ast.AST) -> list[tuple[ast.Call, ast.AST | None]]:
    """Every call with its parent node."""
    found: list[tuple[ast.Call, ast.AST | None]] = []
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, ast.Call):
                found.append((child, parent))
    return found


def keywords(call: ast.Call) -> set[str]:
    return {keyword.arg for keyword in call.keywords if keyword.arg}


def is_subprocess_attribute(call: ast.Call, names: set[str]) -> bool:
    function = call.func
    return (
        isinstance(function, ast.Attribute)
        and function.attr in names
        and isinstance(function.value, ast.Name)
        and function.value.id == "subprocess"
    )


def is_bounded_wait(call: ast.Call, parent: ast.AST | None) -> bool:
    if call.args or "timeout" in keywords(call):
        return True
    # asyncio.wait_for(x.wait(), ...) bounds it too.
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr == "wait_for"
        and parent.args[:1] == [call]
    )


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for call, parent in calls(tree):
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        if is_subprocess_attribute(call, RUNNERS | {"Popen"}) and IN_CHILD & keywords(call):
            found.append(f"{where}: switches account in the forked child")
        if is_subprocess_attribute(call, RUNNERS) and "timeout" not in keywords(call):
            found.append(f"{where}: subprocess without a timeout")
        function = call.func
        waits = isinstance(function, ast.Attribute) and function.attr in WAITS
        if waits and not is_bounded_wait(call, parent):
            found.append(f"{where}: {ast.unparse(function)}() without a timeout")
    return found


def test_every_subprocess_is_bounded_and_switches_account_by_exec() -> None:
    files = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])
    problems = [problem for path in files for problem in problems_in(path)]
    assert problems == []
