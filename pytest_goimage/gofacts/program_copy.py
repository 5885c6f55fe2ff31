"""Whether the image's program was copied in from the build context (`COPY bin/server
/app/server`) rather than made by a `go build` of the Dockerfile: its build settings are then
another build's, and no line of this Dockerfile is to blame for them."""

from __future__ import annotations

import posixpath

from .dockerfile import Dockerfile, Instruction


def context_copy(parsed: Dockerfile, program: str, target: str | None) -> Instruction | None:
    """The COPY or ADD of the build context that last wrote `program` (its path in the image)
    in the stages the image is built from; None where a `COPY --from` (a stage's build) wrote
    it last, or no COPY names it. A RUN that moves files is not followed."""
    last: Instruction | None = None
    workdir = "/"
    for stage in reversed(parsed.built_stages(target)):
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR" and instruction.args:
                workdir = posixpath.join(workdir, instruction.args[0])
            elif instruction.keyword in ("COPY", "ADD") and program in _written(
                instruction.args, workdir
            ):
                from_context = instruction.flag("from") is None
                last = instruction if from_context and instruction.sources() else None
    return last


def _written(args: tuple[str, ...], workdir: str) -> set[str]:
    """The paths a COPY's files may land at (a folder copied whole is not followed). One
    source to a destination without a trailing `/` lands there, or inside it where that is a
    folder already (`.`, the WORKDIR, `/app`): which one only the image knows, so both."""
    if len(args) < 2:
        return set()
    *sources, destination = args
    if "$" in destination:
        return set()
    folder = posixpath.normpath(posixpath.join(workdir, destination))
    inside = {posixpath.join(folder, posixpath.basename(s.rstrip("/"))) for s in sources}
    if len(sources) == 1 and not destination.endswith("/"):
        return {folder, *inside}
    return inside
