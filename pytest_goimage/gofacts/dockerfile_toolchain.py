"""GOTOOLCHAIN set in a Dockerfile: the Go a golang stage's build really runs. The official
golang images set `GOTOOLCHAIN=local` (their own Go, the one the tag names); an ENV, an ARG or
the RUN itself may choose another: a version (`go1.27.3`), which the build downloads and runs,
or `auto` (`local+auto`, `go1.26.0+auto`), which lets go.mod's go and toolchain lines choose."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .build_toolchain import toolchain_choice, unheeded_go_env
from .dockerfile import Dockerfile
from .go_build_command import GoBuild, go_builds
from .gotoolchain import OWN, toolchain_runs
from .run_variables import expand_in_run, global_default
from .versions import SOURCE_DOCKERFILE, GoVersion, Pin


def with_toolchain_settings(
    pins: Sequence[Pin], parsed: Dockerfile, text: str, build_args: Mapping[str, str]
) -> list[Pin]:
    """`pins` with each golang FROM pin whose stage's go builds all run another Go than the
    image's (the same GOTOOLCHAIN choice for each) changed to say so: a version names that
    Go, and `auto` leaves the pin out of the comparison (go.mod decides; the binary's own
    version is still compared). A value that names an ARG (`ENV GOTOOLCHAIN=$TOOLCHAIN`)
    takes build_args, else the ARG's default."""
    builds = go_builds(parsed)
    lines = text.splitlines()
    outer = global_default("GOTOOLCHAIN", parsed.global_instructions)
    changed = []
    for pin in pins:
        if pin.source == SOURCE_DOCKERFILE and pin.version is not None:
            choices = {
                _expanded(toolchain_choice(b, lines, build_args, outer), b, build_args, parsed)
                for b in builds
                if b.from_line == pin.line
            }
            if len(choices) == 1:
                value, line = choices.pop()
                # An empty GOTOOLCHAIN falls back to $GOROOT/go.env's `auto`: say so.
                unset = bool(line) and value == "auto" and "auto" not in lines[line - 1]
                pin = _chosen(pin, value, line, "" if unset else value)
            unheeded = [
                w
                for b in builds
                if b.from_line == pin.line
                if (w := unheeded_go_env(b, lines, build_args, outer))
            ]
            if unheeded:
                pin = replace(
                    pin, note="; ".join(filter(None, [pin.note, _unheeded(*unheeded[0], pin.file)]))
                )
        changed.append(pin)
    return changed


def _unheeded(value: str, line: int, chosen: str, file: str) -> str:
    return (
        f"`go env -w GOTOOLCHAIN={value}` at {file}:{line} does not apply: the GOTOOLCHAIN "
        f"environment variable ({chosen}{', the golang image ENV' if chosen == 'local' else ''})"
        f" wins over go env's file; set `ENV GOTOOLCHAIN={value}` instead"
    )


def _expanded(
    choice: tuple[str | None, int],
    build: GoBuild,
    build_args: Mapping[str, str],
    parsed: Dockerfile,
) -> tuple[str | None, int]:
    value, line = choice
    if value is None or "$" not in value:
        return choice
    expanded, known = expand_in_run(value, build, build_args, parsed.global_instructions)
    return (expanded if known else value), line


def _chosen(pin: Pin, value: str | None, line: int, written: str | None) -> Pin:
    """`pin` as GOTOOLCHAIN=`value`, set at `line`, changes it; `written` is the value as the
    line sets it ("" where it empties the variable, which leaves go.env's `auto`)."""
    if value is None or value.startswith("$"):
        return pin  # a value only the build knows
    runs = toolchain_runs(value)
    if runs == OWN or runs is None:
        return pin  # the image's own Go; or a value Go refuses (go1.27), and so does the build
    if not line:
        where = "GOTOOLCHAIN=auto ($GOROOT/go.env)"
    elif written:
        where = f"GOTOOLCHAIN={written} ({pin.file}:{line})"
    else:
        where = f"GOTOOLCHAIN, emptied at {pin.file}:{line} so $GOROOT/go.env's auto applies,"
    if not isinstance(runs, GoVersion):  # AUTO
        name = value.partition("+")[0]
        floor = name if name.startswith("go") else f"the image's Go {pin.version}"
        why = (
            f"not counted: {where} lets go.mod's go and toolchain lines choose the Go the build "
            f"runs ({floor}, or the newer one go.mod asks for, which the build downloads); the "
            "binary's own version is compared instead"
        )
        return replace(pin, ignored=why)
    note = f"{where} runs Go {runs} in it instead of the image's Go {pin.version}"
    return replace(
        pin, version=runs, note="; ".join(filter(None, [note, pin.note])), toolchain_line=line
    )
