"""Why a Go binary is not "static, CGO_ENABLED=0", as its ELF facts and the Dockerfile that built
it show: dynamic (an interpreter, needed libraries; a -buildmode=pie), static but built with cgo,
or without Go build info. The `static` check's words for it, each with the fix its cause needs
and the Dockerfile line behind it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .dockerfile import Dockerfile, Instruction, read_dockerfile
from .dockerfile_stages import target_building
from .executable import ElfFacts
from .go_build_command import GoBuild, setting_line
from .program_copy import context_copy

# The build settings a linking message shows, in the order the binary records them.
_SHOWN = ("CGO_ENABLED", "GOOS", "GOARCH", "-ldflags", "-tags", "-buildmode")
_LIBRARIES = (
    "Build it with CGO_ENABLED=0 (and no -linkmode=external). A program that needs cgo cannot "
    "pass `static` (no setting accepts cgo); it runs where the image ships the libraries, "
    "which is what the bucket and health checks see."
)
# Why a static binary built with cgo still fails: what its C library does at run time.
_CGO_MATTERS = (
    "That still matters: in a static glibc binary the NSS functions (getaddrinfo, getpwnam: "
    "DNS, user and group lookups) load shared libraries at run time, or fail where the image "
    "has none, and a static musl build resolves DNS differently from glibc and from Go's own "
    "resolver."
)
_NO_CGO_SETTING = (
    "If the program needs cgo, `static` cannot pass: it requires CGO_ENABLED=0 and has no "
    "setting that accepts cgo."
)
_STATIC_PIE = (
    "A static PIE (CGO_ENABLED=1 with -ldflags='-linkmode=external -extldflags=-static-pie', "
    "which needs a C toolchain in the builder) has no interpreter, but `static` fails it all "
    "the same for CGO_ENABLED=1."
)


@dataclass(frozen=True)
class GoBuildSource:
    """The Dockerfile's text, parsed, and the `go build` that made the image's program (None
    where the binary was copied in, or no Dockerfile line builds it)."""

    lines: list[str]
    parsed: Dockerfile
    build: GoBuild | None
    copied: Instruction | None = None  # the context COPY that put the program in the image


def go_build_source(
    dockerfile: Path,
    program: str,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
) -> GoBuildSource:
    """Read `dockerfile` (as empty when it cannot be read) for the build of `program`: none
    where the image copies it in from the build context (trial 11: the static failure of a
    prebuilt cgo binary blamed the builder's `go build`, which set CGO_ENABLED=0)."""
    text, parsed = read_dockerfile(dockerfile)
    copied = context_copy(parsed, program, target)
    # Only the stages this target's build runs: another target may build a program of the
    # same name (trial 13: dev's -buildmode=pie was looked for in prod's go build).
    build = None if copied else target_building(parsed, program, target, build_args or {})
    return GoBuildSource(text.splitlines(), parsed, build, copied)


def written_value(line: str, setting: str) -> str:
    """What `line` assigns to `setting` (`GOARCH=arm64`, `ENV GOARCH arm64`), unquoted; ""."""
    written = re.search(rf"(?<![$\w{{]){setting}(?:=|\s+)(\S+)", line)
    return written.group(1).strip("\"'") if written else ""


def linking_message(dockerfile: str, source: GoBuildSource, facts: ElfFacts) -> str:
    """The sentences after "<dockerfile>: <path> in <tag>" for a binary that is dynamic, built
    with cgo, or without a CGO_ENABLED record; "" when it is static and built with
    CGO_ENABLED=0. `dockerfile` is the name its lines are given with."""
    info = facts.build_info
    cgo = info.cgo_enabled if info is not None else None
    dynamic = bool(facts.interpreter or facts.needed)
    if not dynamic and cgo is False:
        return ""
    settings = (
        ", ".join(f"{k}={v}" for k, v in info.settings if k in _SHOWN) or "none recorded"
        if info is not None
        else "no Go build info in the binary"
    )
    cgo_line = _cgo_line(dockerfile, source)
    if not dynamic:
        return _static_message(info is not None, cgo, cgo_line, settings)
    problems: list[str] = []
    if facts.interpreter:
        problems.append(f"it asks for the ELF interpreter {facts.interpreter}")
    if facts.needed:
        problems.append(f"it needs shared libraries {', '.join(facts.needed)}")
    pie = facts.interpreter and info is not None and info.setting("-buildmode") == "pie"
    if pie:
        at = _line(source, "-buildmode", flag=True)
        at = at if at and "pie" in source.lines[at - 1] else 0  # not a line that says exe
        problems[0] += (  # the interpreter's: cgo, not the PIE, brings needed libraries
            ", because it was built with -buildmode=pie"
            + (f" ({dockerfile}:{at})" if at else "")
            + ": Go's linker makes a PIE a dynamic executable that the interpreter loads"
            + (", even with CGO_ENABLED=0" if cgo is False else "")
        )
    if info is None:
        problems.append(
            "it carries no Go build info, so CGO_ENABLED=0 cannot be confirmed (is it the Go "
            "binary? set `binary` to its path)"
        )
    elif cgo is None:
        problems.append("its Go build info does not record CGO_ENABLED")
    elif cgo:
        problems.append("it was built with CGO_ENABLED=1" + (f" ({cgo_line})" if cgo_line else ""))
    fix = _LIBRARIES
    if pie:
        also = " and build it with CGO_ENABLED=0" if cgo else ""
        fix = f"Drop -buildmode=pie{also}. {_STATIC_PIE}"
    return f"is not a static Go binary: {'; '.join(problems)}. Build settings: {settings}. {fix}"


def _static_message(has_info: bool, cgo: bool | None, cgo_line: str, settings: str) -> str:
    """A binary with no interpreter and no needed libraries: no libraries are missing."""
    if not has_info:
        # "not a Go binary" as far as can be told; its linking is fine, so say so.
        return (
            "is not a static Go binary: it carries no Go build info, so CGO_ENABLED=0 cannot be "
            "confirmed (is it the Go binary? set `binary` to its path). It is statically linked "
            "(no ELF interpreter, no shared libraries), so no libraries are missing; a Go binary "
            "packed with upx or stripped of its .go.buildinfo section has lost its build info: "
            "ship it as go build writes it (-ldflags='-s -w' makes it smaller and keeps it)."
        )
    if cgo is None:
        return (
            "is statically linked, but its Go build info does not record CGO_ENABLED (a Go "
            f"older than 1.18 records no build settings). Build settings: {settings}. Build it "
            "with Go 1.18 or newer and CGO_ENABLED=0."
        )
    external = "-linkmode" in settings
    drop = " and drop -linkmode=external from -ldflags (it needs cgo)" if external else ""
    return (
        "is statically linked, but was built with cgo on (CGO_ENABLED=1)"
        + (f": {cgo_line}" if cgo_line else "")
        + f". Build settings: {settings}. {_CGO_MATTERS} Build it with CGO_ENABLED=0{drop}. "
        + _NO_CGO_SETTING
    )


def _cgo_line(dockerfile: str, source: GoBuildSource) -> str:
    """`Dockerfile:6 sets CGO_ENABLED=1`, or the go build line where nothing sets it (Go then
    turns cgo on where the builder has a C compiler); "" for a binary copied in."""
    build = source.build
    if source.copied is not None:
        copied = source.copied
        return (
            f"{dockerfile}:{copied.line} copies it in from the build context "
            f"({' '.join(copied.args[:-1])}): it is built outside this Dockerfile, and "
            "CGO_ENABLED=0 must be set where it is"
        )
    if build is None:
        return _indirect_build(dockerfile, source)
    number = _line(source, "CGO_ENABLED", flag=False)
    value = written_value(source.lines[number - 1], "CGO_ENABLED") if number else ""
    if number and value != "0":
        return f"{dockerfile}:{number} sets CGO_ENABLED" + (f"={value}" if value else "")
    if number:
        return ""  # that build sets CGO_ENABLED=0: the binary is not the one it made
    return (
        f"{dockerfile}:{build.line} runs the go build without CGO_ENABLED=0, and Go turns "
        "cgo on where the builder has a C compiler"
    )


def _line(source: GoBuildSource, setting: str, flag: bool) -> int:
    return setting_line(source.build, source.lines, setting, flag) if source.build else 0


# A RUN that builds through another tool, whose own files set CGO_ENABLED: `make build`, a
# build script, mage, task, goreleaser.
_INDIRECT = re.compile(
    r"(?:^|[;&|(])\s*(?:[A-Za-z_]\w*=\S*\s+)*((?:make|mage|task|goreleaser|\S+\.sh)\b[^;&|\n]*)"
)


def _indirect_build(dockerfile: str, source: GoBuildSource) -> str:
    """Where no `go build` is written: the last RUN that builds through make or a script (trial
    15: a Makefile's `CGO_ENABLED ?= 1` left the message without a line); "" without one."""
    runs = [i for i in source.parsed.instructions if i.keyword == "RUN"]
    for run in reversed(runs):
        found = _INDIRECT.search(" ".join(run.args))
        if found:
            return (
                f"{dockerfile}:{run.line} builds it with `{found.group(1).strip()}`, which sets "
                "CGO_ENABLED out of this Dockerfile's sight: set CGO_ENABLED=0 there (an `ENV "
                "CGO_ENABLED=0` before that RUN counts where it is not set there, as with "
                "a Makefile's `CGO_ENABLED ?= 1`)"
            )
    return ""
