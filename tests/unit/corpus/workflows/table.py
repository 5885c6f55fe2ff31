"""What the workflow reader must return for each file of this corpus.

Each file reproduces a shape public Go projects use in `.github/workflows/` (written for this
corpus, none copied). `tests/test_versions.py::test_workflow_corpus` copies a file into a
checkout holding GO_MOD and the case's `checkout` files, runs read_workflows,
follow_go_version_files and apply_ignore, and compares every pin with `pins`: nothing more,
nothing less, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GO_MOD = "module example.com/svc\n\ngo 1.26.0\n\ntoolchain go1.26.8\n"

COUNTED = "counted"  # compared with go.mod
UNPINNED = "unpinned"  # a warning: no Go version can be read
IGNORED = "ignored"  # left out, with the reason

NOT_BUILT = (
    "not counted: job {job} never runs the Go toolchain on the module (every step runs a "
    "program or action that runs no Go)"
)
FLOAT_1_20 = (
    "unquoted 1.20 is the YAML number 1.2, which is what Actions passes on; quote it: '1.20'"
)


@dataclass(frozen=True)
class Pinned:
    line: int  # where the version is written (the matrix value, the env value, ...)
    job: str
    written: str  # Pin.raw
    version: str | None  # the Go version it names; None when none can be read
    state: str  # COUNTED, UNPINNED or IGNORED
    why: str | None = None  # the exact note (or, for IGNORED, the reason) when the case checks it
    file: str = ""  # where it is written, when not in the workflow (a local composite action)


@dataclass(frozen=True)
class Case:
    file: str
    shape: str
    pins: tuple[Pinned, ...]
    checkout: dict[str, str] = field(default_factory=dict)  # path -> content ("corpus:" + file)
    ignore: tuple[str, ...] = ()  # go_version_ignore entries
    absent: str = ""  # what must not be a pin, and why


# The version a reusable workflow gives its local composite action from its own input, which
# its caller sets from what only the run knows (or no caller in the checkout sets).
THROUGH_THE_ACTION_UNKNOWN = Pinned(
    12,
    "build",
    "${{ inputs.go-version }}",
    None,
    UNPINNED,
    "inputs.go-version is '${{ inputs.go-version }}', given by the step's `with:` at "
    ".github/workflows/reusable-composite.yml:15, and inputs.go-version is set by "
    "each caller of this reusable workflow; in the composite action "
    ".github/actions/setup-toolchain/action.yml, which the step at "
    ".github/workflows/reusable-composite.yml:13 uses",
    file=".github/actions/setup-toolchain/action.yml",
)

# reusable-workflow.yml's pin where a caller gives what only the running job knows.
_UNKNOWN_CALLERS_PIN = Pinned(
    15,
    "test",
    "${{ inputs.go-version }}",
    None,
    UNPINNED,
    "inputs.go-version is set by each caller of this reusable workflow, default '1.26' at line 7",
    file=".github/workflows/reusable-workflow.yml",
)

CASES = (
    Case(
        "plain.yml",
        "one job, quoted go-version, go test",
        (Pinned(10, "test", "1.26.8", "1.26.8", COUNTED, ""),),
    ),
    Case(
        "float-trap.yml",
        "unquoted 1.20 in a matrix and in with: the YAML number 1.2, so setup-go installs Go 1.2",
        (
            Pinned(
                9,
                "test",
                "1.20",
                "1.2",
                COUNTED,
                f"{FLOAT_1_20}; setup-go at line 14 via matrix.go at line 9",
            ),
            Pinned(
                9, "test", "1.21", "1.21", COUNTED, "setup-go at line 14 via matrix.go at line 9"
            ),
            Pinned(
                9, "test", "1.22", "1.22", COUNTED, "setup-go at line 14 via matrix.go at line 9"
            ),
            Pinned(21, "build", "1.20", "1.2", COUNTED, FLOAT_1_20),
        ),
    ),
    Case(
        "go-version-file-gomod.yml",
        "go-version-file: go.mod, the project's own: aligned by construction",
        (Pinned(10, "test", "go.mod", None, COUNTED, "follows go.mod: aligned by construction"),),
    ),
    Case(
        "go-version-file-dot-go-version.yml",
        "go-version-file: .go-version, read from the checkout",
        (
            Pinned(
                11,
                "unit",
                ".go-version",
                "1.26.8",
                COUNTED,
                "follows .go-version, which names '1.26.8'",
            ),
        ),
        checkout={".go-version": "1.26.8\n"},
    ),
    Case(
        "go-version-file-tool-versions.yml",
        "go-version-file: .tool-versions (asdf), its golang line",
        (
            Pinned(
                10,
                "unit",
                ".tool-versions",
                "1.25.3",
                COUNTED,
                "follows .tool-versions:2, which names '1.25.3'",
            ),
        ),
        checkout={".tool-versions": "nodejs 22.11.0\ngolang 1.25.3\n"},
    ),
    Case(
        "stable-oldstable.yml",
        "stable and oldstable float; a go_version_ignore entry leaves one job out",
        (
            Pinned(
                12,
                "latest",
                "stable",
                None,
                IGNORED,
                "left out by go_version_ignore entry 'stable-oldstable.yml:latest'",
            ),
            Pinned(
                21, "previous", "oldstable", None, UNPINNED, "'oldstable' floats with Go releases"
            ),
        ),
        ignore=("stable-oldstable.yml:latest",),
    ),
    Case(
        "matrix-exclude.yml",
        "matrix exclude, whole value and partial combination",
        (
            Pinned(9, "test", "1.25", "1.25", COUNTED),
            Pinned(9, "test", "1.26", "1.26", COUNTED),
        ),
        absent="1.21: every combination with go 1.21 is excluded",
    ),
    Case(
        "matrix-include.yml",
        "matrix include: extends a combination, or adds its own where it would change an original value",
        (
            Pinned(8, "test", "1.26", "1.26", COUNTED),
            Pinned(13, "test", "1.27.0-rc.1", "1.27rc1", COUNTED),
            Pinned(15, "test", "1.26", "1.26", COUNTED),
        ),
    ),
    Case(
        "include-only-matrix.yml",
        "a matrix of include entries only: one combination each",
        (
            Pinned(10, "build", "1.26.8", "1.26.8", COUNTED),
            Pinned(12, "build", "1.25", "1.25", COUNTED),
        ),
    ),
    Case(
        "env-indirection.yml",
        "${{ env.X }} from the workflow env, one of them an unquoted 1.20",
        (
            Pinned(
                6,
                "build",
                "1.26.8",
                "1.26.8",
                COUNTED,
                "setup-go at line 15 via env.GO_VERSION at line 6",
            ),
            Pinned(
                7,
                "legacy",
                "1.20",
                "1.2",
                COUNTED,
                f"{FLOAT_1_20}; setup-go at line 22 via env.GO_OLD at line 7",
            ),
        ),
    ),
    Case(
        "matrix-indirection.yml",
        "job env from ${{ matrix['go'] }}, used as ${{ env.GOVER }}.x",
        (
            Pinned(8, "test", "1.25.x", "1.25", COUNTED),
            Pinned(8, "test", "1.26.x", "1.26", COUNTED),
        ),
    ),
    Case(
        "manual-dispatch.yml",
        "a workflow_dispatch input: its default is what a run by hand gets unless it gives more",
        (
            Pinned(
                8,
                "release",
                "1.24.2",
                "1.24.2",
                COUNTED,
                "inputs.go-version is the workflow_dispatch input's default, line 8; setup-go at "
                "line 19 via inputs.go-version at line 8",
            ),
            Pinned(
                26,
                "lint",
                "${{ github.event.inputs.lint-go }}",
                None,
                UNPINNED,
                "inputs.lint-go is given when the workflow is run by hand (it has no default)",
            ),
        ),
    ),
    Case(
        "reusable-workflow.yml",
        "a workflow_call workflow: the version is its caller's input",
        (
            Pinned(
                15,
                "test",
                "${{ inputs.go-version }}",
                None,
                UNPINNED,
                "inputs.go-version is set by each caller of this reusable workflow, default '1.26' "
                "at line 7",
            ),
        ),
    ),
    Case(
        "reusable-caller.yml",
        "jobs that call reusable workflows, one of the repository's: its input is the caller's",
        (
            Pinned(
                6,
                "test",
                "1.25",
                "1.25",
                COUNTED,
                "inputs.go-version is '1.25', given by .github/workflows/reusable-caller.yml job "
                "call at line 7; setup-go at line 15 via inputs.go-version at line 6",
                file=".github/workflows/reusable-workflow.yml",
            ),
        ),
        checkout={".github/workflows/reusable-workflow.yml": "corpus:reusable-workflow.yml"},
        absent="a pin of the called workflow as if no caller were known (it runs only when called)",
    ),
    Case(
        "reusable-nested-caller.yml",
        "a release workflow reaches the test workflow through a shared pipeline workflow that "
        "passes its own input on: the Go two calls down is the release's (trial 17's false pass)",
        (
            Pinned(
                6,
                "test",
                "1.24.6",
                "1.24.6",
                COUNTED,
                "inputs.go-version is '1.24.6', given by .github/workflows/reusable-relay.yml job "
                "test at line 12 from '1.24.6', given by "
                ".github/workflows/reusable-nested-caller.yml job pipeline at line 9; setup-go at "
                "line 15 via inputs.go-version at line 6",
                file=".github/workflows/reusable-workflow.yml",
            ),
        ),
        checkout={
            ".github/workflows/reusable-workflow.yml": "corpus:reusable-workflow.yml",
            ".github/workflows/reusable-relay.yml": "corpus:reusable-relay.yml",
        },
        absent="the called workflow's default 1.26, or an unknown version (the relay only "
        "passes its input on)",
    ),
    Case(
        "reusable-relay.yml",
        "a reusable workflow that passes its own input on to another, and nothing calls it: "
        "the version stays the unknown caller's",
        (_UNKNOWN_CALLERS_PIN,),
        checkout={".github/workflows/reusable-workflow.yml": "corpus:reusable-workflow.yml"},
    ),
    Case(
        "reusable-matrix-caller.yml",
        "a caller's matrix through the input, a caller that gives none (the input's default), "
        "and one that gives what only the running job knows (another job's output)",
        (
            *(
                Pinned(line, "test", v, v, COUNTED, file=".github/workflows/reusable-workflow.yml")
                for line, v in ((6, "1.26.8"), (6, "1.25.4"), (7, "1.26"))
            ),
            _UNKNOWN_CALLERS_PIN,
        ),
        checkout={".github/workflows/reusable-workflow.yml": "corpus:reusable-workflow.yml"},
    ),
    Case(
        "composite-action-user.yml",
        "a local composite action wraps setup-go; another job uses a local action to build",
        (
            Pinned(  # the action's setup-go, its input given by the calling step
                12,
                "test",
                "1.26.8",
                "1.26.8",
                COUNTED,
                "inputs.go-version is given by the step's `with:` at "
                ".github/workflows/composite-action-user.yml:10; setup-go at line 12 via "
                "inputs.go-version at line 10; in the composite action "
                ".github/actions/setup-toolchain/action.yml, which the step at "
                ".github/workflows/composite-action-user.yml:8 uses",
                file=".github/actions/setup-toolchain/action.yml",
            ),
            Pinned(
                18,
                "generate",
                "1.26",
                "1.26",
                COUNTED,
                "counted: job generate uses the local action ./.github/actions/codegen (line 19), "
                "which may run the Go toolchain; list the job in go_version_ignore if it does not",
            ),
        ),
        checkout={
            ".github/actions/setup-toolchain/action.yml": "corpus:actions/setup-toolchain/action.yml"
        },
    ),
    Case(
        "composite-action-defaults.yml",
        "a local composite action's default input, the matrix through its input, one composite "
        "action inside another with the workflow's env, and a local action not in the checkout",
        (
            Pinned(  # named by its job's workflow, though written in the action
                12,
                "lint",
                "1.26.8",
                "1.26.8",
                IGNORED,
                "left out by go_version_ignore entry 'composite-action-defaults.yml:lint'",
                file=".github/actions/go/action.yml",
            ),
            Pinned(12, "matrix", "1.26.8", "1.26.8", COUNTED, file=".github/actions/go/action.yml"),
            Pinned(12, "matrix", "1.25.4", "1.25.4", COUNTED, file=".github/actions/go/action.yml"),
            Pinned(
                12,
                "nested",
                "1.25.4",
                "1.25.4",
                COUNTED,
                "inputs.go-version is given by the step's `with:` at "
                ".github/actions/ci-setup/action.yml:8; setup-go at line 12 via inputs.go-version "
                "at line 8 -> env.GO at line 4; in the composite action "
                ".github/actions/go/action.yml, which the step at "
                ".github/actions/ci-setup/action.yml:6 uses",
                file=".github/actions/go/action.yml",
            ),
            Pinned(36, "elsewhere", "1.26.8", "1.26.8", COUNTED, ""),
        ),
        checkout={
            ".github/actions/go/action.yml": "corpus:actions/go/action.yml",
            ".github/actions/ci-setup/action.yml": "corpus:actions/ci-setup/action.yml",
        },
        ignore=("composite-action-defaults.yml:lint",),
    ),
    Case(
        "anchors.yml",
        "a step anchored and aliased in another job; a with: block anchored and aliased",
        (
            Pinned(11, "test", "1.26.8", "1.26.8", COUNTED),
            Pinned(11, "lint", "1.26.8", "1.26.8", COUNTED),
            Pinned(24, "race", "1.25", "1.25", COUNTED),
            Pinned(24, "race-arm", "1.25", "1.25", COUNTED),
        ),
        absent="a merge key (`<<:`): GitHub merges nothing there, so this shape "
        "has none (test_actions_yaml_reading refuses them)",
    ),
    Case(
        "step-if-tip.yml",
        "setup-go under if: matrix.go_version != 'tip', tip installed by another step",
        (
            Pinned(8, "test", "1.25.x", "1.25", COUNTED),
            Pinned(8, "test", "1.26.x", "1.26", COUNTED),
        ),
        absent="tip: the step's condition is false for it",
    ),
    Case(
        "step-if-compound.yml",
        "conditions with ||, &&, !, parentheses, case-insensitive names and strings, unknown contexts",
        (
            Pinned(
                8, "test", "1.26", "1.26", COUNTED, "setup-go at line 19 via matrix.go at line 8"
            ),
            Pinned(
                8,
                "test",
                "1.24",
                "1.24",
                COUNTED,
                "setup-go at line 23 via matrix.go at line 8; may run: its `if: github.event_name "
                "== 'push' && matrix.go == '1.24'` depends on what is only known when the workflow "
                "runs (line 21)",
            ),
            Pinned(
                27,
                "test",
                "1.26.8",
                "1.26.8",
                COUNTED,
                "may run: its `if: runner.os == 'Linux'` depends on what is only known when the "
                "workflow runs (line 25)",
            ),
        ),
        absent=(
            "1.24 and the rc in the first step (false for them), 1.19 (matrix.os is never "
            "windows-latest, so false whatever the event)"
        ),
    ),
    Case(
        "release.docs.yml",
        "a docs job that sets up Go for Hugo only (hugo mod get)",
        (Pinned(14, "docs", "1.25.1", "1.25.1", IGNORED, NOT_BUILT.format(job="docs")),),
    ),
    Case(
        "golangci-lint.yml",
        "setup-go then golangci-lint-action, which loads the module",
        (Pinned(12, "golangci", "1.26", "1.26", COUNTED, ""),),
    ),
    Case(
        "goreleaser.yml",
        "go-version-file: ./go.mod then goreleaser-action, which builds the module",
        (
            Pinned(
                16,
                "goreleaser",
                "./go.mod",
                None,
                COUNTED,
                "follows ./go.mod: aligned by construction",
            ),
        ),
    ),
    Case(
        "make-targets.yml",
        "the build goes through make: counted, saying why",
        (
            Pinned(
                10,
                "check",
                "1.26.8",
                "1.26.8",
                COUNTED,
                "counted: job check runs `make lint test` (line 12), and what make runs is not "
                "read, so it may run the Go toolchain; list the job in go_version_ignore if it "
                "does not",
            ),
        ),
    ),
    Case(
        "tool-install-only.yml",
        "setup-go only to go install gotip, which then tests the module",
        (Pinned(12, "gotip", "1.x", "1", IGNORED, NOT_BUILT.format(job="gotip")),),
    ),
    Case(
        "job-if.yml",
        "a job under if: false, another under a condition on github",
        (Pinned(18, "upstream-only", "1.26.8", "1.26.8", COUNTED, ""),),
        absent="1.19: its job never runs",
    ),
    Case(
        "version-ranges.yml",
        "setup-go version ranges and spellings",
        (
            Pinned(8, "test", ">=1.25.0", "1", COUNTED),
            Pinned(8, "test", "^1.26", "1", COUNTED),
            Pinned(8, "test", "1.26.x", "1.26", COUNTED),
            Pinned(8, "test", "~1.25.3", "1.25", COUNTED),
            Pinned(8, "test", "go1.26.8", "1.26.8", COUNTED),
            Pinned(8, "test", "1.27.0-rc.1", "1.27rc1", COUNTED),
        ),
    ),
    Case(
        "matrix-expression.yml",
        "strategy.matrix from fromJSON(needs...): values known only at run time",
        (
            Pinned(
                19,
                "test",
                "${{ matrix.go }}",
                None,
                UNPINNED,
                "job test's matrix is an expression (${{ fromJSON(needs.plan.outputs.matrix) }})",
            ),
        ),
    ),
    Case(
        "reusable-composite.yml",
        "a reusable workflow passes its own input on to a local composite action: with no "
        "caller in the checkout, the version is unknown",
        (THROUGH_THE_ACTION_UNKNOWN,),
        checkout={
            ".github/actions/setup-toolchain/action.yml": "corpus:actions/setup-toolchain/action.yml"
        },
    ),
    Case(
        "reusable-composite-caller.yml",
        "a caller gives the reusable workflow the version its composite action installs (a "
        "review's false pass: the action's input took itself for the caller's and was "
        "unknown); another caller gives a job's output, which only the run knows",
        (
            Pinned(
                12,
                "build",
                "1.22.0",
                "1.22.0",
                COUNTED,
                "inputs.go-version is '1.22.0', given by the step's `with:` at "
                ".github/workflows/reusable-composite.yml:15 (inputs.go-version is '1.22.0', "
                "given by .github/workflows/reusable-composite-caller.yml job build at line 16); "
                "setup-go at line 12 via inputs.go-version at line 15; in the composite action "
                ".github/actions/setup-toolchain/action.yml, which the step at "
                ".github/workflows/reusable-composite.yml:13 uses",
                file=".github/actions/setup-toolchain/action.yml",
            ),
            THROUGH_THE_ACTION_UNKNOWN,
        ),
        checkout={
            ".github/workflows/reusable-composite.yml": "corpus:reusable-composite.yml",
            ".github/actions/setup-toolchain/action.yml": "corpus:actions/setup-toolchain/action.yml",
        },
    ),
)
