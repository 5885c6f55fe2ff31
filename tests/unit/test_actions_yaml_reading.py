"""How a workflow's YAML is read (gofacts/workflows/actions_yaml.py): a character YAML refuses,
keys that are not scalars, merge keys refused as GitHub refuses them (also nested, or merging
their own mapping), a reusable workflow without inputs; each seen through the pins a workflow
gives."""

from __future__ import annotations

import pytest

from pytest_goimage.errors import WorkflowError
from pytest_goimage.gofacts.workflows import workflow_pins
from tests.unit.workflow_pin_rows import WORKFLOW, Row, rows

STEP = """\
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ env.GO_VERSION }}
      - run: go test ./...
"""


def _nested_merges(depth: int) -> str:
    """`env:` holding GO_VERSION under `depth` merge keys, each merging the next mapping."""
    inner = "{GO_VERSION: '1.26.8'}"
    for _ in range(depth):
        inner = "{<<: " + inner + "}"
    return f"env: {inner}\n" + STEP


def test_a_control_character_names_its_line_and_code() -> None:
    text = "jobs:\n  test:\n    steps:\n      - run: echo \x01\n"
    with pytest.raises(WorkflowError) as caught:
        workflow_pins(text, WORKFLOW)
    assert str(caught.value) == (
        ".github/workflows/ci.yml:4: not valid YAML (character #x0001: special characters are "
        "not allowed); fix the workflow."
    )


MERGE_REFUSED = (
    ": `<<:` is a YAML merge key, which GitHub Actions does not support (it supports anchors and "
    "aliases only): GitHub reads `<<` as an ordinary key and merges nothing, so the workflow "
    "fails validation or runs without the merged keys; write the keys out, or alias a whole "
    "mapping (`env: *common`)."
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            STEP + "  lint:\n    env:\n      <<: {GO_VERSION: '1.26.8'}\n    steps: []\n",
            11,
            id="in-a-job-env",
        ),
        # Nested merges: the first one in the file is named, not the innermost.
        pytest.param("\n" + _nested_merges(3), 2, id="nested"),
        # A list of mappings merged.
        pytest.param(
            STEP + "  lint:\n    env:\n      <<: [{A: '1'}, {B: '2'}]\n    steps: []\n",
            11,
            id="list-of-mappings",
        ),
        # An alias met again later in the walk does not end the walk.
        pytest.param(
            "jobs:\n  a:\n    env:\n      <<: {A: '1'}\nx: &a {k: v}\ny: *a\n",
            4,
            id="after-an-alias",
        ),
        # Two jobs merging: the first in the file is named, whatever order the walk takes.
        pytest.param(
            "jobs:\n  a:\n    env:\n      <<: {A: '1'}\n  b:\n    env:\n      <<: {B: '2'}\n",
            4,
            id="first-of-two",
        ),
        # An anchor's alias inside its own mapping: a cycle PyYAML composes as such.
        pytest.param(
            STEP + "env: &shared\n  GO_VERSION: '1.26.8'\n  <<: *shared\n", 11, id="self-merge"
        ),
    ],
)
def test_a_merge_key_is_refused_at_its_line_as_github_refuses_the_workflow(
    text: str, line: int
) -> None:
    with pytest.raises(WorkflowError) as caught:
        workflow_pins(text, WORKFLOW)
    assert str(caught.value) == f"{WORKFLOW}:{line}" + MERGE_REFUSED


def test_a_quoted_merge_key_and_aliases_are_ordinary_yaml_github_reads() -> None:
    """Anchors and aliases are supported by GitHub; a quoted "<<", or one whose value is no
    mapping (`<<: x`, `<<: [a, b]`), is an ordinary key."""
    text = "env: &shared\n  GO_VERSION: '1.26.8'\n  '<<': x\n  <<: [a, b]\n" + STEP.replace(
        "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    env: *shared"
    )
    assert rows(text) == [
        Row(
            2,
            "test",
            "1.26.8",
            "1.26.8",
            "1.26.8",
            "setup-go at line 12 via env.GO_VERSION at line 2",
        )
    ]


def test_a_key_that_is_not_a_scalar_is_skipped_and_the_keys_after_it_are_read() -> None:
    text = """\
jobs:
  test:
    ? [lint, vet]
    : skipped
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go vet ./...
"""
    assert rows(text) == [Row(9, "test", "1.26.8", "1.26.8", "1.26.8")]


def test_a_reusable_workflow_without_inputs_gives_its_pins() -> None:
    """`workflow_call` with secrets only: no inputs to read, the steps are read as usual."""
    text = """\
on:
  workflow_call:
    secrets:
      token:
        required: true
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go test ./...
"""
    assert rows(text) == [Row(12, "test", "1.26.8", "1.26.8", "1.26.8")]


def test_lists_nested_past_the_recursion_limit_are_not_valid_yaml() -> None:
    """PyYAML composes nested lists recursively; a generated file can nest past Python's
    limit, which is an invalid workflow here, not a crash."""
    text = "jobs: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(WorkflowError) as caught:
        workflow_pins(text, WORKFLOW)
    assert str(caught.value) == (
        ".github/workflows/ci.yml: not valid YAML (maximum recursion depth exceeded); fix the "
        "workflow."
    )
