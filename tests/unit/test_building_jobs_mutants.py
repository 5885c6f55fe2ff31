"""Which jobs run the Go toolchain on the module (gofacts/workflows/building_jobs.py), on the
`run:` lines and actions public Go projects' workflows hold.

A job's setup-go pin counts, counts with a note naming the step that may build, or is left out
with the reason; `job_builds` is also asked directly where its answer is the whole behaviour.
"""

from __future__ import annotations

import textwrap

import pytest
import yaml

from pytest_goimage.gofacts.workflows.actions_yaml import load_workflow, mapping_of
from pytest_goimage.gofacts.workflows.building_jobs import Builds, job_builds
from tests.unit.workflow_pin_rows import Row, rows

# One job: checkout, setup-go at line 8, then the step under test at line 9.
JOB = """\
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
{step}
"""
NOT_BUILT = (
    "not counted: job build never runs the Go toolchain on the module (every step runs a "
    "program or action that runs no Go)"
)
MAY_BUILD = (
    "counted: job build runs `{command}` (line 9), {verdict} may run the Go toolchain; list the "
    "job in go_version_ignore if it does not"
)
SCRIPT = "a script whose content is not read, so it"


def run_step(script: str) -> str:
    return "      - run: |\n" + textwrap.indent(script, " " * 10)


def pin_of(step: str) -> Row:
    (found,) = rows(JOB.format(step=step))
    return found


def counted(note: str = "") -> Row:
    return Row(8, "build", "1.26.8", "1.26.8", "1.26.8", note)


def left_out() -> Row:
    return Row(8, "build", "1.26.8", "1.26.8", "1.26.8", ignored=NOT_BUILT)


def builds(step: str) -> Builds:
    jobs = load_workflow(JOB.format(step=step), ".github/workflows/ci.yml")["jobs"]
    assert isinstance(jobs, yaml.MappingNode)
    job = mapping_of(jobs)["build"]
    assert isinstance(job, yaml.MappingNode)
    steps = [mapping_of(s) for s in mapping_of(job)["steps"].value]
    return job_builds(steps, "build")


@pytest.mark.parametrize(
    "script",
    [
        "go test -race ./...",
        "sudo -E go test ./...",  # a wrapper and its own flag
        "CGO_ENABLED=0 GOOS=linux \\\n  go build -o bin/app ./cmd/app",  # continued line
        '"$HOME/go/bin/staticcheck" ./...',  # a quoted path to a Go tool
        "./bin/golangci-lint run ./...",  # a Go tool the repository installed
        "go install -ldflags=-X=main.contact=ops@example.com ./cmd/app",  # @ inside a flag
        "if ! go vet ./...; then exit 1; fi",  # the shell's keywords before a command
        "ls cmd | xargs -I{} go build ./cmd/{}",  # xargs runs the command after it
    ],
)
def test_a_step_that_runs_the_go_toolchain_makes_the_job_build_without_a_note(
    script: str,
) -> None:
    assert builds(run_step(script)) == Builds(True)
    assert pin_of(run_step(script)) == counted()


def test_a_go_build_action_makes_the_job_build_without_a_note() -> None:
    step = "      - uses: golangci/golangci-lint-action@v6\n        with: {version: v1.62}"
    assert builds(step) == Builds(True)
    assert pin_of(step) == counted()


def test_a_docs_job_is_not_building_and_says_why() -> None:
    step = run_step("npm ci\nnpx docusaurus build")
    assert builds(step) == Builds(False, NOT_BUILT)
    assert pin_of(step) == left_out()


@pytest.mark.parametrize(
    "script",
    [
        "HUGO_ENV=production \\\n  hugo --minify",  # a continued line is one command
        "go -C tools install golang.org/x/tools/cmd/stringer@v0.30.0",  # a tool, in tools/
        "go -C=tools install golang.org/x/tools/cmd/stringer@v0.30.0",
        # `if`, `while`, `fi`, `done` are the shell's keywords, no programs that may run Go.
        'if [ -f go.sum ]; then echo "modules"; fi',
        "while ! curl -sf localhost:8080; do sleep 1; done",
    ],
)
def test_a_job_whose_commands_run_no_go_is_left_out(script: str) -> None:
    assert pin_of(run_step(script)) == left_out()


def test_a_line_continued_with_crlf_is_one_command() -> None:
    """A double-quoted `run:` can hold a backslash, then an escaped CR and LF: the shell
    continues the line there as it does before a LF alone."""
    step = '      - run: "HUGO_ENV=production \\\\\\r\\n  hugo --minify"'
    assert pin_of(step) == left_out()


def test_an_action_ref_holding_an_at_sign_is_still_that_action() -> None:
    """`actions/checkout@release@v4`: the action is what comes before the first `@` (a branch
    name may hold one), so it is still checkout, which runs no Go."""
    step = "      - uses: actions/checkout@release@v4\n" + run_step("hugo --minify")
    assert pin_of(step) == left_out()


@pytest.mark.parametrize(
    ("script", "command", "verdict"),
    [
        (
            "curl -fsSL https://raw.githubusercontent.com/nektos/act/master/install.sh | bash",
            "bash",
            "bash is not known to run no Go, so it",
        ),
        ("bash -c 'npm ci'", "bash -c npm ci", "bash is not known to run no Go, so it"),
        ("bash scripts/release-notes", "bash scripts/release-notes", SCRIPT),
        ("scripts/test", "scripts/test", SCRIPT),
        ("./configure --prefix=/usr", "./configure --prefix=/usr", SCRIPT),
        ("hack/verify-codegen", "hack/verify-codegen", SCRIPT),
        ("build/package", "build/package", SCRIPT),
        ("ci/lint.sh", "ci/lint.sh", SCRIPT),
        ("Xvfb :99 &", "Xvfb :99", "Xvfb is not known to run no Go, so it"),
        ("make test", "make test", "and what make runs is not read, so it"),
    ],
)
def test_a_command_that_may_run_go_counts_with_what_it_runs_named(
    script: str, command: str, verdict: str
) -> None:
    note = MAY_BUILD.format(command=command, verdict=verdict)
    assert pin_of(run_step(script)) == counted(note)


@pytest.mark.parametrize(
    ("uses", "what"),
    [
        ("./.github/actions/setup-tools/", "the local action ./.github/actions/setup-tools"),
        ("magefile/mage-action@v3", "the action magefile/mage-action"),
    ],
)
def test_an_action_that_may_run_go_counts_with_the_action_named(uses: str, what: str) -> None:
    note = (
        f"counted: job build uses {what} (line 9), which may run the Go toolchain; list the "
        "job in go_version_ignore if it does not"
    )
    assert pin_of(f"      - uses: {uses}") == counted(note)
