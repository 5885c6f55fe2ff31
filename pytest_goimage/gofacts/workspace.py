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
from .dockerfile import Dockerfile
from .gomod_pins import gomod_pins
from .versions import SOURCE_CI_BUILD, SOURCE_DOCKERFILE, Pin, read_text
from .workflows.building_jobs import sets_workspace_off

WORK_FILE = "go.work"


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
    return set(use_lines(text, folder))


def use_lines(text: str, folder: Path) -> dict[Path, int]:
    """The module folders go.work's `use` lines and blocks name (`use(` and `( ./a )` as the
    go command's lexer reads them: parentheses are tokens of their own), each with the line
    that names it first."""
    lines = re.sub(r"//[^\n]*", "", text).replace("(", " ( ").replace(")", " ) ").split("\n")
    found: dict[Path, int] = {}
    block = False
    for number, line in enumerate(lines, 1):
        tokens = line.split()
        if tokens[:2] == ["use", "("]:
            block, tokens = True, tokens[2:]
        elif tokens[:1] == ["use"]:
            tokens = tokens[1:2]
        elif not block:
            continue
        for token in tokens:
            if token == ")":
                block = False
                break
            found.setdefault((folder / token.strip('"`')).resolve(), number)
    return found


def builds_in_workspace(
    parsed: Dockerfile, context: Path, workspace: Workspace, excluded: Callable[[str], bool]
) -> bool:
    """Whether a Dockerfile's build sees go.work: it is in the build context, its ignore file
    keeps it in, a COPY takes it, and no ENV, ARG or RUN sets GOWORK=off (comments do not)."""
    try:
        relative = workspace.path.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return False
    off = any(
        instruction.keyword in ("ENV", "ARG", "RUN") and sets_workspace_off(instruction.text)
        for instruction in parsed.instructions
    )
    if excluded(relative) or off:
        return False
    return takes(context_sources(parsed), relative)


def mark_workspace(
    pins: Sequence[Pin], workspace: Workspace, docker_builds: Callable[[Pin], bool]
) -> list[Pin]:
    """`pins` with those whose builds run in `workspace` marked: a CI pin whose job does not
    run Go with GOWORK=off, where git tracks go.work (a clean checkout has it); a Dockerfile,
    binary or CI image build pin where `docker_builds(pin)` says its build sees go.work."""
    marked = []
    for pin in pins:
        if pin.source in (SOURCE_DOCKERFILE, SOURCE_CI_BUILD):
            # A CI image build runs the Dockerfile's go, in the build's view of the checkout.
            inside = docker_builds(pin)
        else:
            inside = pin.source in CI_SOURCES and workspace.tracked and not pin.workspace_off
        marked.append(replace(pin, workspace=workspace.file) if inside else pin)
    return marked
