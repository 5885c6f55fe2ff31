"""setup-go `go-version-file` pins followed into the checkout: go.mod, go.work, .go-version
and .tool-versions, each read as setup-go reads it."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ...errors import GoModError, WorkflowError
from ..gomod_pins import gomod_pins
from ..versions import (
    SOURCE_SETUP_GO_FILE,
    Pin,
    read_text,
    required_version,
)
from .setup_go import setup_go_version


def follow_go_version_files(pins: list[Pin], workspace: Path, go_mod: Path) -> list[Pin]:
    """setup-go `go-version-file` pins resolved against the checkout (`workspace`, which holds
    `.github/`): the project's own go.mod is aligned by construction; another go.mod or a
    go.work pins the Go its `go`/`toolchain` lines require; `.go-version` pins its content and
    `.tool-versions` its `golang` line, each compared like any pin."""
    resolved: list[Pin] = []
    for pin in pins:
        target = pin.resolved
        if pin.source != SOURCE_SETUP_GO_FILE or not target:
            resolved.append(pin)
            continue
        path = workspace / target
        name = target.rsplit("/", 1)[-1]
        if name == "go.mod" and path.resolve() == go_mod.resolve():
            resolved.append(pin)
        elif not path.is_file():
            note = f"follows {target}, which does not exist in this checkout: not checked"
            resolved.append(replace(pin, note=note, unpinned=True))
        elif name in ("go.mod", "go.work"):
            try:
                text = read_text(path, target, GoModError)
                version = required_version(gomod_pins(text, target))
            except GoModError as exc:
                resolved.append(replace(pin, note=f"follows {exc}", unpinned=True))
                continue
            what = "another module's go.mod" if name == "go.mod" else "a workspace file"
            note = f"follows {target}, {what}, which requires Go {version}"
            resolved.append(replace(pin, version=version, note=note, unpinned=False))
        else:
            resolved.append(_follow_version_file(pin, path, target, name))
    return resolved


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
