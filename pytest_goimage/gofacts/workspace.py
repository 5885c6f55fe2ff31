"""go.work: the workspace a module is built in. In workspace mode the go command needs a Go at
least as new as go.work's `go` line, and go.work's `toolchain` line (not go.mod's) chooses the
toolchain: `go: ../go.work requires go >= 1.27.0 (running go 1.26.8; GOTOOLCHAIN=local)`. A CI
job or a Dockerfile that builds inside a committed workspace must reach that requirement."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import GoModError
from .ci_ignore import CI_SOURCES
from .context_sources import context_sources, takes
from .dockerfile import parse_dockerfile_leniently
from .gomod_pins import gomod_pins
from .versions import SOURCE_BINARY, SOURCE_DOCKERFILE, Pin, read_text

WORK_FILE = "go.work"
# GOWORK=off (or an empty workspace path) in a workflow, pipeline or Dockerfile: no workspace.
_WORKSPACE_OFF = re.compile(r"""\bGOWORK\s*[=:]\s*["']?off\b""")


@dataclass(frozen=True)
class Workspace:
    """The go.work that `project` builds in: where it is, its go/toolchain lines (as go.mod
    pins, named by `file`), and whether git tracks it (else a clean checkout lacks it)."""

    path: Path
    file: str
    pins: list[Pin]
    tracked: bool


def workspace_of(
    project: Path, top: Path, name: Callable[[Path], str], tracked: Callable[[Path], bool]
) -> Workspace | None:
    """The go.work the go command finds from `project` (in it or a folder above, up to `top`,
    the repository's top folder), when its `use` lists `project`; None else. `name` gives a
    path's name for messages, `tracked` whether git tracks a file. GoModError when it cannot
    be read."""
    project = project.resolve()
    for folder in (project, *project.parents):
        path = folder / WORK_FILE
        if path.is_file():
            text = read_text(path, name(path), GoModError)
            if project not in _used(text, folder):
                return None  # the go command refuses to build there; the build says so
            pins = [replace(pin, file=name(path)) for pin in gomod_pins(text, name(path))]
            return Workspace(path, name(path), pins, tracked(path))
        if folder == top.resolve():
            break
    return None


def _used(text: str, folder: Path) -> set[Path]:
    """The module folders go.work's `use` lines and blocks name."""
    found: set[Path] = set()
    block = False
    for line in text.splitlines():
        words = line.split("//", 1)[0].split()
        if words[:2] == ["use", "("]:
            block = True
        elif block and words == [")"]:
            block = False
        elif block and words:
            found.add((folder / words[0].strip('"`')).resolve())
        elif words[:1] == ["use"] and len(words) == 2:
            found.add((folder / words[1].strip('"`')).resolve())
    return found


def builds_in_workspace(
    dockerfile_text: str, context: Path, workspace: Workspace, excluded: Callable[[str], bool]
) -> bool:
    """Whether a Dockerfile's build sees go.work: it is in the build context, its ignore file
    keeps it in, a COPY takes it, and nothing in the Dockerfile sets GOWORK=off."""
    try:
        relative = workspace.path.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return False
    if excluded(relative) or _WORKSPACE_OFF.search(dockerfile_text):
        return False
    return takes(context_sources(parse_dockerfile_leniently(dockerfile_text)), relative)


def mark_workspace(
    pins: Sequence[Pin], workspace: Workspace, root: Path, docker_builds: Callable[[Pin], bool]
) -> list[Pin]:
    """`pins` with those whose builds run in `workspace` marked: a CI pin whose file does not
    turn the workspace off, where git tracks go.work (a clean checkout has it); a Dockerfile
    or binary pin where `docker_builds(pin)` says its build sees go.work."""
    marked = []
    for pin in pins:
        if pin.source in CI_SOURCES:
            text = _text(root / pin.file) if workspace.tracked else None
            inside = text is not None and not _WORKSPACE_OFF.search(text)
        else:
            inside = pin.source in (SOURCE_DOCKERFILE, SOURCE_BINARY) and docker_builds(pin)
        marked.append(replace(pin, workspace=workspace.file) if inside else pin)
    return marked


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
