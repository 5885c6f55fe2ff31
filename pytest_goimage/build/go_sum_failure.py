"""A build the go command stopped on go.sum: a download that does not match it (checksum
mismatch, SECURITY ERROR), or an entry it lacks (missing go.sum entry)."""

from __future__ import annotations

import re

from .failed_build import FailedBuild, block, step_output


def go_sum_message(build: FailedBuild) -> str | None:
    """What went wrong with go.sum and what to do; None for another failure."""
    if not re.search(r"checksum mismatch|SECURITY ERROR|missing go\.sum entry", build.output):
        return None
    if "missing go.sum entry" in build.output and not re.search(
        r"checksum mismatch|SECURITY ERROR", build.output
    ):
        # No download disagreed with go.sum: it lacks a line (trial 13: the advice to check
        # GOPROXY/GOSUMDB pointed away from the go.sum that was never updated).
        return (
            f"{build.head}: go.sum has no entry for a module the build needs (a requirement or "
            "import added without updating go.sum). Run `go mod tidy` and commit go.sum "
            f"(`go build ./...` shows the same locally).\n{block(_with_go_fix(build))}"
            f"{build.log_note}"
        )
    return (
        f"{build.head}: go.sum does not match the downloaded modules (go mod verify / checksum "
        f"mismatch). Run `go mod tidy` and commit go.sum, and check GOPROXY/GOSUMDB.\n"
        f"{block(build.go_lines)}{build.log_note}"
    )


def _with_go_fix(build: FailedBuild) -> list[str]:
    """The Go lines, each `...; to add:` followed by the command Go prints on its next line."""
    output = step_output(build.output)
    lines = []
    for line in build.go_lines:
        lines.append(line)
        if line.endswith(("to add:", "to add it:")):
            at = next((i for i, raw in enumerate(output) if raw.strip() == line.strip()), -1)
            if 0 <= at < len(output) - 1 and output[at + 1].strip().startswith("go "):
                lines.append("    " + output[at + 1].strip())
    return lines
