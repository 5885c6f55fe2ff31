"""`COPY --from=${STAGE}` (or a RUN mount's `from=${STAGE}`): BuildKit never expands variables
in a `from` (moby/buildkit#2374), so the stage name stays `${STAGE}` and the frontend refuses it
before any step runs, with "failed to parse stage name" and an image-reference error that names
no line."""

from __future__ import annotations

import re

from ..gofacts.run_mounts import run_mounts
from .failed_build import FailedBuild

_UNPARSED_STAGE = re.compile(r'failed to parse stage name "([^"]*\$[^"]*)"')


def copy_from_variable(build: FailedBuild) -> str | None:
    """The message for a `--from` that names a variable, with its line; else None."""
    found = _UNPARSED_STAGE.search(build.trace_error)
    if not found:
        return None
    written = found.group(1)
    copies = [
        (i, f"--from={written}")
        for i in build.parsed.instructions
        if i.keyword in ("COPY", "ADD") and i.flag("from") == written
    ]
    mounts = [
        (i, m.written)
        for i in build.parsed.instructions
        for m in run_mounts(i)
        if m.option("from") == written
    ]
    culprit, flag = (copies + mounts)[0] if copies + mounts else (None, f"--from={written}")
    where = f"{build.dockerfile_label}:{culprit.line}" if culprit else build.dockerfile_label
    name = re.sub(r"[^a-z0-9]+", "-", written.strip("${}").lower()).strip("-") or "source"
    use = "COPY --from" if not mounts or copies else "RUN --mount=from"
    return (
        f"{where}: `{flag}` names a variable, and BuildKit expands none in a `from` (it takes "
        "the text as an image name, which it cannot parse). Make the variable a stage "
        f"instead: `FROM {written} AS {name}` after the stages it may name, then "
        f"`{use}={name}` (an ARG used in FROM must be declared before the first FROM)."
    )
