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

from .dockerfile import Dockerfile, Instruction, Stage, parse_dockerfile_leniently
from .dockerfile_pins import dockerfile_pins, expand_global, global_arg_defaults
from .go_build_command import GoBuild, building, go_builds, named
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
        refs = [stage.base] + [ref for i in stage.instructions for ref in _instruction_refs(i)]
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


# An ONBUILD's own flags (`ONBUILD COPY --from=build /app /app`): BuildKit runs them in the
# stage built FROM this one (frontend 1.11: moby/buildkit#5357), and the parser gives them as
# the ONBUILD's text only.
_ONBUILD_FLAG = re.compile(r"(?<!\S)(--(?:from|mount)=\S+)")


def _instruction_refs(instruction: Instruction) -> list[str]:
    flags = list(instruction.flags)
    if instruction.keyword == "ONBUILD":
        flags += _ONBUILD_FLAG.findall(instruction.text)
    return _stage_refs(flags)


def target_builds(
    parsed: Dockerfile, program: str, target: str | None, args: Mapping[str, str]
) -> list[GoBuild]:
    """The go builds of the stages a build of `target` runs: another target may build a
    program of the same name (trial 13: a dev stage's `-o /usr/local/bin/app` beside prod's
    `-o /app`). Where none of them names `program` but another stage's build does (a build
    this reader cannot tie to the target), every build, as before."""
    every = go_builds(parsed)
    lines = stage_lines(parsed, target, args)
    own = [build for build in every if lines is None or build.line in lines]
    return own if named(own, program) or not named(every, program) else every


def target_building(
    parsed: Dockerfile, program: str, target: str | None, args: Mapping[str, str]
) -> GoBuild | None:
    """The go build that made `program` in a build of `target` (target_builds, building)."""
    return building(target_builds(parsed, program, target, args), program)


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
    return [
        pin
        if pin.source != SOURCE_DOCKERFILE or pin.line in runs or pin.ignored
        else replace(
            pin,
            ignored=f"not counted: a build of {built} does not run this stage (no stage it "
            "runs is built FROM, copies or mounts from it)",
        )
        for pin in pins
    ]
