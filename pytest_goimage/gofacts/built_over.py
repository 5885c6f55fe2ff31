"""Which files of the build context the Go build never sees because the Dockerfile writes over
them first: a frontend stage's `dist` copied (`COPY --from=web /app/dist ./web/dist`) over the
local, git-ignored copy that `COPY . .` brought in, before `go build` embeds it. A clean
checkout builds the same binary, so git need not hold those files.

Only the stages that run `go build` count, and only a `COPY --from` that comes after the
context COPY that put the file there and before the build: a final stage copying the binary
(`COPY --from=build /out/server /app/server`) writes over nothing the build reads.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence

from .dockerfile import Dockerfile, Instruction
from .go_build_command import go_builds

__all__ = ["built_over"]


def built_over(parsed: Dockerfile) -> Callable[[str], bool]:
    """A test of a context path (relative to the context): True when, in some stage that runs
    `go build`, every place a context COPY put the file is written over by a later
    `COPY --from` before the build."""
    runs = [build.before for build in go_builds(parsed)]
    return lambda path: any(_written_over(before, path) for before in runs)


def _written_over(before: Sequence[Instruction], path: str) -> bool:
    workdir = "/"
    landed: set[str] = set()  # where the file is in the builder, per context COPY
    ever = False
    for instruction in before:
        if instruction.keyword == "WORKDIR" and instruction.args:
            workdir = posixpath.normpath(posixpath.join(workdir, instruction.args[0]))
        elif instruction.keyword in ("COPY", "ADD") and len(instruction.args) >= 2:
            destination = posixpath.normpath(posixpath.join(workdir, instruction.args[-1]))
            if instruction.flag("from") is not None:
                landed = {p for p in landed if not _under(p, destination)}
                continue
            for source in instruction.sources():
                where = _landing(source, instruction.args, destination, path)
                if where is not None:
                    landed.add(where)
                    ever = True
    return ever and not landed


def _landing(source: str, args: Sequence[str], destination: str, path: str) -> str | None:
    """Where a context COPY of `source` to `destination` puts the context file `path`, or None
    when it does not take it (a wildcard source is left to the build: None)."""
    source = posixpath.normpath(source.strip('"')).lstrip("/")
    if source in ("", "."):
        return posixpath.join(destination, path)
    if any(char in source for char in "*?["):
        return None
    if path.startswith(source + "/"):  # a folder: its content goes into the destination
        return posixpath.join(destination, path[len(source) + 1 :])
    if path == source:  # a file: into a folder destination, or as the destination
        into = args[-1].endswith("/") or len(args) > 2
        return posixpath.join(destination, posixpath.basename(path)) if into else destination
    return None


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
