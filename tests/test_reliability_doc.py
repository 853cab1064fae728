"""docs/RELIABILITY.md stays true: every test it names exists (and so runs in CI)."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

DOC = ROOT / "docs" / "RELIABILITY.md"
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[([\w-]+)\])?`")


def defined(path: str) -> tuple[set[str], set[str]]:
    """Test functions at module level, and every function name (parametrize ids here are
    the names of scenario functions)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    return {f for f in functions if f.startswith("test_")}, functions


def test_every_row_names_tests_that_exist() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    rows = [
        r for r in rows if not r.startswith(("| fault |", "| input |", "| attack |", "| risk |"))
    ]
    assert len(rows) >= 30
    for row in rows:
        ids = TEST_ID.findall(row)
        assert ids, f"a row without a test: {row}"
        for path, name, param in ids:
            assert (ROOT / path).exists(), path
            tests, functions = defined(path)
            assert name in tests, f"{path}::{name} does not exist"
            assert not param or param in functions, f"{path}::{name}[{param}] does not exist"
