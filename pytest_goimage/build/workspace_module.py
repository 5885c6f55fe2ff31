"""A go.work that lists a module the build does not have: the workspace builds on the laptop,
where every module is checked out, and fails in a Dockerfile that copies only its own module's
files (`go: cannot load module services/indexer listed in go.work file: open
services/indexer/go.mod: no such file or directory`)."""

from __future__ import annotations

import re
from pathlib import Path

from ..gofacts.workspace import use_lines

_NOT_LOADED = re.compile(
    r"cannot load module (\S+) listed in go\.work file: open (\S+): no such file"
)


def workspace_module_hint(output: str, context: Path) -> str | None:
    """What to do when Go says a module go.work lists is not in the build, else None."""
    found = _NOT_LOADED.search(output)
    if found is None:
        return None
    module, missing = found.groups()
    written = _use_line(context / "go.work", module)
    where = f" (go.work:{written} `use {module}`)" if written else ""
    return (
        f"go.work lists the module {module}{where}, and the build has no {missing}: COPY the "
        "go.mod and go.sum of every module go.work lists into the builder, at the same place "
        "relative to go.work, before this step (the whole folder where this image's packages "
        "import it), or build this module on its own with `ENV GOWORK=off`."
    )


def _use_line(go_work: Path, module: str) -> int:
    """The line of go.work that lists `module` (0: not found, or no go.work in the context)."""
    try:
        text = go_work.read_text(errors="replace")
    except OSError:
        return 0
    return use_lines(text, go_work.parent).get((go_work.parent / module).resolve(), 0)
