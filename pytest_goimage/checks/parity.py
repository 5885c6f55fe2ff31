"""`parity`, the one repository-level check (`goimage::parity`): images whose Go binaries build
the same main package agree on the Go version, CGO_ENABLED, GOOS/GOARCH, -trimpath, -tags,
-ldflags and the module versions they link, apart from what `parity_ignore` accepts."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import ImageConfig
from ..errors import CheckFailed, CheckSkipped, GoImageError
from ..gofacts.parity import FACTS, GO, SETTINGS, Binary, Group, compare, settings_of, table
from ..session import GoImageSession


def run(session: GoImageSession, images: Sequence[ImageConfig]) -> str:
    binaries: list[Binary] = []
    left_out: list[str] = []
    for image in images:
        binary, why = _binary(session, image)
        if binary is None:
            left_out.append(f"{image.dockerfile} ({why})")
        else:
            binaries.append(binary)
    ignore = session.config.parity_ignore
    groups = compare(binaries, ignore)
    outside = f"; not compared: {', '.join(left_out)}" if left_out else ""
    ignored = f"; parity_ignore accepts differences in {', '.join(ignore)}" if ignore else ""
    differing = [group for group in groups if group.differences]
    if differing:
        raise CheckFailed(_failure(session, differing, ignored))
    if not groups:
        raise CheckSkipped(
            f"{session.config.source.name}: parity not checked: no two images build the same Go "
            f"main package, so there is nothing to compare{outside}."
        )
    return "; ".join(_agreement(group, binaries) for group in groups) + ignored + outside


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
    return Binary(image.dockerfile, text, image.build_args, info), ""


def _agreement(group: Group, binaries: Sequence[Binary]) -> str:
    """`3 images build <path> alike: go1.26.8, CGO_ENABLED=0, ..., 14 modules`."""
    first = next(b for b in binaries if b.dockerfile == group.dockerfiles[0])
    facts = settings_of(first.info)
    shown = [facts[GO]] + [f"{name}={facts[name]}" for name in SETTINGS]
    return (
        f"{len(group.dockerfiles)} images ({', '.join(group.dockerfiles)}) build {group.path} "
        f"alike: {', '.join(shown)}, {len(first.info.deps)} modules"
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
