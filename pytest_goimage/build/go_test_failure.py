"""`go test` failing in a RUN (teams run their tests in the builder stage): Go prints each
failing test as `--- FAIL: TestName (0.00s)`, its `t.Errorf` lines indented under it with the
test file's `file_test.go:8:` position, and `FAIL\t<package>` per package. Those positions look
like compile errors; the `--- FAIL` lines tell them apart."""

from __future__ import annotations

import re

from .failed_build import MAX_LINES, step_output

_FAILED_TEST = re.compile(r"^\s*--- FAIL: (\S+)")
_FAILED_PACKAGE = re.compile(r"^FAIL\s+(\S+)")
_PANIC = re.compile(r"^panic: ")
# A RUN that may run Go tests or compile test files: `go test`/`go vet` in any form (exec
# form `"go", "test"`, `go -C dir test`), a test runner (gotestsum, ginkgo), a linter that
# type-checks tests (golangci-lint, staticcheck), or a make/task target named for them.
MAY_RUN_TESTS = re.compile(
    r"\bgo\b(?:\s+-C\s+\S+)?[\s\",]+(?:test|vet)\b|\b(?:gotestsum|ginkgo|golangci-lint|staticcheck)\b"
    r"|\b(?:make|task|just|mage)\b[^;&|\n]*\b(?:test|tests|vet|lint|check)\b",
    re.IGNORECASE,
)


def failed_tests(output: str) -> tuple[list[str], list[str]] | None:
    """(the failing tests and packages, Go's lines about them) where a step's output shows a
    `go test` that failed; None where it shows none."""
    lines = step_output(output)
    first = next(
        (i for i, line in enumerate(lines) if _FAILED_TEST.match(line) or _PANIC.match(line)),
        None,
    )
    names = [m.group(1) for line in lines if (m := _FAILED_TEST.match(line))]
    packages = [m.group(1) for line in lines if (m := _FAILED_PACKAGE.match(line))]
    if first is None or not (names or packages):
        return None  # a panic without `FAIL\t<package>` is another program's (go run, a tool)
    said = [line for line in lines[first:] if line.strip() and line.strip() != "FAIL"]
    return list(dict.fromkeys(names + packages)), said[:MAX_LINES]


def failed_tests_hint(failed: list[str], run: str) -> str:
    """What to say of `failed` (tests and packages) in the RUN whose text is `run`."""
    named = ", ".join(failed[:4]) + (f" and {len(failed) - 4} more" if len(failed) > 4 else "")
    what = "`go test` failed" if MAY_RUN_TESTS.search(run) else "a Go test failed"
    return (
        f"{what} in this RUN ({named}), so the image was not built: fix the test or the code "
        "it tests (the same `go test` locally shows it, unless the test depends on the build's "
        "environment), or run the tests in CI outside the image build."
    )
