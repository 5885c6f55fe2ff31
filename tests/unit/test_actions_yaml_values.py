"""A workflow's YAML as the Actions runner reads it (gofacts/workflows/actions_yaml.py): plain
scalars typed by the YAML 1.2 core schema and passed on as text the way the runner formats
numbers (.NET's G15: `1E+15`, `1E-07`), aliases followed, and broken files refused with the line
and the parser's reason."""

from __future__ import annotations

import math

import pytest
import yaml

from pytest_goimage.errors import WorkflowError
from pytest_goimage.gofacts.workflows.actions_yaml import (
    UNKNOWN,
    as_text,
    env_of,
    env_values,
    load_workflow,
    typed,
    workflow_call_inputs,
)


@pytest.mark.parametrize(
    ("written", "value", "passed_on"),
    [
        ("1.20", 1.2, "1.2"),
        ("0x1F", 31.0, "31"),
        ("0o17", 15.0, "15"),
        ("+12", 12.0, "12"),
        ("-12", -12.0, "-12"),
        ("007", 7.0, "7"),
        ("-.inf", -math.inf, "-Infinity"),
        (".Inf", math.inf, "Infinity"),
        ("+.INF", math.inf, "Infinity"),
        ("~", None, ""),
        ("Null", None, ""),
        ("", None, ""),
        ("TRUE", True, "true"),
        ("False", False, "false"),
        ("yes", "yes", "yes"),
        ("1e3", 1000.0, "1000"),
        ("1E-7", 1e-07, "1E-07"),
        ("1e15", 1e15, "1E+15"),
        ("999999999999999", 999999999999999.0, "999999999999999"),
        ("123456789012345678", 1.2345678901234568e17, "1.23456789012346E+17"),
        ("0.1", 0.1, "0.1"),
        ("-0.5", -0.5, "-0.5"),
        ("1_000", "1_000", "1_000"),
        ("12:30", "12:30", "12:30"),
        ("0x", "0x", "0x"),
        ("0o8", "0o8", "0o8"),
        ("'1.20'", "1.20", "1.20"),
        ('"true"', "true", "true"),
    ],
)
def test_a_scalar_is_typed_and_passed_on_as_the_runner_does(
    written: str, value: object, passed_on: str
) -> None:
    node = yaml.compose(f"v: {written}").value[0][1]
    assert (typed(node), as_text(typed(node))) == (value, passed_on)


def test_nan_is_passed_on_as_nan() -> None:
    node = yaml.compose("v: .NaN").value[0][1]
    assert (math.isnan(typed(node)), as_text(typed(node))) == (True, "NaN")  # type: ignore[arg-type]


def test_lists_and_mappings_are_no_text() -> None:
    mapping = yaml.compose("{a: 1, b: [x]}")
    assert (typed(mapping), as_text(typed(mapping))) == ({"a": 1.0, "b": UNKNOWN}, "")


WORKFLOW = """\
defaults: &defaults -mod=mod
on:
  workflow_call:
    inputs:
      go: {type: string}
env:
  GOFLAGS: *defaults
  CGO: 2
  TAG: ${{ github.ref }}
  LIST: [a]
  1: one
"""


def test_env_values_are_text_an_alias_is_followed_an_expression_or_a_list_is_unknown() -> None:
    top = load_workflow(WORKFLOW, "w.yml")
    assert (list(top), env_values(env_of(top)), list(workflow_call_inputs(top))) == (
        ["defaults", "on", "env"],
        {"GOFLAGS": "-mod=mod", "CGO": "2", "TAG": UNKNOWN, "LIST": UNKNOWN, "1": "one"},
        ["go"],
    )


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        (
            "a: [",
            "w.yml:1: not valid YAML (expected the node content, but found '<stream end>'); fix the workflow.",
        ),
        (
            "a: b\n  c: d\n",
            "w.yml:2: not valid YAML (mapping values are not allowed here); fix the workflow.",
        ),
        ("- a\n- b\n", "w.yml:1: a workflow must be a mapping with `jobs:`."),
        ("x", "w.yml:1: a workflow must be a mapping with `jobs:`."),
    ],
)
def test_a_broken_workflow_is_refused_with_its_line_and_reason(text: str, refusal: str) -> None:
    with pytest.raises(WorkflowError) as refused:
        load_workflow(text, "w.yml")
    assert str(refused.value) == refusal


def test_a_broken_action_file_is_refused_as_an_action() -> None:
    """A review: a local action.yml that is a list was called a workflow needing `jobs:`."""
    with pytest.raises(WorkflowError) as refused:
        load_workflow("- uses: actions/setup-go@v5\n", ".github/actions/go/action.yml", "an action")
    assert str(refused.value) == (
        ".github/actions/go/action.yml:1: an action must be a mapping with `runs:`."
    )
    with pytest.raises(WorkflowError) as refused:
        load_workflow("runs: [", "action.yml", "an action")
    assert str(refused.value).endswith("; fix the action.")


@pytest.mark.parametrize("text", ["", "  \n"])
def test_an_empty_workflow_has_no_keys(text: str) -> None:
    assert load_workflow(text, "w.yml") == {}
