"""Which files of the build context a Dockerfile takes in: the sources of its `COPY`/`ADD`
(not `--from` another stage or image) and the context bind mounts of its `RUN --mount`.

`provenance` uses it to tell a local change that reaches the image (a `.go` file `COPY . .`
sends in) from one that does not (a test file the Dockerfile never copies). Where a source
cannot be read without running the build (a `$VARIABLE` in it), every file counts as taken.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Mapping, Sequence

from .dockerfile import Dockerfile, Instruction
from .dockerfile_stages import stage_lines
from .run_mounts import context_binds

__all__ = ["context_sources", "image_sources", "takes", "target_sources"]

EVERYTHING = "."


def context_sources(parsed: Dockerfile) -> list[str]:
    """The context paths and patterns the Dockerfile copies or mounts, normalised ("." for
    the whole context)."""
    return _sources(parsed.instructions)


def image_sources(parsed: Dockerfile, target: str | None) -> list[str]:
    """The context paths the built stage, and the stages it is built FROM, copy in or bind
    into a RUN: what the image's own layers are made from, not only a builder stage's."""
    stages = parsed.built_stages(target)
    return _sources([i for stage in stages for i in stage.instructions])


def target_sources(parsed: Dockerfile, target: str | None, args: Mapping[str, str]) -> list[str]:
    """The context paths the stages a build of `target` runs copy in or bind: the image's own
    and its builders' (`COPY . .` in a builder, whose `cat VERSION` or `cp -r static/` reaches
    the image through `COPY --from`), not a stage the build skips. Every stage's where the
    target names none (BuildKit then fails the build)."""
    lines = stage_lines(parsed, target, args)
    if lines is None:
        return context_sources(parsed)
    return _sources([i for s in parsed.stages for i in s.instructions if i.line in lines])


def _sources(instructions: Sequence[Instruction]) -> list[str]:
    sources: list[str] = []
    for instruction in instructions:
        if instruction.keyword in ("COPY", "ADD"):
            sources += [_normalised(word) for word in instruction.sources()]
        elif instruction.keyword == "RUN":
            # A bind mount's source defaults to the whole context.
            sources += [_normalised(mount.source) for mount in context_binds(instruction)]
    return sources


def takes(sources: Sequence[str], path: str) -> bool:
    """Whether a file of the context (`path`, relative to it) is among `sources`: named, under
    a named folder, or matched by a pattern, as BuildKit matches COPY sources."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    for source in sources:
        if source == EVERYTHING or "$" in source:
            return True
        if "**" in source:
            # `COPY --parents **/*.go` (and `a/./b` marking where the kept path starts) is
            # matched at any depth, unlike a plain pattern: count the whole folder above it.
            folder = source.replace("/./", "/").split("**", 1)[0].rstrip("/")
            if not folder or path == folder or path.startswith(folder + "/"):
                return True
        if any(_matches(prefix, source) for prefix in prefixes):
            return True
        if source.startswith(path + "/"):
            return True  # git names a changed submodule by its folder, above the source
    return False


def _matches(path: str, pattern: str) -> bool:
    """Go's filepath.Match, which BuildKit uses: `*` and `?` stay within one path element."""
    names, patterns = path.split("/"), pattern.split("/")
    return len(names) == len(patterns) and all(
        # Go writes a negated class [^a]; fnmatch spells it [!a].
        fnmatch.fnmatchcase(name, part.replace("[^", "[!"))
        for name, part in zip(names, patterns, strict=True)
    )


def _normalised(source: str) -> str:
    """`./backend/` -> `backend`; `/`, `.` and `./` -> "." (the context root)."""
    cleaned = posixpath.normpath("/" + source.strip('"')).lstrip("/")
    return cleaned or EVERYTHING
