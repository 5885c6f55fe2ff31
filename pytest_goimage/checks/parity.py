"""`parity`, the one repository-level check (`goimage::parity`): images whose Go binaries build
the same main package agree on the Go version, CGO_ENABLED, GOOS/GOARCH, -trimpath, -tags,
-ldflags and the module versions they link, apart from what `parity_ignore` accepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..config import ImageConfig
from ..errors import CheckFailed, CheckSkipped, GoImageError
from ..gofacts.parity import (
    FACTS,
    GO,
    SETTINGS,
    Binary,
    Group,
    compare,
    compared_settings,
    modules_of,
    table,
)
from ..report.records import PASSED, SKIPPED, Outcome
from ..session import GoImageSession


@dataclass(frozen=True)
class Comparison:
    """The images' binaries grouped by program, and the images left out with why."""

    binaries: list[Binary]
    left_out: dict[str, str]
    groups: list[Group]


def compared(session: GoImageSession, images: Sequence[ImageConfig]) -> Comparison:
    binaries: list[Binary] = []
    left_out: dict[str, str] = {}
    for image in images:
        binary, why = _binary(session, image)
        if binary is None:
            left_out[image.dockerfile] = why
        else:
            binaries.append(binary)
    groups = compare(binaries, session.config.parity_ignore)
    grouped = {dockerfile for group in groups for dockerfile in group.dockerfiles}
    for binary in binaries:
        if binary.dockerfile not in grouped:
            left_out[binary.dockerfile] = (
                f"no other image builds {binary.main_package}"
                if binary.main_package
                else "built with `go build FILE.go` from a command the Dockerfile does not "
                "show, so which program it is cannot be told"
            )
    return Comparison(binaries, left_out, groups)


def run(session: GoImageSession, images: Sequence[ImageConfig]) -> str:
    comparison = compared(session, images)
    ignore = session.config.parity_ignore
    left_out = [f"{dockerfile} ({why})" for dockerfile, why in comparison.left_out.items()]
    outside = f"; not compared: {', '.join(left_out)}" if left_out else ""
    ignored = f"; parity_ignore accepts differences in {', '.join(ignore)}" if ignore else ""
    differing = [group for group in comparison.groups if group.differences]
    if differing:
        raise CheckFailed(_failure(session, differing, ignored))
    if not comparison.groups:
        raise CheckSkipped(
            f"{session.config.source.name}: parity not checked: no two images build the same Go "
            f"main package, so there is nothing to compare{outside}."
        )
    return (
        "; ".join(_agreement(group, comparison.binaries) for group in comparison.groups)
        + ignored
        + outside
    )


def image_outcomes(
    session: GoImageSession, images: Sequence[ImageConfig]
) -> dict[str, tuple[Outcome, str]]:
    """Each image's own parity outcome where it is not the whole check's: an image compared
    with none is skipped saying why, one whose group agrees passes while another group differs.
    The images of a group that differs take the check's failure."""
    comparison = compared(session, images)
    own: dict[str, tuple[Outcome, str]] = {
        dockerfile: (SKIPPED, f"{dockerfile}: not compared: {why}")
        for dockerfile, why in comparison.left_out.items()
    }
    for group in comparison.groups:
        if not group.differences:
            for dockerfile in group.dockerfiles:
                own[dockerfile] = (PASSED, _agreement(group, comparison.binaries))
    return own


def _binary(session: GoImageSession, image: ImageConfig) -> tuple[Binary | None, str]:
    """The image's binary and its build info, or None and why it is left out."""
    try:
        built = session.built(image)
    except GoImageError:
        return None, f"did not build, see {image.dockerfile}::build"
    if session.no_go_binary(image):
        return None, "runs no Go program"
    try:
        info = built.binary.build_info
        text = image.dockerfile_path.read_text(encoding="utf-8", errors="replace")
    except (GoImageError, OSError):
        return None, f"its Go binary cannot be read, see {image.dockerfile}::static"
    if info is None:
        return None, "its binary carries no Go build info"
    return Binary(
        image.dockerfile,
        text,
        image.build_args,
        info,
        built.binary.path,
        image.file_name,
        image.target,
    ), ""


def _agreement(group: Group, binaries: Sequence[Binary]) -> str:
    """`3 images build <path> alike: go1.26.8, CGO_ENABLED=0, ..., 14 modules`; a fact the
    images differ in (one parity_ignore accepts: any other fails the check) says so instead
    of showing the first image's value as everyone's."""
    members = [b for b in binaries if b.dockerfile in group.dockerfiles]
    facts = compared_settings(members)
    shown = []
    for name in (GO, *SETTINGS):
        values = {f[name] for f in facts}
        if len(values) > 1:
            shown.append(f"{name} differs (accepted by parity_ignore)")
        else:
            shown.append(values.pop() if name == GO else f"{name}={values.pop()}")
    if len({tuple(sorted(modules_of(b.info).items())) for b in members}) > 1:
        shown.append("modules differ (accepted by parity_ignore)")
    else:
        shown.append(f"{len(members[0].info.deps)} modules")
    return (
        f"{len(group.dockerfiles)} images ({', '.join(group.dockerfiles)}) build {group.path} "
        f"alike: {', '.join(shown)}"
    )


def _failure(session: GoImageSession, groups: Sequence[Group], ignored: str) -> str:
    """One paragraph saying what differs and what to do, then a table per difference."""
    lines: list[str] = []
    for group in groups:
        facts = sorted({d.fact for d in group.differences}, key=_fact_order)
        lines.append(
            f"{session.config.source.name}: images that build the same program differ in how they "
            f"build it: {', '.join(group.dockerfiles)} build {group.path} but differ in "
            f"{', '.join(facts)}{ignored}, so what ships is not built the way it was tested. "
            "Build them alike (the lines below), or accept a difference on purpose with "
            f"parity_ignore = [{', '.join(repr(f).replace(chr(39), chr(34)) for f in facts)}] "
            "in [tool.goimage]."
        )
        for difference in group.differences:
            lines += table(difference)
    return "\n".join(lines)


def _fact_order(fact: str) -> int:
    return FACTS.index(fact)
