"""Why a `COPY --from=<stage or image>` source is missing: the stage never wrote it (its
`go build -o` writes another path), or the image has no such file. BuildKit says
`"/out/server": not found` for it as for a file missing from the build context."""

from __future__ import annotations

import posixpath

from ..gofacts.dockerfile import Dockerfile, Instruction
from ..gofacts.go_build_command import go_builds, workdir_of
from .failed_build import FailedBuild


def _stage_sources(instruction: Instruction) -> list[str]:
    """The sources of a COPY/ADD `--from` copy (heredocs and URLs never come from a stage)."""
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is None:
        return []
    return [s for s in instruction.args[:-1] if not s.startswith("<<") and "://" not in s]


def _names(source: str, missing: str) -> bool:
    source, wanted = source.strip("./"), missing.strip("./")
    return source == wanted or source.startswith(wanted + "/")


def stage_copy_missing(build: FailedBuild, missing: str) -> str | None:
    """The message for a `COPY --from` whose source BuildKit did not find, or None when no such
    copy names `missing`."""
    parsed = build.parsed
    pool = [*([build.instruction] if build.instruction else []), *parsed.instructions]
    culprit = next((i for i in pool if any(_names(s, missing) for s in _stage_sources(i))), None)
    if culprit is None:
        return None
    source = next(s for s in _stage_sources(culprit) if _names(s, missing))
    origin = culprit.flag("from") or ""
    where = f"{build.dockerfile_label}:{culprit.line}"
    stage = parsed.stage(origin) if not origin.isdigit() else parsed.stage(f"stage-{origin}")
    copy = f"`COPY --from={origin} {source} ...`"
    if stage is None:
        # `docker export` lists an image with no shell or `ls` too (distroless, scratch).
        return (
            f"{where}: {copy} copies {source!r} from the image {origin}, and that image has no "
            f"such file. Fix the path (`id=$(docker create {origin} x); docker export $id | tar "
            f"-t; docker rm $id` lists what is there), or the image's name.{build.log_note}"
        )
    written = _outputs(parsed, stage.name or f"stage-{stage.index}")
    if written:
        hint = (
            f" That stage's go build writes {', '.join(written)}: copy that path, or make "
            "`-o` write the one this COPY expects."
        )
    else:
        hint = " Fix the path, or make that stage write the file there."
    return (
        f"{where}: {copy} copies {source!r} from stage {origin}, and nothing in that stage "
        f"wrote it; the file is missing from the stage, not from the build context.{hint}"
        f"{build.log_note}"
    )


def _outputs(parsed: Dockerfile, stage: str) -> list[str]:
    """Where the go builds of `stage` and the stages it is built FROM write, with their lines:
    `-o` as written, absolute in the builder where the WORKDIR is known."""
    lines = {i.line for s in parsed.built_stages(stage) for i in s.instructions}
    found: list[str] = []
    for go_build in go_builds(parsed):
        if go_build.line not in lines or not go_build.output:
            continue
        # `-o app` is relative to the RUN's folder: the WORKDIR, where the Dockerfile sets one.
        folder = workdir_of(go_build.before)
        written = go_build.output
        if not written.startswith("/") and folder is not None:
            written = posixpath.normpath(posixpath.join(folder, written))
        shown = f"{written} (line {go_build.line})"
        if shown not in found:
            found.append(shown)
    return found
