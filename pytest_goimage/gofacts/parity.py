"""Parity across images: binaries that build the same main package (`path` in their build info)
must agree on how they were built. Pure: build info and Dockerfile text in, differences out.

The facts compared are those `parity_ignore` names: the Go version, `CGO_ENABLED`, `GOOS`,
`GOARCH`, `-trimpath`, `-tags`, `-ldflags` (build settings as `go version -m` lists them) and
the version of every module linked. Each difference names, per image, the Dockerfile line that
caused it: the line that sets it, else the `go build` line (where a missing flag would go), and
for the Go version a `GOTOOLCHAIN` setting, else the golang `FROM` line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from ..errors import DockerfileSyntaxError
from .build_toolchain import toolchain_line
from .buildinfo import BuildInfo
from .dockerfile import Dockerfile, parse_dockerfile_leniently
from .dockerfile_pins import dockerfile_pins
from .dockerfile_stages import target_builds
from .go_build_command import (
    GoBuild,
    building,
    named,
    setting_line,
)
from .run_variables import global_default, ldflags_in_run
from .shell_script import VARIABLE

GO = "go"
MODULES = "modules"
SETTINGS = ("CGO_ENABLED", "GOOS", "GOARCH", "-trimpath", "-tags", "-ldflags")
FACTS = (GO, *SETTINGS, MODULES)
NOT_SET = "(not set)"
# The main package path Go records for `go build file.go ...`.
COMMAND_LINE = "command-line-arguments"
NOT_LINKED = "(not linked)"
# Go leaves -ldflags out of the build info of a -trimpath build (they may hold local paths:
# golang/go#52372), so such a binary's -ldflags are unknown, not empty.
LDFLAGS_UNKNOWN = "(not recorded under -trimpath)"
_GO_BUILD = re.compile(r"\bgo\s+build\b")
_SPACE = re.compile(r"[ \t\n\r]")  # what separates flags for Go (isSpaceByte)
_SHOWN_LINE = 72  # a Dockerfile line in the table is cut to this many characters


@dataclass(frozen=True)
class Binary:
    """One image's Go binary: its Dockerfile (as configured), that file's text and build args
    (to find the lines), the binary's build info and its path in the image (which go build
    made it)."""

    dockerfile: str
    text: str
    build_args: Mapping[str, str]
    info: BuildInfo
    program: str = ""
    file: str = ""  # the Dockerfile's path for `file:line` (`dockerfile` may end in `[target]`)
    target: str | None = None  # the stage it builds (None: the last)

    @cached_property
    def parsed(self) -> Dockerfile:
        return parse_dockerfile_leniently(self.text)

    @cached_property
    def builds(self) -> list[GoBuild]:
        """The go builds of the stages this image's build runs (its target and what that
        takes FROM or copies from), read once: grouping, each row's cause line and the written
        -ldflags all ask for them. Another target's build of a program of the same name (a
        dev stage's `go build -o /usr/local/bin/app` beside prod's `-o /app`) is not this
        image's (trial 13: dev was compared with prod's -ldflags, then with none)."""
        return target_builds(self.parsed, self.program, self.target, self.build_args)

    @property
    def main_package(self) -> str:
        """What identifies the program: its main package path; for `go build main.go`
        (`command-line-arguments`, the same for every such program) the files the go build
        line names, and "" when it names none: such a binary cannot be matched to another."""
        if self.info.path != COMMAND_LINE:
            return self.info.path
        build = building(self.builds, self.program)
        if build is None or not build.files:
            return ""
        return f"{COMMAND_LINE} ({' '.join(build.files)})"


@dataclass(frozen=True)
class Difference:
    """One fact the images of a group disagree on: `fact` is as `parity_ignore` names it,
    `label` the row title (`go`, `-trimpath`, `module golang.org/x/net`); `rows` per image:
    (dockerfile, value, the line that caused it or "")."""

    fact: str
    label: str
    rows: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Group:
    """The images whose binaries build main package `path`, and where they differ."""

    path: str
    dockerfiles: tuple[str, ...]
    differences: tuple[Difference, ...]


def settings_of(info: BuildInfo) -> dict[str, str]:
    """The compared facts but modules: each value as recorded, NOT_SET where it is absent."""
    facts = {GO: info.go_version or NOT_SET}
    facts.update({name: info.setting(name) or NOT_SET for name in SETTINGS})
    if info.setting("-trimpath") == "true" and facts["-ldflags"] == NOT_SET:
        facts["-ldflags"] = LDFLAGS_UNKNOWN
    return facts


def modules_of(info: BuildInfo) -> dict[str, str]:
    """Linked module -> version; a `=>` replacement is what was linked."""
    found: dict[str, str] = {}
    for dep in info.deps:
        linked = dep.replace or dep
        found[dep.path] = (
            f"{linked.version}" if linked is dep else f"{linked.path}@{linked.version}"
        )
    return found


def compare(binaries: Sequence[Binary], ignore: Sequence[str] = ()) -> list[Group]:
    """Groups of two or more images building the same main package, in configuration order,
    each with its differences (none when they agree); facts in `ignore` are not compared."""
    by_path: dict[str, list[Binary]] = {}
    for binary in binaries:
        by_path.setdefault(binary.main_package, []).append(binary)
    groups: list[Group] = []
    for path, members in by_path.items():
        if len(members) < 2 or not path:
            continue
        groups.append(
            Group(path, tuple(b.dockerfile for b in members), tuple(_differences(members, ignore)))
        )
    return groups


def compared_settings(members: Sequence[Binary]) -> list[dict[str, str]]:
    """settings_of each member, as compared: where Go recorded no -ldflags (-trimpath
    everywhere), the -ldflags as the go build lines write them, where every Dockerfile shows
    its own (`-s -w -X main.version=1.4.2 (as written)`)."""
    settings = [settings_of(b.info) for b in members]
    if all(s["-ldflags"] == LDFLAGS_UNKNOWN for s in settings):
        written = [_written_ldflags(b) for b in members]
        readable = [w for w in written if w is not None]
        if len(readable) == len(written) and _comparable(readable):
            for facts, (flags, _) in zip(settings, readable, strict=True):
                facts["-ldflags"] = f"{flags or NOT_SET} (as written)"
    return settings


def _differences(members: Sequence[Binary], ignore: Sequence[str]) -> list[Difference]:
    found: list[Difference] = []
    settings = compared_settings(members)
    for fact in (GO, *SETTINGS):
        values = [s[fact] for s in settings]
        if fact in ignore or len(set(values) - {LDFLAGS_UNKNOWN}) <= 1:
            continue
        rows = tuple(
            (b.dockerfile, value, cause_line(b, fact))
            for b, value in zip(members, values, strict=True)
        )
        found.append(Difference(fact, fact, rows))
    if MODULES in ignore:
        return found
    linked = [modules_of(b.info) for b in members]
    for module in sorted({name for modules in linked for name in modules}):
        values = [modules.get(module, NOT_LINKED) for modules in linked]
        if len(set(values)) == 1:
            continue
        rows = tuple(
            (b.dockerfile, value, cause_line(b, MODULES))
            for b, value in zip(members, values, strict=True)
        )
        found.append(Difference(MODULES, f"module {module}", rows))
    return found


def _written_ldflags(binary: Binary) -> tuple[str, bool] | None:
    """The -ldflags of the go build that made the program (its `-o` names it), as Go splits
    them, one space apart ("" for none), the variables the Dockerfile sets expanded (build_args,
    ARG defaults, ENV), and whether every variable was; None when no build names the program
    or its script cannot be read."""
    builds = named(binary.builds, binary.program)
    if len(builds) != 1 or not builds[0].readable:
        return None
    written, known = ldflags_in_run(builds[0], binary.parsed, binary.build_args)
    return " ".join(go_split(written)), known


def _comparable(written: Sequence[tuple[str, bool]]) -> bool:
    """Whether the flags as written can be compared: all are known, or two cannot match
    whatever the variables only the build expands (CI's `--build-arg`) hold:
    `-s -w -X main.v=${V}` against `-X main.v=debug`, or against `-X main.v=${V}`."""
    if all(known for _, known in written):
        return True
    for index, (flags, known) in enumerate(written):
        for other, other_known in written[index + 1 :]:
            if known and other_known:
                continue
            if _cannot_match(flags, other) if not known else _cannot_match(other, flags):
                return True
    return False


def _cannot_match(unknown: str, other: str) -> bool:
    """No values of `unknown`'s variables make it `other`: against known flags, its pattern
    does not match them; against flags that hold variables too, their variable-free words
    differ (where no word is a variable alone, which could expand to several)."""
    if "$" not in other:
        pattern = ".*".join(re.escape(part) for part in VARIABLE.split(unknown)[::3])
        return re.fullmatch(pattern, other) is None
    words = [unknown.split(), other.split()]
    if any(VARIABLE.fullmatch(word) for side in words for word in side):
        return False
    fixed = [sorted(w for w in side if "$" not in w) for side in words]
    return len(words[0]) != len(words[1]) or fixed[0] != fixed[1]


def go_split(text: str) -> list[str]:
    """Split flags as Go's cmd/internal/quoted.Split does: at spaces, where a word may be
    quoted whole in '...' or "..." (no escapes), so `-X 'main.v=1'` and `-X main.v=1` agree;
    a space, tab or line end separates words."""
    words: list[str] = []
    rest = text
    while rest := rest.lstrip(" \t\n\r"):
        if rest[0] in "'\"":
            end = rest.find(rest[0], 1)
            if end < 0:
                return text.split()  # unterminated: as written, which go build refuses too
            words.append(rest[1:end])
            rest = rest[end + 1 :]
        else:
            word, *tail = _SPACE.split(rest, maxsplit=1)
            words.append(word)
            rest = "".join(tail)
    return words


def cause_line(binary: Binary, fact: str) -> str:
    """`Dockerfile:16: go build -trimpath ...`: the line of `binary`'s Dockerfile that decided
    `fact`; "" when the Dockerfile has no such line (the binary was copied in, not built)."""
    lines = binary.text.splitlines()
    build = building(binary.builds, binary.program)
    if fact == GO:
        toolchain = 0
        if build is not None:
            outer = global_default("GOTOOLCHAIN", binary.parsed.global_instructions)
            toolchain = toolchain_line(build, lines, binary.build_args, outer)
        if toolchain:
            return _shown(binary.file or binary.dockerfile, toolchain, lines)
        try:
            pins = [
                p.line for p in dockerfile_pins(binary.text, binary.dockerfile, binary.build_args)
            ]
        except DockerfileSyntaxError:
            pins = []
        if build is not None:
            # The golang image of the build's own stages, not one a test or lint stage uses.
            own = {build.from_line} | {i.line for i in build.before}
            pins = [line for line in pins if line in own] or pins
        if pins:
            return _shown(binary.file or binary.dockerfile, pins[-1], lines)
    if build is None:
        return ""
    if fact not in (GO, MODULES):
        setting = setting_line(build, lines, fact, flag=fact.startswith("-"))
        if setting:
            return _shown(binary.file or binary.dockerfile, setting, lines)
    # Where a missing flag would go: the go build line itself.
    go_build = next(
        (n for n in range(build.line, build.end_line + 1) if _GO_BUILD.search(lines[n - 1])),
        build.line,
    )
    return _shown(binary.file or binary.dockerfile, go_build, lines)


def _shown(dockerfile: str, number: int, lines: Sequence[str]) -> str:
    text = " ".join(lines[number - 1].split()).rstrip("\\").rstrip()
    if len(text) > _SHOWN_LINE:
        text = text[: _SHOWN_LINE - 1] + "…"
    return f"{dockerfile}:{number}: {text}"


def table(difference: Difference) -> list[str]:
    """The difference image by image: `  <label>:` then one aligned row per image."""
    name_width = max(len(d) for d, _, _ in difference.rows)
    value_width = max(len(v) for _, v, _ in difference.rows)
    rows = [
        f"    {d.ljust(name_width)}  {v.ljust(value_width)}  {line}".rstrip()
        for d, v, line in difference.rows
    ]
    return [f"  {difference.label}:", *rows]
