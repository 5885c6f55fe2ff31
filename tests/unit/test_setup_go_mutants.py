"""One setup-go step's pins (gofacts/workflows/setup_go.py): its `with:` shapes, `${{ }}`
values followed through env, matrix and workflow_call inputs, and the version specs setup-go
accepts, each with the exact note a user reads."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.versions import SOURCE_SETUP_GO_FILE, GoVersion
from pytest_goimage.gofacts.workflows.setup_go import setup_go_version
from tests.unit.workflow_pin_rows import Row, rows

NO_VERSION = "setup-go without go-version or go-version-file uses whatever Go the runner has"


def one_step(with_block: str, uses: str = "actions/setup-go@v5") -> str:
    """A job whose setup-go step (line 4) has `with_block` from line 5 on."""
    return (
        f"jobs:\n  test:\n    steps:\n      - uses: {uses}\n{with_block}"
        "      - run: go test ./...\n"
    )


def env_chain(length: int) -> str:
    """go-version (line length + 7) -> GO_1 -> ... -> GO_<length>, which holds '1.26.8'."""
    names = [f"  GO_{i}: ${{{{ env.GO_{i + 1} }}}}\n" for i in range(1, length)]
    return (
        "env:\n"
        + "".join(names)
        + f"  GO_{length}: '1.26.8'\n"
        + one_step("        with:\n          go-version: ${{ env.GO_1 }}\n")
    )


def via_env(length: int) -> str:
    return " -> ".join(f"env.GO_{i} at line {i + 1}" for i in range(1, length + 1))


def test_an_env_chain_eight_deep_resolves() -> None:
    assert rows(env_chain(8)) == [
        Row(9, "test", "1.26.8", "1.26.8", "1.26.8", f"setup-go at line 15 via {via_env(8)}")
    ]


def test_an_env_chain_nine_deep_is_reported_as_nesting_too_deeply() -> None:
    note = f"expressions nest too deeply; setup-go at line 16 via {via_env(8)}"
    assert rows(env_chain(9)) == [Row(9, "test", "${{ env.GO_1 }}", "", None, note, unpinned=True)]


def test_a_step_env_naming_a_workflow_env_is_followed_to_the_version() -> None:
    text = """\
env:
  GO_STABLE: '1.26.8'
jobs:
  test:
    steps:
      - uses: actions/setup-go@v5
        env:
          GO: ${{ env.GO_STABLE }}
        with:
          go-version: ${{ env.GO }}
      - run: go test ./...
"""
    note = "setup-go at line 10 via env.GO at line 8 -> env.GO_STABLE at line 2"
    assert rows(text) == [Row(2, "test", "1.26.8", "1.26.8", "1.26.8", note)]


def test_an_env_set_from_repository_variables_is_unresolved_with_the_way_there() -> None:
    text = """\
env:
  GO_VERSION: ${{ vars.GO_VERSION }}
jobs:
  test:
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ env.GO_VERSION }}
      - run: go test ./...
"""
    note = (
        "cannot resolve ${{ vars.GO_VERSION }} (only env.X and matrix.x are read); setup-go at "
        "line 8 via env.GO_VERSION at line 2"
    )
    assert rows(text) == [Row(2, "test", "${{ env.GO_VERSION }}", "", None, note, True)]


def test_a_reusable_workflows_input_in_the_matrix_is_set_by_each_caller() -> None:
    """The input has no default, so the note names none; a matrix value that is a mapping
    names no version either, and says so."""
    text = """\
on:
  workflow_call:
    inputs:
      go-version:
        type: string
jobs:
  test:
    strategy:
      matrix:
        go: ['${{ inputs.go-version }}', {version: '1.26'}]
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: ${{ matrix.go }}
      - run: go test ./...
"""
    from_caller = (
        "inputs.go-version is set by each caller of this reusable workflow; setup-go at line 14 "
        "via matrix.go at line 10"
    )
    not_one = (
        "matrix.go at line 10 is a list or mapping, not one version; setup-go expects one version"
    )
    assert rows(text) == [
        Row(10, "test", "${{ matrix.go }}", "", None, from_caller, True),
        Row(14, "test", "${{ matrix.go }}", "", None, not_one, True),
    ]


def test_an_empty_go_version_falls_back_to_go_version_file() -> None:
    text = one_step("        with:\n          go-version:\n          go-version-file: api/go.mod\n")
    assert rows(text) == [
        Row(
            7,
            "test",
            "api/go.mod",
            "api/go.mod",
            None,
            "follows api/go.mod: aligned by construction",
            source=SOURCE_SETUP_GO_FILE,
        )
    ]


def test_a_go_version_file_in_a_nested_folder_still_follows_that_go_mod() -> None:
    text = one_step("        with:\n          go-version-file: services/api/go.mod\n")
    assert rows(text) == [
        Row(
            6,
            "test",
            "services/api/go.mod",
            "services/api/go.mod",
            None,
            "follows services/api/go.mod: aligned by construction",
            source=SOURCE_SETUP_GO_FILE,
        )
    ]


def test_empty_go_version_and_go_version_file_use_the_runners_go() -> None:
    text = one_step("        with:\n          go-version: ''\n          go-version-file: ''\n")
    assert rows(text) == [Row(4, "test", "actions/setup-go@v5", "", None, NO_VERSION, True)]


def test_a_list_of_go_versions_is_not_a_single_value() -> None:
    text = one_step("        with:\n          go-version: ['1.25', '1.26']\n")
    note = "go-version is not a single value; setup-go expects one version"
    assert rows(text) == [Row(6, "test", "", "", None, note, True)]


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("${{ env.GO_VERSION }}", "env.GO_VERSION is not set in the step, job or workflow env"),
        ("${{ env[''] }}", "env. is not set in the step, job or workflow env"),
    ],
)
def test_an_env_value_no_scope_sets_says_so(expression: str, reason: str) -> None:
    text = one_step(f"        with:\n          go-version: {expression}\n")
    assert rows(text) == [Row(6, "test", expression, "", None, reason, True)]


@pytest.mark.parametrize("uses", ["actions/setup-go", "actions/setup-go/@v5"])
def test_setup_go_named_without_a_ref_or_with_a_path_is_still_setup_go(uses: str) -> None:
    text = one_step("", uses=uses)
    assert rows(text) == [Row(4, "test", uses, "", None, NO_VERSION, True)]


@pytest.mark.parametrize(
    ("spec", "version", "problem"),
    [
        ("latest", None, "'latest' floats with Go releases"),
        ("*", None, "'*' floats with Go releases"),
        ("x", None, "'x' floats with Go releases"),
        ("1.21.0-rc.1", "1.21rc1", ""),
        ("1.25rc2", "1.25rc2", ""),
        ("1.24.X", "1.24", ""),
        ("1.24.x", "1.24", ""),
        ("~1.24.3", "1.24", ""),
        ("~1", "1", ""),
        ("^1.22", "1", ""),
        (">1.22", "1", ""),
        (">=1.22.3", "1", ""),
        ("v1.26.8", "1.26.8", ""),
        ("1.26-beta", None, "cannot read a Go version from '1.26-beta'"),
    ],
)
def test_setup_go_version_spec_names_the_go_it_floats_at(
    spec: str, version: str | None, problem: str
) -> None:
    expected = None if version is None else GoVersion.parse(version)
    assert setup_go_version(spec) == (expected, problem)


FILE = SOURCE_SETUP_GO_FILE


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [
        (
            one_step("        with:\n          go-version-file: ${{ matrix.mod }}/go.mod\n"),
            [
                Row(
                    6,
                    "test",
                    "${{ matrix.mod }}/go.mod",
                    "",
                    None,
                    "go-version-file ${{ matrix.mod }}/go.mod: job test has no strategy.matrix",
                    unpinned=True,
                    source=FILE,
                )
            ],
        ),
        (
            'env:\n  MODFILE: ""\n'
            + one_step("        with:\n          go-version-file: ${{ env.MODFILE }}\n"),
            [
                Row(
                    2,
                    "test",
                    "${{ env.MODFILE }}",
                    "",
                    None,
                    "go-version-file ${{ env.MODFILE }} is empty, and setup-go without a version uses "
                    "whatever Go the runner has",
                    unpinned=True,
                )
            ],
        ),
        (
            one_step("        with:\n          go-version-file: services/api/.go-version\n"),
            [
                Row(
                    6,
                    "test",
                    "services/api/.go-version",
                    "services/api/.go-version",
                    None,
                    "follows services/api/.go-version, read from the checkout: not checked by "
                    "the reader alone",
                    unpinned=True,
                    source=FILE,
                )
            ],
        ),
        (
            one_step("        with:\n          go-version-file: ${{ matrix.mod }}\n").replace(
                "    steps:",
                "    strategy:\n      matrix:\n        mod: [api/go.mod, worker/go.mod]\n"
                "    steps:",
            ),
            [
                Row(
                    5,
                    "test",
                    "${{ matrix.mod }}",
                    mod,
                    None,
                    f"follows {mod}: aligned by construction",
                    source=FILE,
                )
                for mod in ("api/go.mod", "worker/go.mod")
            ],
        ),
    ],
)
def test_a_go_version_file_pin_in_every_field(workflow: str, expected: list[Row]) -> None:
    assert rows(workflow) == expected
