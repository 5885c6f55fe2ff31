"""`if:` conditions as GitHub Actions decides them (gofacts/workflows/expressions.py).

ACTIONS_DECIDES is a table of conditions over one matrix and env; each expected value is the
truthiness that GitHub's own expression evaluator, @actions/expressions 0.3.61 from npm (the
one the Actions language services use), gave for the same condition and contexts."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from pytest_goimage.gofacts.workflows.actions_yaml import UNKNOWN, Evaluated
from pytest_goimage.gofacts.workflows.expressions import evaluate_if

CONTEXTS: dict[str, Evaluated] = {
    "matrix": {
        "go": "1.22",
        "n": 0.0,
        "half": 0.5,
        "os": "ubuntu-latest",
        "flag": True,
        "none": None,
        "it's": "q",
        "GoArch": "amd64",
        "inner": {"k": "v"},
        "same": {"k": "v"},
        "q": "it's",
    },
    "env": {"MODE": "release", "COUNT": "3"},
}


def condition(text: str) -> yaml.Node:
    """The `if:` value node of a step, as the workflow reader hands it over."""
    return yaml.compose(json.dumps(text))


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("0x10 == 16", True),
        ("0x1F == 31", True),
        ("0o17 == 15", True),
        ("0o10 == 8", True),
        ("1.5 == 1.5", True),
        ("1e3 == 1000", True),
        (".5 == 0.5", True),
        ("0 == false", True),
        ("1 == true", True),
        ("2 == true", False),
        ("'' == 0", True),
        ("' ' == 0", True),
        ("'0x1A' == 26", True),
        ("'+5' == 5", True),
        ("'1e2' == 100", True),
        ("'1E2' == 100", True),
        ("'abc' == 0", False),
        ("'1.2.3' == 1", False),
        ("' 7 ' == 7", True),
        ("'7' == 7", True),
        ("null == 0", True),
        ("null == false", True),
        ("null == ''", True),
        ("null == null", True),
        ("true == 'true'", False),
        ("'TRUE' == 'true'", True),
        ("'Abc' != 'aBC'", False),
        ("matrix.n", False),
        ("matrix.half", True),
        ("matrix.os", True),
        ("matrix.none", False),
        ("matrix", True),
        ("matrix.inner", True),
        ("matrix.missing", False),
        ("''", False),
        ("'x'", True),
        ("0", False),
        ("1", True),
        ("!0", True),
        ("!''", True),
        ("!matrix", False),
        ("!matrix.os", False),
        ("!!matrix.flag", True),
        ("!null", True),
        ("'a' < '_'", True),
        ("'_' > 'a'", True),
        ("'B' > 'a'", True),
        ("'a' < 'B'", True),
        ("1 < 2", True),
        ("2 <= 2", True),
        ("3 <= 2", False),
        ("3 > 2", True),
        ("2 > 2", False),
        ("2 >= 3", False),
        ("3 >= 3", True),
        ("'10' < 9", False),
        ("'abc' < 1", False),
        ("'abc' >= 1", False),
        ("true > false", True),
        ("false < true", True),
        ("null < 1", True),
        ("matrix < 1", False),
        ("matrix.inner == matrix.inner", True),
        ("matrix.inner == matrix", False),
        ("matrix.inner != matrix.inner", False),
        ("0 || 'x'", True),
        ("'' || 0", False),
        ("1 && 0", False),
        ("1 && 'a'", True),
        ("0 && 1", False),
        ("'' || matrix.os", True),
        ("matrix.n || matrix.half", True),
        ("matrix['go'] == '1.22'", True),
        ("matrix['it''s'] == 'q'", True),
        ("matrix.GO == '1.22'", True),
        ("matrix.goarch == 'AMD64'", True),
        ("matrix['GOARCH'] == 'amd64'", True),
        ("matrix.missing == null", True),
        ("matrix.go.x == null", True),
        ("matrix.inner.k == 'v'", True),
        ("matrix.inner['K'] == 'v'", True),
        ("matrix['inner']['k'] == 'v'", True),
        ("(1 == 1) && (2 == 2)", True),
        ("(1 == 2) || (2 == 2)", True),
        ("1 != 2", True),
        ("!(1 == 2)", True),
        ("1 == 1 == true", True),
        ("1 < 2 < 3", True),
        ("3 > 2 > 1", False),
        ("(1 < 2) == true", True),
        ("env.MODE == 'release'", True),
        ("env.COUNT > 2", True),
        ("env.count == 3", True),
        ("matrix.go == 1.22", True),
        ("matrix.go >= '1.21'", True),
        ("matrix.go < '1.3'", True),
        ("matrix.flag == true", True),
        ("matrix.flag && matrix.os == 'ubuntu-latest'", True),
        ("matrix.os != 'windows-latest' && matrix.go == '1.22'", True),
        ("true && null", False),
        ("null || false", False),
        ("1 < 1", False),
        ("1 <= 1", True),
        ("matrix.inner == matrix.same", False),
        ("matrix.inner != matrix.same", True),
        ("'inf' > 1", False),
        ("'it''s' == matrix.q", True),
        ("matrix.go.x < 'a'", False),
        ("matrix.go.x == ''", True),
    ],
)
def test_a_condition_is_decided_as_actions_decides_it(expression: str, runs: bool) -> None:
    assert evaluate_if(condition("${{ " + expression + " }}"), CONTEXTS) is runs


def test_a_bare_condition_is_an_expression_too() -> None:
    assert evaluate_if(condition("matrix.os == 'ubuntu-latest'"), CONTEXTS) is True


def test_no_condition_runs() -> None:
    assert evaluate_if(None, CONTEXTS) is True


@pytest.mark.parametrize(
    ("scalar", "runs"), [("true", True), ("false", False), ("0", False), ("1.5", True)]
)
def test_a_plain_yaml_scalar_condition_is_its_typed_value(scalar: str, runs: bool) -> None:
    assert evaluate_if(yaml.compose(scalar), CONTEXTS) is runs


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("false && github.ref", False),
        ("github.ref && false", False),
        ("true || github.ref", True),
        ("github.ref || true", True),
        ("github.ref || matrix.os", True),
        ("0 || github.ref && false", False),
        ("!matrix.flag && github.ref", False),
        ("success()", True),
        ("always()", True),
        ("success() && matrix.go == '1.22'", True),
        ("always() && matrix.go != '1.22'", False),
        ("format('{0}-{1}', matrix.os, matrix.go) && false", False),
    ],
)
def test_what_the_workflow_decides_when_it_runs_is_left_out_where_actions_would(
    expression: str, runs: bool
) -> None:
    """`false && x` is false whatever x is; success() and always() hold for an early step."""
    assert evaluate_if(condition("${{ " + expression + " }}"), CONTEXTS) is runs


@pytest.mark.parametrize(
    "expression",
    [
        "github.ref == 'refs/heads/main'",
        "github.ref",
        "!github.ref",
        "github.ref && true",
        "github.ref || false",
        "github.ref < 1",
        "github.event.inputs.go",
        "failure()",
        "contains(matrix.os, 'ubuntu')",
        "matrix.os == github.ref",
    ],
)
def test_a_condition_on_what_only_the_run_knows_may_run_and_says_so(expression: str) -> None:
    assert evaluate_if(condition("${{ " + expression + " }}"), CONTEXTS) == (
        f"its `if: {expression}` depends on what is only known when the workflow runs"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "matrix.os ==",
        "matrix.os == 'a' 'b'",
        "(matrix.os == 'a'",
        "matrix.",
        "matrix.'os'",
        "matrix[os]",
        "matrix[github.ref]",
        "(1 == 1 2",
        "matrix['os' x",
        "matrix['os'",
        "matrix.os ~ 'a'",
        "1 +",
        "matrix.os == 'a' )",
        ")",
    ],
)
def test_syntax_this_reader_does_not_evaluate_leaves_the_step_as_one_that_may_run(
    expression: str,
) -> None:
    assert evaluate_if(condition("${{ " + expression + " }}"), CONTEXTS) == (
        f"its `if: {expression}` is not evaluated here"
    )


def test_text_around_an_expression_is_not_evaluated() -> None:
    assert evaluate_if(condition("${{ matrix.go }} == 1.22"), CONTEXTS) == (
        "its `if: ${{ matrix.go }} == 1.22` mixes text and expressions, which is not evaluated here"
    )


def test_a_condition_that_is_a_list_is_not_a_single_expression() -> None:
    assert evaluate_if(yaml.compose("[a, b]"), CONTEXTS) == "its `if:` is not a single expression"


def test_nan_and_unknown_are_not_numbers_that_decide() -> None:
    nan: dict[str, Evaluated] = {"matrix": {"x": math.nan, "u": UNKNOWN}}
    assert (
        evaluate_if(condition("${{ matrix.x }}"), nan),
        evaluate_if(condition("${{ matrix.x == matrix.x }}"), nan),
        evaluate_if(condition("${{ matrix.u }}"), nan),
    ) == (False, False, "its `if: matrix.u` depends on what is only known when the workflow runs")
