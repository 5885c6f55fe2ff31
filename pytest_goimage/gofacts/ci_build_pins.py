"""CI image builds as Go version pins: a workflow or pipeline that builds a configured
Dockerfile with build arguments of its own ships an image whose golang FROM may name another
Go than the one this run built and tested.

For each CI build of a Dockerfile the Dockerfile's pins are read again with the build's own
arguments: CI does not read `[tool.goimage]`, so an argument the build does not pass takes its
ARG default there, whatever `build_args` this run built with. Only a golang FROM whose Go then
differs from this run's build makes the CI build a pin of its own, at the CI file's line; an
argument only the running job knows makes it an unpinned one, where it decides the FROM, and
nothing where it does not (VERSION, COMMIT).
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .ci_ignore import gitlab_entry
from .dockerfile import Dockerfile, parse_dockerfile_leniently
from .dockerfile_pins import dockerfile_pins, global_arg_defaults
from .dockerfile_stages import stage_index, stage_lines
from .image_build_values import ANY_ARGUMENT, BuildArg, ImageBuild
from .image_reference import split_reference, valid_reference
from .versions import (
    SOURCE_CI_BUILD,
    SOURCE_DOCKERFILE,
    Pin,
    Shipped,
    golang_tag_version,
)

# Two values no build argument has, put where CI's value is unknown: a FROM that differs
# between them takes its Go from that unknown value.
_PROBES = ("\x00unknown-1", "\x00unknown-2")


@dataclass
class _Dockerfile:
    """A configured Dockerfile's text, its golang FROMs read once per set of arguments."""

    text: str
    name: str
    _read: dict[tuple[tuple[str, str], ...], dict[int, Pin]] = field(default_factory=dict)
    # Parsed once for the stages and the ARG defaults every build and line asks about.
    parsed: Dockerfile = field(init=False)
    defaults: dict[str, str | None] = field(init=False)

    def __post_init__(self) -> None:
        self.parsed = parse_dockerfile_leniently(self.text)
        self.defaults = global_arg_defaults(self.parsed)

    def golang(self, args: Mapping[str, str]) -> dict[int, Pin]:
        """The golang FROM pins by line, built with `args` (the ARG defaults for the rest)."""
        key = tuple(sorted(args.items()))
        if key not in self._read:
            pins = dockerfile_pins(self.text, self.name, dict(key))
            self._read[key] = {p.line: p for p in pins if p.source == SOURCE_DOCKERFILE}
        return self._read[key]

    def decides(
        self, line: int, args: Mapping[str, str], name: str, fixed: Container[str] = ()
    ) -> bool:
        """Whether argument `name` decides the FROM at `line`: its default and two probe values
        differ there (a probe may make it no golang image at all: `FROM ${IMAGE}:1.26`).
        ANY_ARGUMENT (options only the job knows) decides it where any ARG does that a later
        `--build-arg` of the build does not set (`fixed`: that one wins)."""
        if name == ANY_ARGUMENT:
            return any(self.decides(line, args, arg) for arg in self.defaults if arg not in fixed)
        values = [self.golang(args), *(self.golang({**args, name: p}) for p in _PROBES)]
        return len({_key(found.get(line)) for found in values}) > 1


def ci_build_pins(
    text: str,
    dockerfile: str,
    build_args: Mapping[str, str],
    builds: Sequence[ImageBuild],
    target: str | None = None,
) -> list[Pin]:
    """The pins of the CI builds of `dockerfile` (named as `builds` name it, text `text`,
    configured with `build_args` and `target`): one per build of that same stage and golang
    FROM of a stage it runs whose Go the build's arguments change, an unpinned one where an
    unknown argument decides it. A build of another target ships another image."""
    read = _Dockerfile(text, dockerfile)
    tested = read.golang(build_args)
    parsed = read.parsed
    ours = stage_lines(parsed, target, build_args) or range(0)
    pins: dict[tuple[str, int, str, str], Pin] = {}
    for build in builds:
        if build.dockerfile != dockerfile:
            continue
        # A build of another target ships (or tests) another image: its Go counts against
        # go.mod as any pin, but it is no image this run claims to have tested.
        same = stage_index(parsed, build.target) == stage_index(parsed, target)
        given = {arg.name: arg for arg in build.args}  # a later one of a name wins, as in docker
        known = {name: arg.value for name, arg in given.items() if arg.value is not None}
        unknown = [arg for arg in given.values() if arg.value is None]
        last_any = max(
            (i for i, arg in enumerate(build.args) if arg.name == ANY_ARGUMENT), default=-1
        )
        fixed = {arg.name for arg in build.args[last_any + 1 :] if arg.value is not None}
        runs = stage_lines(parsed, build.target or None, known)
        if runs is None:
            continue
        shipped = read.golang({**known, **{a.name: _PROBES[0] for a in unknown}})
        lines = set(shipped) | (set(tested) if same else set())
        for line in sorted(line for line in lines if line in runs):
            deciding = [a for a in unknown if read.decides(line, known, a.name, fixed)]
            pin: Pin | None
            if deciding:
                pin = _unpinned(build, dockerfile, line, deciding)
            else:
                before = tested.get(line) if same or line in ours else None
                # Another target's message names only the arguments that decide this FROM.
                named = (
                    given if same else {n: a for n, a in given.items() if read.decides(line, {}, n)}
                )
                pin = _pin(build, read, line, (before, shipped.get(line)), named, build_args)
                if pin is not None and not same:
                    pin = replace(pin, shipped=None)
            if pin is not None:
                pins.setdefault((pin.file, pin.line, pin.raw, str(pin.version)), pin)
    return list(pins.values())


def _pin(
    build: ImageBuild,
    read: _Dockerfile,
    line: int,
    froms: tuple[Pin | None, Pin | None],
    given: Mapping[str, BuildArg],
    configured: Mapping[str, str],
) -> Pin | None:
    """The build's pin at the FROM on `line` (`froms`: this run's and the CI build's), None
    where its Go is the one this run tested (or GOTOOLCHAIN=auto lets go.mod choose it)."""
    before, after = froms
    if after is None or after.ignored:
        return None
    if before is not None and not before.ignored and before.version == after.version:
        return None
    # What gives CI's FROM its Go: the arguments it passes that change the Go of the
    # Dockerfile's defaults, and the ARG defaults it leaves in place where this run's
    # build_args set another value.
    default_go = _go(read.golang({}).get(line))
    changing = [
        arg
        for name, arg in given.items()
        if arg.value is not None and _go(read.golang({name: arg.value}).get(line)) != default_go
    ]
    defaults = read.defaults
    empty = [
        name
        for name, default in defaults.items()
        if default is None and name not in given and read.decides(line, {}, name)
    ]
    if empty:  # an ARG without default the build does not pass: empty in CI's FROM
        if valid_reference(after.resolved) or ANY_ARGUMENT in given:
            return None  # `golang:1.26${SUFFIX}`: a FROM the engine still takes
        return _cannot_build(build, read, line, after.resolved, empty[0], configured)
    left = [
        BuildArg(name, default, f"{name} not passed", build.line)
        for name, default in defaults.items()
        if default is not None  # without a default, CI's build fails at its FROM
        and name not in given
        and name in configured
        and configured[name] != defaults[name]
        and read.decides(line, {}, name)
    ]
    if not changing and not left:  # CI passes the default itself where build_args differ
        changing = [
            arg
            for name, arg in given.items()
            if arg.value is not None and read.decides(line, {}, name)
        ] or [arg for arg in given.values() if arg.value is not None]
    holder = changing[0] if len(changing) == 1 else None
    written = ", ".join(
        [f"{arg.name}={arg.value}" for arg in changing]
        + [f"{arg.name} left at its ARG default {arg.value}" for arg in left]
    )
    with_args = f" with {written}" if written else ""
    target = f" (target {build.target})" if build.target else ""
    # Where the value is written (an env or matrix line) is where the fix goes.
    origin = (holder.name, build.file, holder.line) if holder else ("", build.file, 0)
    if holder is not None and holder.origins:
        origin = holder.origins[-1]
    if not changing and len(left) == 1:  # the fix is an argument the build does not pass yet
        origin = (f"{build.passes_args} {left[0].name}", build.file, build.line)
    pin = Pin(
        build.file,
        holder.line if holder is not None else build.line,
        SOURCE_CI_BUILD,
        f"{_who(build.job, build.pipeline)} builds {read.name}{target}{with_args}: "
        f"{after.resolved}",
        after.version,
        "; ".join(filter(None, [*(_origins(arg, build.file) for arg in changing), build.note])),
        resolved=after.resolved,
        version_arg=origin[0],
        version_arg_line=origin[2],
        version_arg_file=origin[1] if origin[1] not in (build.file, "") else "",
        job=build.job,
        pipeline=build.pipeline,
    )
    if after.version is None:  # the build's value floats (`latest`) or names no Go
        _, tag, digest = split_reference(after.resolved)
        why = golang_tag_version(tag, digest)[1]
        return replace(pin, note="; ".join(filter(None, [why, pin.note])), unpinned=True)
    tested = ""
    if before is not None and before.version is not None and not before.ignored:
        tested = (
            f"{before.resolved} (Go {before.version}{'; ' + before.note if before.note else ''})"
        )
    args = tuple((arg.name, arg.value or "") for arg in [*changing, *left])
    floats = ""
    if before is not None and "@" not in before.resolved:
        minor = str(before.version)
        if re.fullmatch(r"\d+\.\d+", minor) and str(after.version).startswith(f"{minor}."):
            floats = minor
    configured_here = any(name in configured for name, _ in args)
    shipped = Shipped(read.name, line, args, tested, written, floats, configured_here)
    return replace(pin, shipped=shipped)


def _cannot_build(
    build: ImageBuild,
    read: _Dockerfile,
    line: int,
    resolved: str,
    name: str,
    configured: Mapping[str, str],
) -> Pin:
    """The pin of a CI build that leaves `name`, an ARG without a default, unset, so that the
    FROM on `line` becomes `resolved`, a reference the engine refuses: CI's build fails
    before its first step, where this run passed `name` from build_args."""
    target = f" (target {build.target})" if build.target else ""
    declared = next(
        (
            i.line
            for i in read.parsed.global_instructions
            if i.keyword == "ARG" and any(a.split("=", 1)[0] == name for a in i.args)
        ),
        0,
    )
    value = configured.get(name, "")
    passed = f' (this run passed {name} = "{value}" from build_args)' if value else ""
    example = value or "..."
    why = (
        f"{_who(build.job, build.pipeline)} builds {read.name}{target} without {name}, which "
        f"the ARG at {read.name}:{declared} declares without a default, so its FROM at "
        f"{read.name}:{line} becomes {resolved}, which the engine refuses (invalid reference "
        f"format): that build fails before its first step{passed}. Give the ARG a default "
        f"(`ARG {name}={example}`), or pass {name}={example} to that build (`--build-arg`, or "
        "build-push-action's `build-args`)"
    )
    return Pin(
        build.file,
        build.line,
        SOURCE_CI_BUILD,
        f"{_who(build.job, build.pipeline)} builds {read.name}{target}: {resolved}",
        None,
        resolved=resolved,
        job=build.job,
        pipeline=build.pipeline,
        cannot_build=why,
    )


def cannot_build(pins: Sequence[Pin]) -> list[Pin]:
    """The CI image build pins that count and cannot start (cannot_build says why)."""
    return [pin for pin in pins if pin.cannot_build and not pin.ignored]


def format_cannot_build(pins: Sequence[Pin], where: str) -> str:
    """One paragraph per CI build that cannot start, with the ways out."""
    return "\n".join(
        f"{pin.file}:{pin.line}: {pin.cannot_build}; if that job's image does not ship, add "
        f'"{_ignore_entry(pin)}:{pin.job}" to go_version_ignore in {where}.'
        for pin in pins
    )


def _unpinned(build: ImageBuild, dockerfile: str, line: int, deciding: list[BuildArg]) -> Pin:
    written = ", ".join(arg.written for arg in deciding)
    why = "; ".join(
        arg.why if arg.name == ANY_ARGUMENT else f"{arg.name} cannot be resolved: {arg.why}"
        for arg in deciding
    )
    note = "; ".join(
        filter(
            None,
            [why, f"it decides the golang FROM on {dockerfile}:{line}", build.note],
        )
    )
    return Pin(
        build.file,
        deciding[0].line if len(deciding) == 1 else build.line,
        SOURCE_CI_BUILD,
        f"{_who(build.job, build.pipeline)} builds {dockerfile} with {written}",
        None,
        note,
        True,
        job=build.job,
        pipeline=build.pipeline,
    )


def _go(pin: Pin | None) -> str | None:
    return None if pin is None else str(pin.version)


def _key(pin: Pin | None) -> tuple[str, str, bool] | None:
    return None if pin is None else (pin.resolved, str(pin.version), bool(pin.ignored))


def _who(job: str, pipeline: str) -> str:
    return f"GitLab CI job {job}" if pipeline else f"job {job}"


def _origins(arg: BuildArg, file: str) -> str:
    """`GO_VERSION=1.21 from env.GO_VERSION at line 3`: where a value came from, when not from
    the argument itself ("" then)."""
    steps = [
        f"{name} at {'line ' if where in (file, '') else where + ':'}{line}"
        for name, where, line in arg.origins
        if line > 0  # 0: not found where it is written
    ]
    if not steps:
        return ""
    return f"{arg.name}={arg.value} from " + " -> ".join(steps)


def not_tested(pins: Sequence[Pin]) -> list[Pin]:
    """The CI image build pins that count and ship another Go than this run tested."""
    return [
        pin
        for pin in pins
        if pin.shipped is not None
        and pin.shipped.tested
        and pin.version is not None
        and not pin.ignored
    ]


def format_not_tested(pins: Sequence[Pin], where: str) -> str:
    """One paragraph per CI build that ships an image this run did not test: what it builds
    with which value (and where that value is set), what this run built, and the ways out."""
    paragraphs = []
    for pin in pins:
        assert pin.shipped is not None
        shipped = pin.shipped
        # Only the arguments that differ: the configured ones stay as written (a
        # placeholder such as "{git.head}", a value read from the environment).
        table = ", ".join(f'{name} = "{value}"' for name, value in shipped.args)
        entry = _ignore_entry(pin)
        who = _who(pin.job, pin.pipeline)
        note = f" ({pin.note})" if pin.note else ""
        # `golang:1.26` floats: it may be the image tested today, and another one tomorrow.
        floats = (
            f", a tag that floats to the newest {pin.version}.x"
            if re.fullmatch(r"\d+\.\d+", str(pin.version)) and "@" not in pin.resolved
            else ""
        )
        # The key may be in build_args already (this run's value came from there).
        build_args = (
            f"set {table} in build_args in {where}"
            if shipped.in_build_args
            else f"add {table} to build_args in {where}"
        )
        if shipped.tested_floats:  # pinning CI to the floating tag would make both float
            fix = (
                build_args
                if shipped.in_build_args
                else f"pin the Dockerfile's value to {pin.version}, or {build_args}"
            )
            way = (
                f"This run's tag floats to the newest {shipped.tested_floats}.x "
                f"(today it may be CI's {pin.version}, tomorrow not): {fix}, so that this run "
                "tests what ships; "
            )
        else:
            way = (
                f"Pin the CI value to the one tested, or {build_args} so that this run tests "
                "what ships; "
            )
        paragraphs.append(
            f"{pin.file}:{pin.line}: {who} builds {shipped.dockerfile} with {shipped.written}"
            f"{note}, so the image CI ships is built FROM {pin.resolved} (Go {pin.version}"
            f"{floats}), "
            f"but this run built and tested {shipped.dockerfile}:{shipped.from_line} FROM "
            f"{shipped.tested}: the image CI ships is not the image tested. {way}"
            f'if that job\'s image does not ship, add "{entry}:{pin.job}" to go_version_ignore '
            f"in {where}."
        )
    return "\n".join(paragraphs)


def _ignore_entry(pin: Pin) -> str:
    """The go_version_ignore entry of a CI build pin's file (a GitLab pipeline's include path,
    a workflow's file name), before `:job`."""
    return gitlab_entry(pin) if pin.pipeline else pin.file.rsplit("/", 1)[-1]
