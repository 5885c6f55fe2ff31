"""GOTOOLCHAIN set in a Dockerfile: the Go a golang stage's build really runs. The official
golang images set `GOTOOLCHAIN=local` (their own Go, the one the tag names); an ENV, an ARG or
the RUN itself may choose another: a version (`go1.27.3`), which the build downloads and runs,
or `auto` (`local+auto`, `go1.26.0+auto`), which lets go.mod's go and toolchain lines choose."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .dockerfile import Dockerfile
from .go_build_command import go_builds, toolchain_choice
from .versions import SOURCE_DOCKERFILE, Pin, parse_go_version

# A toolchain name as GOTOOLCHAIN takes it: go1.27.3, with a custom suffix (go1.27.3-corp).
_TOOLCHAIN_NAME = re.compile(r"go(\d+(?:\.\d+){1,2}(?:(?:rc|beta)\d+)?)(?:-[\w.]+)?")
_OWN = ("local", "path", "local+path")  # the image's Go (path: no download)


def with_toolchain_settings(pins: Sequence[Pin], parsed: Dockerfile, text: str) -> list[Pin]:
    """`pins` with each golang FROM pin whose stage's go builds all run another Go than the
    image's (the same GOTOOLCHAIN choice for each) changed to say so: a version names that
    Go, and `auto` leaves the pin out of the comparison (go.mod decides; the binary's own
    version is still compared)."""
    builds = go_builds(parsed)
    lines = text.splitlines()
    changed = []
    for pin in pins:
        if pin.source == SOURCE_DOCKERFILE and pin.version is not None:
            choices = {toolchain_choice(b, lines) for b in builds if b.from_line == pin.line}
            if len(choices) == 1:
                value, line = choices.pop()
                pin = _chosen(pin, value, line)
        changed.append(pin)
    return changed


def _chosen(pin: Pin, value: str | None, line: int) -> Pin:
    if value is None or value in _OWN or value.startswith("$"):
        return pin  # the image's own Go, or a value only the build knows
    where = f"GOTOOLCHAIN={value} ({pin.file}:{line})" if line else "GOTOOLCHAIN=auto"
    name, _, mode = value.partition("+")
    if name == "auto" or mode == "auto":
        floor = name if name.startswith("go") else f"the image's Go {pin.version}"
        why = (
            f"not counted: {where} lets go.mod's go and toolchain lines choose the Go the build "
            f"runs ({floor}, or the newer one go.mod asks for, which the build downloads); the "
            "binary's own version is compared instead"
        )
        return replace(pin, ignored=why)
    match = _TOOLCHAIN_NAME.fullmatch(name)
    version = parse_go_version(match.group(1)) if match else None
    if version is None:
        return pin  # Go refuses such a value, and so does the build
    note = f"{where} runs Go {version} in it instead of the image's Go {pin.version}"
    return replace(
        pin, version=version, note="; ".join(filter(None, [note, pin.note])), toolchain_line=line
    )
