"""A build the go command stopped on go.sum: a download that does not match it (checksum
mismatch, SECURITY ERROR), or an entry it lacks (missing go.sum entry)."""

from __future__ import annotations

import re

from ..gofacts.go_module import go_mods_below
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
        held = _listed_in_context(build)
        if held:
            return (
                f"{build.head}: the build's go.sum has no entry for a module that {held} in "
                "the build context lists, so the go.sum the build reads is not the "
                "repository's: copy go.sum beside go.mod (`COPY go.mod go.sum ./`) and check "
                f"that no .dockerignore rule keeps it out.\n{block(_with_go_fix(build))}"
                f"{build.log_note}"
            )
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


_PACKAGE = re.compile(
    r"missing go\.sum entry for module providing package (\S+)|go: (\S+?)@\S+: missing go\.sum"
)


def _listed_in_context(build: FailedBuild) -> str:
    """The go.sum of the build context (the top's, or one beside a go.mod below it) that lists
    the module Go misses, named from the context; "" where none does."""
    wanted = [a or b for a, b in _PACKAGE.findall(build.output)]
    if not wanted:
        return ""
    sums = [build.context / "go.sum", *(m.parent / "go.sum" for m in go_mods_below(build.context))]
    for path in dict.fromkeys(sums):
        try:
            modules = {line.split()[0] for line in path.read_text().splitlines() if line.split()}
        except OSError:
            continue
        if any(p == m or p.startswith(m + "/") for p in wanted for m in modules):
            return path.relative_to(build.context).as_posix()
    return ""
