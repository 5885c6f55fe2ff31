"""Go versions and the places that pin them, and whether those places agree.

The readers (gomod_pins, dockerfile_pins and the workflows package) turn text into `Pin`s
(file, 1-based line, what was written, the `GoVersion` it names). `required_version` takes the higher of go.mod's `go` and `toolchain`; `misaligned` keeps
the pins that would build with an older Go. A pin compares at its own precision: `golang:1.24`
floats to the newest 1.24.x, so it satisfies `go1.24.5`; `golang:1.24.3` does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GoImageError, GoModError
from .build_arg_advice import pass_argument
from .image_reference import split_reference
from .unreadable import file_problem

SOURCE_GO = "go.mod go"
SOURCE_TOOLCHAIN = "go.mod toolchain"
SOURCE_DOCKERFILE = "Dockerfile FROM"
SOURCE_SETUP_GO = "setup-go go-version"
SOURCE_SETUP_GO_FILE = "setup-go go-version-file"
SOURCE_GITLAB_IMAGE = "GitLab CI image"
SOURCE_WORKFLOW_CONTAINER = "workflow container image"  # `container:`, `uses: docker://`
SOURCE_CI_BUILD = "CI image build"  # a workflow's or pipeline's build of a Dockerfile
_GOMOD_SOURCES = (SOURCE_GO, SOURCE_TOOLCHAIN)

# [tool.goimage] go_version_policy: which go.mod line the pins must reach.
POLICY_TOOLCHAIN = "toolchain"  # the higher of `go` and `toolchain`: what is tested is what ships
POLICY_GO = "go"  # the `go` line: the minimum that builds
POLICIES = (POLICY_TOOLCHAIN, POLICY_GO)

MAX_DEPTH = 8  # nesting of `${A:-${B}}` and `${{ env.X }}` chains
_PRE_RANK = {"beta": 0, "rc": 1, "": 2}
# re.ASCII: `\d` must not match other scripts' digits, which int() would happily accept.
_VERSION_RE = re.compile(
    r"(?:go)?(?P<major>\d+)(?:\.(?P<minor>\d+)(?:\.(?P<patch>\d+)|(?P<pre>rc|beta)(?P<num>\d+))?)?",
    re.ASCII,
)


@dataclass(frozen=True)
class GoVersion:
    """A Go version as written, keeping its precision: `1`, `1.26`, `1.26.8` or `1.26rc1`.

    Ordering follows Go's release order (beta < rc < .0 < .1). A two-component version is
    ordered as its `.0` release (just below the explicit `.0`), so go.mod's `go 1.21` requires
    1.21.0: we deliberately do not let a 1.21rc pin satisfy it, which Go itself would.
    """

    major: int
    minor: int = 0
    patch: int = 0
    precision: int = 3  # 1, 2 or 3 numeric components as written
    pre: str = ""  # "", "rc" or "beta"; only with precision 2
    pre_num: int = 0

    @classmethod
    def parse(cls, text: str) -> GoVersion:
        """`1.26`, `1.26.8`, `go1.26.8`, `1.26rc1`, `1` -> GoVersion; ValueError otherwise."""
        match = _VERSION_RE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"not a Go version: {text!r}")
        minor, patch = match.group("minor"), match.group("patch")
        precision = 1 if minor is None else 3 if patch is not None else 2
        return cls(
            major=int(match.group("major")),
            minor=int(minor or 0),
            patch=int(patch or 0),
            precision=precision,
            pre=match.group("pre") or "",
            pre_num=int(match.group("num") or 0),
        )

    def __str__(self) -> str:
        text = str(self.major)
        if self.precision >= 2:
            text += f".{self.minor}"
        if self.precision == 3:
            text += f".{self.patch}"
        return text + (f"{self.pre}{self.pre_num}" if self.pre else "")

    def _key(self) -> tuple[int, int, int, int, int, int]:
        return (
            self.major,
            self.minor,
            _PRE_RANK[self.pre],
            self.patch,
            self.pre_num,
            self.precision,
        )

    def __lt__(self, other: GoVersion) -> bool:
        return self._key() < other._key()

    def __le__(self, other: GoVersion) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: GoVersion) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: GoVersion) -> bool:
        return self._key() >= other._key()

    def satisfies(self, required: GoVersion) -> bool:
        """Whether a pin of this version builds a module that requires `required`.

        A pin compares at its own precision because `golang:1.26` and `go-version: 1.26` float
        to the newest 1.26.x: 1.26 and 1.27 satisfy 1.26.8, 1.25 and 1.26.7 do not.
        """
        if self.pre or self.precision == 3:
            return self._key()[:5] >= required._key()[:5]
        if self.precision == 2:
            return (self.major, self.minor) >= (required.major, required.minor)
        return self.major >= required.major


def parse_go_version(text: str) -> GoVersion | None:
    """GoVersion.parse that returns None instead of raising."""
    try:
        return GoVersion.parse(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Shipped:
    """What a CI image build pin builds: the Dockerfile and its golang FROM line, the build
    arguments that give that FROM another Go than this run's build, and what this run's build
    of it used (`golang:1.26.8-alpine (Go 1.26.8; ...)`; "" when it named no Go to compare)."""

    dockerfile: str
    from_line: int
    args: tuple[tuple[str, str], ...]
    tested: str
    written: str  # the arguments as the message says them (`GO_VERSION=1.21`)
    # The minor version this run's FROM floats to the newest patch of, where CI's is one of
    # its patches (`golang:1.26` against 1.26.8: "1.26"); "" otherwise.
    tested_floats: str = ""
    in_build_args: bool = False  # this run's value came from build_args: set it there


@dataclass(frozen=True)
class Pin:
    """One place that names a Go version.

    `raw` is the value as written (`golang:${GO_VERSION}-alpine`, `go1.26.8`, `'1.24'`);
    `resolved` is it after ARG/env/matrix substitution; `version` is None when no version could
    be read, with the reason in `note`. `unpinned` marks warning-level findings (digest-only,
    `latest`, untagged or unresolvable pins) as opposed to pins aligned by construction.
    """

    file: str
    line: int
    source: str
    raw: str
    version: GoVersion | None
    note: str = ""
    unpinned: bool = False
    resolved: str = ""
    version_arg: str = ""  # the ARG whose value names the version, when one does
    version_arg_line: int = 0  # its default's ARG line; 0 when build_args set it
    version_arg_file: str = ""  # the file of that line where it is not `file` (a bake file)
    job: str = ""  # the workflow job of a setup-go pin
    ignored: str = ""  # why the pin is left out of the comparison ("" when it counts)
    uses: str = ""  # a go-version-file pin's `uses:` (setup-go@v5 and @v6 read go.mod apart)
    pipeline: str = ""  # a GitLab CI pin's pipeline file (`.gitlab-ci.yml`, a child's)
    # The workflow whose job runs it, where `file` is a local composite action that job uses.
    workflow: str = ""
    toolchain_line: int = 0  # the Dockerfile line whose GOTOOLCHAIN chose another Go
    workspace: str = ""  # the go.work its build runs in (its requirement applies), if any
    workspace_off: bool = False  # its CI job runs Go with GOWORK=off (no workspace mode)
    shipped: Shipped | None = None  # a CI image build's Dockerfile, arguments and tested Go
    # Why a CI image build cannot start at this FROM (an argument it leaves empty); "" if it can.
    cannot_build: str = ""
    # The folders (of the repository) its CI job runs the Go toolchain in; None when not known.
    go_folders: tuple[str, ...] | None = None
    checkout_moved: bool = False  # its job checks the repository out into a folder (`path:`)
    # A setup-go pin: GOTOOLCHAIN as its job's or workflow's env sets it (None: not set), and
    # whether the Go it installs switches to go.mod's by itself (GOTOOLCHAIN=auto, Go 1.21+).
    gotoolchain: str | None = None
    switches: bool = False


TAG_VERSION_RE = re.compile(
    r"(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(?:-(.*))?", re.ASCII | re.DOTALL
)


def required_pin(pins: Iterable[Pin], policy: str = POLICY_TOOLCHAIN) -> Pin:
    """The go.mod pin naming the required version: the higher of `go` and `toolchain`, or
    the `go` line under `policy` "go"; GoModError when go.mod gave no `go` line."""
    candidates = [p for p in pins if p.source in _GOMOD_SOURCES and p.version is not None]
    if policy == POLICY_GO:
        candidates = [p for p in candidates if p.source == SOURCE_GO]
    if not candidates:
        raise GoModError("no go.mod `go` line among the pins; the required Go version is unknown.")
    # On a tie (`go 1.24.0`, `toolchain go1.24.0`) the toolchain line is the one to cite.
    return max(candidates, key=lambda p: (_version_of(p), p.source == SOURCE_TOOLCHAIN))


def _version_of(pin: Pin) -> GoVersion:
    if pin.version is None:
        raise ValueError(f"{pin.file}:{pin.line}: {pin.raw} names no Go version")
    return pin.version


def required_version(pins: Iterable[Pin], policy: str = POLICY_TOOLCHAIN) -> GoVersion:
    """The Go version go.mod requires under `policy` (see required_pin)."""
    return _version_of(required_pin(pins, policy))


def misaligned(pins: Iterable[Pin], required: GoVersion) -> list[Pin]:
    """Pins (other than go.mod's own, and not ignored) that name a Go older than `required`
    at their precision."""
    return [
        pin
        for pin in pins
        if pin.source not in _GOMOD_SOURCES
        and not pin.ignored
        and pin.version is not None
        and not pin.version.satisfies(required)
        and not pin.switches
    ]


def unpinned(pins: Iterable[Pin]) -> list[Pin]:
    """Warning-level pins that count: digest-only, `latest`, untagged or unresolvable."""
    return [pin for pin in pins if pin.unpinned and not pin.ignored]


def format_misalignment(
    bad: Sequence[Pin],
    pins: Sequence[Pin],
    policy: str = POLICY_TOOLCHAIN,
    build_args_tables: Mapping[str, str] | None = None,
) -> str:
    """One line per disagreeing pin, citing the go.mod line that sets the requirement; where
    only the toolchain line is missed, it says the build itself would still succeed.
    `build_args_tables` names, per build argument, the table whose value the image takes (an
    image's own entry or the top level), where the advice is to change it."""
    source = required_pin(pins, policy)
    required = _version_of(source)
    verb = "toolchain" if source.source == SOURCE_TOOLCHAIN else "go"
    # A go.mod without a `go` line implies one (line 0), which its note explains.
    cited = f"{source.file}:{source.line} {verb} {source.raw}" if source.line else source.note
    requirement = f"{source.file} requires {required} ({cited})"
    go_line = required_pin(pins, POLICY_GO)
    lines = []
    for pin in bad:
        names = f"{shown_pin(pin)} names Go {pin.version}"
        if pin.note:
            names += f" ({pin.note})"
        advice = _advice(pin, required, build_args_tables or {})
        line = f"{pin.file}:{pin.line}: {names}, {requirement} — {advice}"
        if (
            source.source == SOURCE_TOOLCHAIN
            and pin.version is not None
            and pin.version.satisfies(_version_of(go_line))
        ):
            # The toolchain line is what developers are asked to use; golang images run with
            # GOTOOLCHAIN=local and build fine from the `go` line up.
            where = (
                f"{go_line.file}:{go_line.line}" if go_line.line else f"{go_line.file}'s implied"
            )
            line += (
                f" (the build itself would still succeed: {where} "
                f"`go {go_line.raw}` is the minimum that builds, and go_version_policy = "
                '"go" in [tool.goimage] accepts pins that reach it)'
            )
        lines.append(line)
    return "\n".join(lines)


def format_unpinned(pins: Sequence[Pin]) -> str:
    """One warning line per unpinned pin."""
    return "\n".join(f"{p.file}:{p.line}: {shown_pin(p)} is not pinned: {p.note}" for p in pins)


def format_ignored(pins: Sequence[Pin]) -> str:
    """One line per pin left out of the comparison, with the reason."""
    return "\n".join(f"{p.file}:{p.line}: {shown_pin(p)}: {p.ignored}" for p in pins if p.ignored)


def shown_pin(pin: Pin) -> str:
    """How a message names the pin: `golang:1.26-alpine`, `go-version 1.22`."""
    if pin.source == SOURCE_SETUP_GO:
        return f"go-version {pin.raw}"
    if pin.source == SOURCE_SETUP_GO_FILE:
        return f"go-version-file {pin.raw}"
    if pin.source == SOURCE_GITLAB_IMAGE:
        return f"GitLab CI job {pin.job}: image {pin.raw}"
    return pin.raw


def _advice(pin: Pin, required: GoVersion, tables: Mapping[str, str]) -> str:
    if pin.source == SOURCE_DOCKERFILE:
        # The fix goes where the version is written: GOTOOLCHAIN, the ARG default or build_args.
        if pin.toolchain_line:
            return f"set GOTOOLCHAIN=go{required} or newer on {pin.file}:{pin.toolchain_line}"
        if pin.version_arg and pin.version_arg_line:
            return (
                f"set `ARG {pin.version_arg}={required}` on {pin.file}:{pin.version_arg_line} "
                "or newer"
            )
        if pin.version_arg:
            table = tables.get(pin.version_arg)
            return f'set build_args {pin.version_arg} = "{required}" or newer' + (
                f" in {table}" if table else ""
            )
        return f"use {_newer_image(pin, required)} or newer"
    if pin.source == SOURCE_SETUP_GO:
        return f"use go-version '{required}' or newer"
    if pin.source == SOURCE_SETUP_GO_FILE:
        return f"point go-version-file at the project's go.mod, or use go-version '{required}'"
    if pin.source == SOURCE_GITLAB_IMAGE:
        if pin.toolchain_line:  # the job's GOTOOLCHAIN runs that Go, not the image's
            return f"set GOTOOLCHAIN: go{required} or newer on {pin.file}:{pin.toolchain_line}"
        if pin.version_arg:
            return f'set {pin.version_arg}: "{required}" or newer where it is set'
        return f"use image {_newer_image(pin, required)} or newer"
    if pin.source == SOURCE_CI_BUILD:
        # GOTOOLCHAIN takes `go1.26.0`: a bare version makes the go command refuse it.
        value = f"go{required}" if "GOTOOLCHAIN" in pin.version_arg else str(required)
        passes, _, name = pin.version_arg.partition(" ")
        phrase = pass_argument(passes, name, value)
        if phrase and pin.version_arg_line:
            return (
                f"{phrase} on {pin.file}:{pin.version_arg_line}, which leaves it at the "
                "Dockerfile's ARG default"
            )
        file = pin.version_arg_file or pin.file
        where = f"on {file}:{pin.version_arg_line}" if pin.version_arg_line else "where it is set"
        return f"set {pin.version_arg or 'the build argument'} to '{value}' or newer {where}"
    if pin.source == SOURCE_WORKFLOW_CONTAINER:
        if pin.toolchain_line:
            return f"set GOTOOLCHAIN: go{required} or newer on {pin.file}:{pin.toolchain_line}"
        if pin.version_arg:
            return (
                f"set {pin.version_arg} to '{required}' or newer on "
                f"{pin.version_arg_file or pin.file}:{pin.version_arg_line}"
            )
        keyword = "uses: docker://" if pin.uses else "container: "
        return f"use {keyword}{_newer_image(pin, required)} or newer"
    return f"use Go {required} or newer"


def _newer_image(pin: Pin, required: GoVersion) -> str:
    """The pin's golang image at `required`, its variant kept (`golang:1.26.8-alpine`)."""
    repository, tag, _ = split_reference(pin.resolved or pin.raw)
    match = TAG_VERSION_RE.fullmatch(tag or "")
    variant = f"-{match.group(2)}" if match and match.group(2) else ""
    return f"{repository}:{required}{variant}"


def golang_tag_version(tag: str | None, digest: str) -> tuple[GoVersion | None, str]:
    """The Go version a golang image's tag names, or None with why (untagged, digest only, a
    tag such as `alpine` that floats with latest)."""
    if tag is None:
        return None, f"pinned by digest only ({digest[:19]}...)" if digest else "untagged (latest)"
    match = TAG_VERSION_RE.fullmatch(tag)
    version = parse_go_version(match.group(1)) if match else None
    if version is not None:
        return version, ""
    if tag[:1].isdigit():
        return None, f"cannot read a Go version from tag {tag!r}"
    return None, f"tag {tag!r} names no Go version, so it floats with latest"


def text_lines(text: str) -> list[str]:
    # Split on newlines only: str.splitlines also breaks on \x0c, \u2028 ... and would shift
    # line numbers against what editors and Docker show.
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text(path: Path, name: str, error: type[GoImageError]) -> str:
    """The file's text; `error` naming the file and the fix when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}), and Docker, Go and GitHub Actions read this file as UTF-8. Save it "
            "as UTF-8, or check that it is the file you meant."
        ) from None
    except OSError as exc:
        problem = file_problem(path, name)
        raise error(f"{problem or f'{name}: cannot read ({exc.strerror or exc})'}.") from None
