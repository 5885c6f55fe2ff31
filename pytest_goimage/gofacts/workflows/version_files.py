"""setup-go `go-version-file` pins followed into the checkout: go.mod, go.work, .go-version
and .tool-versions, each read as setup-go reads it."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ...errors import GoModError, WorkflowError
from ..gomod_pins import gomod_pins
from ..versions import (
    SOURCE_GO,
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    SOURCE_TOOLCHAIN,
    GoVersion,
    Pin,
    read_text,
    required_version,
)
from .setup_go import setup_go_version

# How setup-go reads a go.mod or go.work (src/installer.ts parseGoVersionFile): up to v5 the
# first `go` line only (/^go (\d+(\.\d+)*)/m); from v6 on the `toolchain` line when there is
# one, else the `go` line (its README: "Uses the toolchain directive version if present").
_GO_LINE_RE = re.compile(r"^go (\d+(?:\.\d+)*)", re.MULTILINE | re.ASCII)
_TOOLCHAIN_LINE_RE = re.compile(
    r"^toolchain go(\d+(?:\.\d+)*(?:(?:rc|beta)\d+)?)", re.MULTILINE | re.ASCII
)
_TAG_RE = re.compile(r"v(\d+)(?:\.\d+){0,2}", re.ASCII)
FIRST_TOOLCHAIN_READER = 6  # the first setup-go major that reads the toolchain line
_SWITCHING_GO = GoVersion(1, 21, 0)  # the first Go that switches to go.mod's toolchain itself


def follow_go_version_files(pins: list[Pin], workspace: Path, go_mod: Path) -> list[Pin]:
    """setup-go `go-version-file` pins resolved against the checkout (`workspace`, which holds
    `.github/`). A go.mod or go.work pins the Go setup-go installs from it, which depends on
    the action's major version (setup_go_reads); the project's own go.mod is aligned by
    construction only where that is the line go.mod requires. `.go-version` pins its
    content and `.tool-versions` its `golang` line, each compared like any pin."""
    resolved: list[Pin] = []
    for pin in pins:
        target = pin.resolved
        if pin.source == SOURCE_SETUP_GO and pin.version is not None:
            resolved.append(_switched(pin))
            continue
        if pin.source != SOURCE_SETUP_GO_FILE or not target:
            resolved.append(pin)
            continue
        path = workspace / target
        name = target.rsplit("/", 1)[-1]
        if not path.is_file():
            resolved.append(_missing_file(pin, target, name, workspace, go_mod))
        elif name in ("go.mod", "go.work"):
            own = name == "go.mod" and path.resolve() == go_mod.resolve()
            resolved.append(_follow_module_file(pin, path, target, own))
        else:
            resolved.append(_switched(_follow_version_file(pin, path, target, name)))
    return resolved


def switches_toolchain(pin: Pin) -> bool:
    """Whether the Go a setup-go pin installs switches to go.mod's toolchain by itself: up to
    v5 setup-go leaves GOTOOLCHAIN unset, so $GOROOT/go.env's `auto` applies to a Go from 1.21
    on, unless the job's env sets GOTOOLCHAIN to `local` or a version (v6 sets `local`)."""
    toolchain_first = setup_go_reads(pin.uses)[0]
    setting = (pin.gotoolchain or "").strip()
    automatic = setting in ("", "auto", "path") or setting.endswith(("+auto", "+path"))
    return (
        not toolchain_first
        and automatic
        and pin.version is not None
        and (pin.version.satisfies(_SWITCHING_GO))
    )


def _switched(pin: Pin) -> Pin:
    """A go-version (or .go-version) pin whose Go switches to go.mod's by itself
    (switches_toolchain) is marked so: the job runs go.mod's Go, as a go-version-file of the
    same setup-go does (trial 18: `go-version: 1.25.0` failed beside a `go-version-file:
    go.mod` that passed, both with v5 and Go 1.25.0 installed). Its version stays the one
    setup-go installs."""
    return replace(pin, switches=True) if switches_toolchain(pin) else pin


def _missing_file(pin: Pin, target: str, name: str, workspace: Path, go_mod: Path) -> Pin:
    """A go-version-file the repository does not hold. A go.mod or go.work is never made by a
    build step: where the job checks the repository out at the workspace's root, setup-go
    stops there ("The specified go version file at: ... does not exist") and the job never
    builds (trial 17: a warning only). A version file a step may write, or a path under a
    checkout moved into a folder, is not checked."""
    note = f"follows {target}, which does not exist in this checkout: not checked"
    if name not in ("go.mod", "go.work") or pin.checkout_moved:
        return replace(pin, note=note, unpinned=True)
    try:
        module = go_mod.relative_to(workspace).as_posix()
    except ValueError:
        module = ""
    fix = f"point it at this module's go.mod ({module})" if module else "fix the path"
    why = (
        f"setup-go's go-version-file names {target}, which this repository does not hold, "
        f'so setup-go stops there ("The specified go version file at: {target} does not '
        f'exist") and job {pin.job or "?"} never builds: {fix}'
    )
    return replace(pin, note=why, cannot_build=why)


def setup_go_reads(uses: str) -> tuple[bool, str, str]:
    """Whether the setup-go of `uses:` reads go.mod's `toolchain` line first, its name for a
    note (`setup-go v5`), and why that reading was assumed ("" for a version tag).

    A SHA or a branch names no version: it is read as v6 and later read go.mod, the reading
    of every setup-go released since v6.
    """
    ref = uses.partition("@")[2].strip()
    tag = _TAG_RE.fullmatch(ref)
    if tag:
        return int(tag.group(1)) >= FIRST_TOOLCHAIN_READER, f"setup-go {ref}", ""
    if not uses:
        return True, "setup-go", ""
    if not ref:
        return (
            True,
            "setup-go",
            f"{uses} names no version: read as setup-go v6 and later read go.mod",
        )
    why = f"@{ref} is no version tag: read as setup-go v6 and later read go.mod"
    return True, f"setup-go@{ref[:12]}", why


def _follow_module_file(pin: Pin, path: Path, target: str, own: bool) -> Pin:
    """A go.mod or go.work pin: the Go setup-go installs from the one line it reads."""
    try:
        text = read_text(path, target, GoModError)
        lines = gomod_pins(text, target)
    except GoModError as exc:
        return replace(pin, note=f"follows {exc}", unpinned=True)
    required = required_version(lines)
    toolchain_first, action, assumed = setup_go_reads(pin.uses)
    toolchain = _TOOLCHAIN_LINE_RE.search(text) if toolchain_first else None
    read = toolchain or _GO_LINE_RE.search(text)
    what = _what(target, own)
    if read is None:
        note = (
            f"follows {target}{what}, which has no `go` line {action} can read, so it installs "
            "no Go and the job uses whatever Go the runner has"
        )
        return replace(pin, note="; ".join(filter(None, [note, assumed])), unpinned=True)
    version, problem = setup_go_version(read.group(1))
    if version is None:
        note = f"follows {target}{what}: {problem}"
        return replace(pin, note="; ".join(filter(None, [note, assumed])), unpinned=True)
    if switches_toolchain(replace(pin, version=version)):
        # Up to v5 setup-go leaves GOTOOLCHAIN unset, and a Go from 1.21 on switches to the
        # toolchain the file names by itself (GOTOOLCHAIN=auto): the job builds with that one.
        version = max(version, required)
    if version.satisfies(required):  # it reads the line go.mod requires, or a higher one
        if own:  # the reader's "aligned by construction" holds: the pin needs no comparing
            return replace(pin, note="; ".join(filter(None, [pin.note, assumed])), unpinned=False)
        note = f"follows {target}{what}, which requires Go {version}"
    else:
        note = f"follows {target}{what}: {_misread(lines, bool(toolchain), action, version)}"
    note = "; ".join(filter(None, [note, assumed]))
    return replace(pin, version=version, note=note, unpinned=False)


def _what(target: str, own: bool) -> str:
    """How a note names the file: nothing for the project's go.mod, else what it is."""
    if own:
        return ""
    return ", another module's go.mod" if target.endswith("go.mod") else ", a workspace file"


def _misread(lines: list[Pin], toolchain: bool, action: str, version: GoVersion) -> str:
    """Why the line setup-go reads falls short of the one go.mod requires, and the fix."""
    go = next((p for p in lines if p.source == SOURCE_GO), None)
    higher = next((p for p in lines if p.source == SOURCE_TOOLCHAIN and p.version), None)
    if toolchain and go is not None:
        return (
            f"{action} installs its toolchain line, Go {version}, older than its `go {go.raw}` "
            f"line; raise the toolchain line (`go mod edit -toolchain=go{go.raw}`) or drop it"
        )
    if not toolchain and higher is not None:
        return (
            f"{action} reads only its `go` line, Go {version}, not its toolchain line "
            f"{higher.raw}; actions/setup-go@v6 and later install the toolchain line"
        )
    return f"{action} reads Go {version} from it, older than the Go it requires"


def _follow_version_file(pin: Pin, path: Path, target: str, name: str) -> Pin:
    try:
        text = read_text(path, target, WorkflowError)
    except WorkflowError as exc:
        return replace(pin, note=f"follows {exc}", unpinned=True)
    if name == ".tool-versions":
        # asdf's format: `<tool> <version> [fallbacks...]`; setup-go reads the golang line.
        match = re.search(r"^[ \t]*golang[ \t]+([^\s#]+)", text, re.MULTILINE)
        if match is None:
            note = f"follows {target}, which has no `golang <version>` line: not checked"
            return replace(pin, note=note, unpinned=True)
        spec = match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        where = f"{target}:{line}"
    else:
        spec = text.strip()
        where = target
    version, problem = setup_go_version(spec)
    note = f"follows {where}, which names {spec!r}" + (f"; {problem}" if problem else "")
    return replace(pin, version=version, note=note, unpinned=version is None)
