"""`if:` conditions whose outcome hangs on the order of operands or on a closing bracket
(gofacts/workflows/expressions.py), each decided as GitHub Actions decides it; and how a value
the reader cannot know prints."""

from __future__ import annotations

import json

import yaml

from pytest_goimage.gofacts.workflows.actions_yaml import UNKNOWN, Evaluated
from pytest_goimage.gofacts.workflows.expressions import evaluate_if

CONTEXTS: dict[str, Evaluated] = {"matrix": {"go": "1.26"}, "env": {"EXTRA": ""}}


def condition(text: str) -> yaml.Node:
    """The `if:` value node of a step, as the workflow reader hands it over."""
    return yaml.compose(json.dumps(text))


def test_an_empty_string_equals_null_whichever_side_null_is_on() -> None:
    """Actions compares '' and null as numbers (both 0): `env.EXTRA == null` holds."""
    assert evaluate_if(condition("env.EXTRA == null"), CONTEXTS) is True


def test_a_parenthesis_closed_by_a_bracket_is_not_evaluated() -> None:
    """`(matrix.go == '1.26']` is not an expression Actions accepts: the step may run."""
    assert evaluate_if(condition("(matrix.go == '1.26']"), CONTEXTS) == (
        "its `if: (matrix.go == '1.26']` is not evaluated here"
    )


def test_an_unknown_value_shows_as_unknown_in_a_failed_comparison() -> None:
    """A test's assertion diff shows a value the reader cannot know as `unknown`."""
    assert repr(UNKNOWN) == "unknown"
