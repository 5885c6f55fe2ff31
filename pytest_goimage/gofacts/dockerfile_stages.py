"""Which stages of a Dockerfile a build of one target runs, as BuildKit builds only those:
the target (else the last stage), the stage it is built FROM, those it copies or mounts from,
and so on. A reference with a variable is expanded first, as BuildKit does (`FROM
build-${MODE}`); one whose variable has no value here (`build-${TARGETARCH}`, which BuildKit
fills in per platform) may name any stage it matches, and all of them count.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, replace

from .context_sources import takes_context
from .dockerfile import Dockerfile, Instruction, Stage, parse_dockerfile_leniently
from .dockerfile_pins import dockerfile_pins, expand_global, global_arg_defaults
from .versions import SOURCE_DOCKERFILE, Pin

_VARIABLE = re.compile(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+])?(?P<word>[^}]*)\}"
    r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)"
)


def stage_lines(
    parsed: Dockerfile, target: str | None, args: Mapping[str, str]
) -> Container[int] | None:
    """The lines of the stages a build of `target` (else the last stage) with `args` runs.
    None where `target` names no stage."""
    if not parsed.stages:
        return range(0)
    start = parsed.stage(target) if target else parsed.stages[-1]
    if start is None:
        return None
    ends = [stage.line for stage in parsed.stages[1:]] + [1 << 30]
    needed: set[int] = set()
    todo = [start]
    while todo:
        stage = todo.pop()
        if stage.index in needed:
            continue
        needed.add(stage.index)
        refs = [stage.base] + [ref for i in stage.instructions for ref in _stage_refs(i.flags)]
        todo += [other for ref in refs for other in _referenced(parsed, ref, args)]
    return _Lines([range(s.line, ends[s.index]) for s in parsed.stages if s.index in needed])


@dataclass(frozen=True)
class _Lines:
    """Lines in any of `ranges` (a stage runs to the next one's FROM, the last to the end)."""

    ranges: list[range]

    def __contains__(self, line: object) -> bool:
        return any(line in lines for lines in self.ranges)


def _stage_refs(flags: Sequence[str]) -> list[str]:
    """The stages (or images) an instruction's `--from=` and `--mount=...,from=` name."""
    refs = []
    for flag in flags:
        key, _, value = flag.partition("=")
        if key == "--from":
            refs.append(value)
        elif key == "--mount":
            refs += [part[5:] for part in value.split(",") if part.startswith("from=")]
    return refs


def stage_index(parsed: Dockerfile, target: str | None) -> int | None:
    """The stage a build of `target` is (the last one without), None where none is named so."""
    stage = parsed.stage(target) if target else (parsed.stages[-1] if parsed.stages else None)
    return None if stage is None else stage.index


def _referenced(parsed: Dockerfile, ref: str, args: Mapping[str, str]) -> list[Stage]:
    """The stages `ref` names: by index, by name after the global ARGs are expanded, or, where
    a variable in it has no value here, every stage whose name it can match."""
    if "$" in ref:
        pattern = _pattern(parsed, ref, args)
        if pattern is not None:
            return [s for s in parsed.stages if s.name and pattern.fullmatch(s.name.lower())]
        ref = expand_global(parsed, ref, args)
    if ref.isdigit():
        index = int(ref)
        return [parsed.stages[index]] if index < len(parsed.stages) else []
    stage = parsed.stage(ref)
    return [stage] if stage is not None else []


def _pattern(parsed: Dockerfile, ref: str, args: Mapping[str, str]) -> re.Pattern[str] | None:
    """`ref` as a pattern of stage names where a variable in it has no value (neither passed
    nor a default: BuildKit's own TARGETARCH, TARGETOS, ...), each such one matching anything;
    None where every variable has a value (then `ref` expands to one name)."""
    defaults = global_arg_defaults(parsed)
    parts: list[str] = []
    position = 0
    open_ended = False
    for match in _VARIABLE.finditer(ref):
        name = match["braced"] or match["plain"]
        value = args.get(name, defaults.get(name))
        parts.append(re.escape(ref[position : match.start()]))
        if value is not None:
            parts.append(re.escape(expand_global(parsed, match.group(0), args)))
        elif match["op"] in (":-", "-"):
            parts.append(re.escape(match["word"]))
        else:
            parts.append(".*")
            open_ended = True
        position = match.end()
    parts.append(re.escape(ref[position:]))
    return re.compile("".join(parts).lower()) if open_ended else None


def builds_no_module(
    parsed: Dockerfile, line: int, args: Mapping[str, str], target: str | None
) -> bool:
    """Whether the Go of the golang FROM (or `COPY --from=golang...`) on `line` compiles no
    code of the module in a build of `target` (else the last stage): it does not ship in that
    image (the target is not its stage nor built FROM it, where a `go run` or a watcher may
    use it on mounted code), and neither its stage nor one built FROM it takes in a file of
    the build context (COPY, ADD, a RUN bind mount), directly or from a stage that does, or
    fetches code. A tools stage the image copies a program from (`RUN go install
    golang.org/x/tools/cmd/stringer@v0.1.12`) is such. A `--from` that names no stage (an
    image, a named build context) counts as taking the context."""
    stages = [s for s in parsed.stages if s.line <= line]
    shipped = stage_index(parsed, target)
    if not stages or shipped is None:
        return False
    holding: set[int] = set()  # stages that hold files of the context
    changed = True
    while changed:  # to a fixed point: a stage holds them once it copies from one that does
        changed = False
        for stage in parsed.stages:
            if stage.index in holding:
                continue
            refs = [stage.base] + [r for i in stage.instructions for r in _stage_refs(i.flags)]
            named = [(ref, _referenced(parsed, ref, args)) for ref in refs]
            if (
                takes_context(stage.instructions)
                or any(not found and _named_context(ref, stage) for ref, found in named)
                or any(other.index in holding for _, found in named for other in found)
            ):
                holding.add(stage.index)
                changed = True
    running = {stages[-1].index}  # the Go runs in its stage and those built FROM it
    for stage in parsed.stages:
        if any(base.index in running for base in _referenced(parsed, stage.base, args)):
            running.add(stage.index)
    if running & holding or shipped in running:
        return False
    # Without the context, code can still come in by a download the stage runs; and only a
    # stage seen to install a tool is one (a bare one may be a fixture, or a base for later).
    chain = [i for stage in parsed.stages if stage.index in running for i in stage.instructions]
    runs = [i for i in chain if i.keyword == "RUN"]
    return (
        all(i.keyword != "ADD" for i in chain)
        and any(_GO_INSTALL_AT.search(_text(i)) for i in runs)
        and not any(_may_build(i) for i in runs)
    )


# A RUN that may fetch code or build it by other means than a `go` command written in it.
_FETCHES = re.compile(
    r"\b(?:git\s+(?:clone|fetch|pull|checkout|archive)|curl|wget|make|task|mage)\b"
)
_GO_COMMAND = re.compile(r"\bgo\s+(?P<command>[a-z]+)(?P<rest>[^;&|\n]*)")
_GO_INSTALL_AT = re.compile(r"\bgo\s+install\s[^;&|\n]*@")


def _text(instruction: Instruction) -> str:
    return instruction.text or " ".join(instruction.args)


def _may_build(instruction: Instruction) -> bool:
    """Whether a RUN may compile code: anything but `go install PACKAGE@VERSION` (a tool's
    own module), `go env`, `go version` and `go clean` among its `go` commands, or a download
    or build tool (git clone, curl, make ...)."""
    text = _text(instruction)
    if _FETCHES.search(text):
        return True
    for match in _GO_COMMAND.finditer(text):
        command, words = match["command"], match["rest"].split()
        if command in ("env", "version", "clean"):
            continue
        packages = [w for w in words if not w.startswith("-") and "=" not in w]
        if command == "install" and packages and all("@" in w for w in packages):
            continue
        return True
    return False


def _named_context(ref: str, stage: Stage) -> bool:
    """Whether a `--from` naming no stage may be a named build context (`--build-context
    src=../shared`): a bare word; `golang:1.26`, `ghcr.io/x/y` or a digest is an image."""
    return ref != stage.base and not any(mark in ref for mark in ":/@")


def target_pins(
    text: str, dockerfile: str, build_args: Mapping[str, str], target: str | None
) -> list[Pin]:
    """The Dockerfile's own pins (dockerfile_pins), those of the stages a build of `target`
    (else the last stage) does not run marked "not counted" with why: a golang stage only
    another target uses (a dev image's debugger tools) is not built here, and CI's builds of
    that target are pins of their own. All counted where `target` names no stage (that
    build fails, and says so)."""
    pins = dockerfile_pins(text, dockerfile, build_args)
    parsed = parse_dockerfile_leniently(text)
    runs = stage_lines(parsed, target, build_args)
    if runs is None:
        return pins
    built = f"target {target}" if target else "the last stage"
    result = []
    for pin in pins:
        if pin.source != SOURCE_DOCKERFILE or pin.ignored:
            pass
        elif pin.line not in runs:
            pin = replace(
                pin,
                ignored=f"not counted: a build of {built} does not run this stage (no stage it "
                "runs is built FROM, copies or mounts from it)",
            )
        elif builds_no_module(parsed, pin.line, build_args, target):
            pin = replace(pin, ignored=NO_MODULE)
        result.append(pin)
    return result


NO_MODULE = (
    "not counted: this Go compiles no code of the module and does not ship (a tools stage "
    "the image copies a program from: neither it nor a stage built FROM it takes a file of "
    "the build context or fetches code)"
)
