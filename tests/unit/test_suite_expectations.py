"""The suite's own expectations can fail: no pattern that also matches a failed run, no `or`
between alternative expected messages or values, no assertion that is always true."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
FILES = sorted(p for p in TESTS.rglob("test_*.py") if "corpus" not in p.parts)
# `*passed*` (also "*1 passed*", "*1 passed in *") matches "1 failed, 3 passed": nothing
# before the count says it is the first outcome of the summary.
_LOOSE_OUTCOME = re.compile(r"^\*\s*(\d+\s+)?(passed|failed|skipped|errors?|xfailed|xpassed)\b")


def _problems(path: Path, root: Path = TESTS) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Assert):
            test = node.test
            if isinstance(test, ast.Constant) and test.value:
                found.append(f"{where}: assert of a true constant")
            # `assert "a" in out or "b" in out`, `assert x == 1 or x == 2`: either passes.
            if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
                compared = [v for v in test.values if isinstance(v, ast.Compare)]
                if len(compared) >= 2:
                    found.append(f"{where}: `or` between alternative expected results")
        # Any string shaped like a loose outcome pattern, wherever it is used.
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _LOOSE_OUTCOME.match(node.value)
        ):
            found.append(f"{where}: {node.value!r} also matches a run with failures")
    return sorted(set(found))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_expectations_can_fail(path: Path) -> None:
    assert _problems(path) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('def t(out):\n    assert "a" in out or "b" in out\n', "`or` between alternative"),
        ("def t(x):\n    assert x == 1 or x == 2\n", "`or` between alternative"),
        ("def t():\n    assert True\n", "assert of a true constant"),
        (
            'def t(r):\n    r.stdout.fnmatch_lines(["*passed*"])\n',
            "also matches a run with failures",
        ),
        ('X = ["*1 passed*"]\n', "also matches a run with failures"),
        ('X = ["*1 passed in *"]\n', "also matches a run with failures"),
        ('X = ["*2 passed, 1 skipped*"]\n', "also matches a run with failures"),
    ],
)
def test_the_scan_finds_each_loose_shape(tmp_path: Path, source: str, problem: str) -> None:
    path = tmp_path / "test_probe.py"
    path.write_text(source, encoding="utf-8")
    problems = _problems(path, tmp_path)
    assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize(
    "source",
    [
        'X = ["*= 1 passed in *"]\n',  # the summary line's `=` before the first outcome
        'X = ["FAILED Dockerfile::static - *"]\n',
        'X = ["*goimage summary: 1 image, 1 passed, 0 failed*"]\n',
        "def t(result):\n    result.assert_outcomes(passed=1)\n",
    ],
)
def test_an_anchored_expectation_is_no_problem(tmp_path: Path, source: str) -> None:
    path = tmp_path / "test_probe.py"
    path.write_text(source, encoding="utf-8")
    assert _problems(path, tmp_path) == []
