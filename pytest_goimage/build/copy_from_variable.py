"""`COPY --from=${STAGE}`: BuildKit never expands variables in `--from` (moby/buildkit#2374),
so the stage name stays `${STAGE}` and the frontend refuses it before any step runs, with
"failed to parse stage name" and an image-reference error that names no line."""

from __future__ import annotations

import re

from .failed_build import FailedBuild

_UNPARSED_STAGE = re.compile(r'failed to parse stage name "([^"]*\$[^"]*)"')


def copy_from_variable(build: FailedBuild) -> str | None:
    """The message for a `--from` that names a variable, with its line; else None."""
    found = _UNPARSED_STAGE.search(build.trace_error)
    if not found:
        return None
    written = found.group(1)
    culprit = next(
        (
            i
            for i in build.parsed.instructions
            if i.keyword in ("COPY", "ADD") and i.flag("from") == written
        ),
        None,
    )
    where = f"{build.dockerfile_label}:{culprit.line}" if culprit else build.dockerfile_label
    name = re.sub(r"[^a-z0-9]+", "-", written.strip("${}").lower()).strip("-") or "source"
    return (
        f"{where}: `--from={written}` names a variable, and BuildKit expands none in `--from` "
        "(it takes the text as an image name, which it cannot parse). Make the variable a "
        f"stage instead: `FROM {written} AS {name}` after the stages it may name, then "
        f"`COPY --from={name} ...` (an ARG used in FROM must be declared before the first FROM)."
    )
