"""A FROM that reads an ARG declared inside a stage, or by no ARG: BuildKit gives a FROM only
the ARGs declared before the first FROM, so the variable is empty, and its error names the
empty result (`failed to parse stage name "golang:-alpine": invalid reference format`, `base
name (${BASE}) should not be blank`), not the line or the ARG."""

from __future__ import annotations

import re

from ..gofacts.arg_scope import from_out_of_scope
from .failed_build import FailedBuild

_BAD_BASE = re.compile(r"failed to parse stage name|invalid reference format|should not be blank")


def from_arg_out_of_scope(build: FailedBuild) -> str | None:
    """The message for a base image left empty by an ARG out of a FROM's scope; else None."""
    if not _BAD_BASE.search(build.trace_error):
        return None
    found = from_out_of_scope(build.parsed)
    if not found:
        return None
    first = found[0]
    label = build.dockerfile_label
    base = next(s.base for s in build.parsed.stages if s.line == first.used)
    if first.declared:
        why = (
            f"which only `{first.declaration}` at {label}:{first.declared}, inside a stage, "
            "declares: a FROM sees only the ARGs declared before the first FROM"
        )
        fix = (
            f"Move that ARG above the first FROM (and write `ARG {first.name}` inside any stage "
            "that reads it too)"
        )
    else:
        why = "which no ARG declares (a build argument fills only a declared ARG)"
        fix = f"Declare `ARG {first.name}=<default>` above the first FROM"
    return (
        f"{label}:{first.used}: `FROM {base}` reads {first.name}, {why}, so it is empty there "
        f"and BuildKit refused the result ({build.trace_error.strip()}). {fix}.{build.log_note}"
    )
