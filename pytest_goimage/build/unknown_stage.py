"""A `COPY --from`, `RUN --mount=from=` or `FROM` that names no stage of the Dockerfile:
BuildKit takes the name as an image (`builder` -> docker.io/library/builder:latest), so a typo
in a stage's name fails as a registry error that names no line (trial 31 blamed line 1 and an
unreachable registry for `COPY --from=builder` where the stage is `build`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from ..gofacts.dockerfile import Dockerfile
from ..gofacts.dockerfile_pins import resolved_bases
from ..gofacts.image_reference import split_reference
from ..gofacts.run_mounts import run_mounts
from .base_image_hint import why_not_had
from .failed_build import FailedBuild

# A registry that answers but has no such repository names no image in BuildKit's error.
_NO_REPOSITORY = re.compile(r"pull access denied|repository does not exist|insufficient_scope")


def unknown_stage(build: FailedBuild) -> str | None:
    """The message for a stage reference BuildKit took for an image it could not have, with
    its line and the closest stage's name; None when no such reference explains the error."""
    parsed, error = build.parsed, build.trace_error
    found = list(_unknown_references(parsed, build))
    named = [(line, written, name) for line, written, name in found if _names(error, name)]
    stages = [(s.line, s.name) for s in parsed.stages if s.name]
    if not named and _NO_REPOSITORY.search(error):
        # The error names no image: claim the one reference that could be meant, and only
        # where it is close to a stage's name (else a private base image is the likelier).
        bare = [reference for reference in found if _bare(reference[2])]
        named = bare if len(bare) == 1 and _closest(bare[0], stages) else []
    if not named:
        return None
    # A name with a tag or a registry path (`nginx:1.27`) is an image's, and so is a FROM's
    # bare word unless it is close to the name of a stage before it; a bare `--from` seldom is.
    claimed = [
        (line, written, name, _closest((line, written, name), stages))
        for line, written, name in named
        if _bare(name)
        and (_closest((line, written, name), stages) or not written.startswith("FROM "))
    ]
    if not claimed:
        return None
    line, written, name, close = claimed[0]
    listed = (
        f"its stages: {', '.join(name for _, name in stages)}"
        if stages
        else "it names none of its stages"
    )
    if close:
        fix = f"Write `{_renamed(written, name, close)}` to use the stage {close}, or name"
    else:
        fix = "Name one of its stages, or"
    return (
        f"{build.dockerfile_label}:{line}: {written} names no stage of this Dockerfile "
        f"({listed}) and no image on this engine; BuildKit took it as the image "
        f"{full_reference(name)}, which could not be pulled{why_not_had(build.trace_error, 200)}. "
        f"{fix} an image the engine has or can pull.{build.log_note}"
    )


def full_reference(name: str) -> str:
    """`builder` -> `docker.io/library/builder:latest`, as the engine names an image."""
    repository, tag, digest = split_reference(name)
    first = repository.split("/", 1)[0]
    if "/" not in repository:
        repository = f"docker.io/library/{repository}"
    elif "." not in first and ":" not in first and first != "localhost":
        repository = f"docker.io/{repository}"
    suffix = f":{tag}" if tag else "" if digest else ":latest"
    return f"{repository}{suffix}{'@' + digest if digest else ''}"


def _unknown_references(parsed: Dockerfile, build: FailedBuild) -> Iterator[tuple[int, str, str]]:
    """(line, the reference as written, the name) of each FROM, `--from` and mount `from=`
    that names no stage: the ones BuildKit looks up as images."""
    for stage, base in zip(parsed.stages, resolved_bases(parsed, build.build_args), strict=True):
        if base and base != "scratch" and _not_a_stage(parsed, base):
            named = f" AS {stage.name}" if stage.name else ""
            yield stage.line, f"FROM {stage.base}{named}", base
    for instruction in parsed.instructions:
        origin = instruction.flag("from") if instruction.keyword in ("COPY", "ADD") else None
        if origin and _not_a_stage(parsed, origin):
            yield instruction.line, f"{instruction.keyword} --from={origin}", origin
        for mount in run_mounts(instruction):
            origin = mount.option("from")
            if origin and _not_a_stage(parsed, origin):
                yield instruction.line, f"RUN {mount.written}", origin


def _not_a_stage(parsed: Dockerfile, name: str) -> bool:
    """A name BuildKit looks up as an image: no stage's name or index, and no variable (a
    `${STAGE}` in `from` has a rule of its own)."""
    return parsed.stage(name) is None and not name.isdigit() and "$" not in name


def _closest(reference: tuple[int, str, str], stages: list[tuple[int, str]]) -> str | None:
    """The stage name a reference (line, as written, name) most likely misspells, if one is
    close; `stages` are (line, name). A FROM reads only the stages before it, never its own
    (`FROM alpine AS alpine-runtime` names an image, not its stage misspelt)."""
    line, written, name = reference
    before = written.startswith("FROM ")
    names = [stage for at, stage in stages if not before or at < line]
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
    return close[0] if close else None


def _bare(name: str) -> bool:
    """A name without a tag, digest or path: how a stage is named."""
    return not any(mark in name for mark in ":/@")


def _names(error: str, name: str) -> bool:
    """Whether BuildKit's error names the image `name` stands for (by reference, or by the
    manifest request its registry lookup made)."""
    image = full_reference(name)
    repository, tag, digest = split_reference(image)
    path = repository.split("/", 1)[1]
    return image in error or f"{path}/manifests/{digest or tag}" in error


def _renamed(written: str, name: str, stage: str) -> str:
    """The reference as written with the stage's name for `name`: `COPY --from=build`."""
    if written.startswith("FROM "):
        return " ".join(["FROM", stage, *written.split()[2:]])
    if written.startswith("RUN "):
        return "RUN " + re.sub(rf"\bfrom={re.escape(name)}(?=,|$)", f"from={stage}", written[4:])
    return written.replace(f"--from={name}", f"--from={stage}")
