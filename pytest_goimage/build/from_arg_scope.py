"""A FROM that reads an ARG declared inside a stage, or by no ARG: BuildKit gives a FROM only
the ARGs declared before the first FROM, so the variable is empty, and its error names the
empty result (`failed to parse stage name "golang:-alpine": invalid reference format`, `base
name (${BASE}) should not be blank`), not the line or the ARG."""

from __future__ import annotations

import re

from ..gofacts.arg_scope import OutOfScope, from_out_of_scope
from ..gofacts.shell_script import VARIABLE
from .failed_build import FailedBuild

_REFUSED_NAME = re.compile(r'stage name "([^"]*)"')
_BAD_BASE = re.compile(r"failed to parse stage name|invalid reference format|should not be blank")


def _failing(found: list[OutOfScope], build: FailedBuild) -> OutOfScope:
    """The one whose FROM, its out-of-scope variables empty, is the name BuildKit refused
    (`failed to parse stage name "golang:-alpine"`); else the first."""
    refused = _REFUSED_NAME.search(build.trace_error)
    empty = {each.name for each in found}
    for each in found:
        base = next(s.base for s in build.parsed.stages if s.line == each.used)
        pattern = ""  # the base as a pattern: those variables empty, any other any text
        for index, part in enumerate(VARIABLE.split(base)):  # text, `${N}`'s, `$N`'s, text...
            if index % 3 == 0:
                pattern += re.escape(part)
            elif part is not None:
                pattern += "" if part in empty else ".*"
        if refused and re.fullmatch(pattern, refused.group(1)):
            return each
    return found[0]


def from_arg_out_of_scope(build: FailedBuild) -> str | None:
    """The message for a base image left empty by an ARG out of a FROM's scope; else None."""
    if not _BAD_BASE.search(build.trace_error):
        return None
    found = from_out_of_scope(build.parsed)
    if not found:
        return None
    first = _failing(found, build)
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
