"""A go.mod `replace` that points at a folder the build does not have: a monorepo's
`replace example.com/lib => ../lib` builds on the laptop, where ../lib is beside the module,
and fails in a build whose context is the module's own folder, or whose Dockerfile has not
copied the folder yet when `go mod download` runs, or whose folder is a git submodule the
checkout left empty (a clone without --recurse-submodules)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..gofacts.go_module import go_mods_below
from .context import excluding_rule

# Go's words for a replacement folder that is not there (the go command 1.16 to 1.26).
_MISSING_REPLACEMENT = (
    re.compile(r"(\S+?)@\S+ \(replaced by (\S+)\): reading \S+: open \S+: no such file"),
    re.compile(r"(\S+?)@\S+: replacement directory (\S+) does not exist"),
)
_REPLACE_LINE = re.compile(r"^\s*(?:replace\s+)?(\S+)(?:\s+\S+)?\s+=>\s+(\S+)\s*(?://.*)?$")
_GITMODULES_PATH = re.compile(r"(?m)^\s*path\s*=\s*(.+?)\s*$")
SUBMODULE_FIX = (
    "run `git submodule update --init`, use `submodules: true` in actions/checkout, or "
    "GIT_SUBMODULE_STRATEGY: recursive in GitLab CI."
)


def missing_replacement(output: str) -> tuple[str, str] | None:
    """(module, replacement folder) when Go says a `replace` names a folder it cannot read."""
    for pattern in _MISSING_REPLACEMENT:
        found = pattern.search(output)
        if found:
            return found.group(1), found.group(2)
    return None


def replacement_hint(module: str, target: str, context: Path, dockerfile: Path) -> str:
    """Where the `replace` is written and why the build lacks its folder, with the fix."""
    written = _replace_directive(context, module, target)
    if written is None:
        return (
            f"A go.mod in the build has `replace {module} => {target}`, and the build has no "
            f"{target} beside that go.mod: COPY that folder into the builder before this step, "
            "at the same place relative to go.mod."
        )
    go_mod, line = written
    folder = (go_mod.parent / target).resolve()
    where = f"{_shown(go_mod, context)}:{line} replaces {module} with {target}"
    try:
        relative = folder.relative_to(context.resolve()).as_posix()
    except ValueError:
        return (
            f"{where}, and {folder} is outside the build context ({context}): the build never "
            "sees it. Build from a context that holds both modules (`context` in "
            "[tool.goimage], with the Dockerfile copying each to the same place relative to "
            "the other), vendor the dependency (`go mod vendor`), or require a published "
            "version instead of the replace."
        )
    if unchecked_submodule(folder):
        state = "empty" if folder.is_dir() else "missing"
        return (
            f"{where}, but {relative} is a git submodule that is not checked out ({state}): "
            f"{SUBMODULE_FIX}"
        )
    if not folder.is_dir():
        return f"{where}, and {relative}/ does not exist: restore it, or fix the replace."
    rule = excluding_rule(context, dockerfile, relative + "/go.mod")
    if rule:
        return f"{where}, and {rule} keeps {relative}/ out of the build context: narrow it."
    return (
        f"{where}: {relative}/ is in the build context, but not in the builder when this step "
        f"runs. COPY {relative}/ before it, to the same place relative to go.mod."
    )


def unchecked_submodule(folder: Path) -> bool:
    """Whether `folder` is the path of a git submodule that is not checked out: missing or
    empty, where the repository's index holds a submodule (a gitlink, as `git submodule
    status` lists it with a leading `-`), or, where git cannot say (no git, no repository),
    where a .gitmodules above it names it."""
    if folder.is_dir() and any(folder.iterdir()):
        return False
    above = next((parent for parent in folder.parents if parent.is_dir()), None)
    git = shutil.which("git")
    if above is not None and git is not None:
        listed = subprocess.run(
            [git, "-C", str(above), "ls-files", "--stage", "--", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if listed.returncode == 0:
            return listed.stdout.startswith("160000 ")
    for parent in folder.parents:
        gitmodules = parent / ".gitmodules"
        if gitmodules.is_file():
            text = gitmodules.read_text(encoding="utf-8", errors="replace")
            paths = _GITMODULES_PATH.findall(text)
            return any((parent / path).resolve() == folder.resolve() for path in paths)
    return False


def _replace_directive(context: Path, module: str, target: str) -> tuple[Path, int] | None:
    """The go.mod in the context (the shallowest first) and line that replaces `module` with
    `target`, in a `replace` line or block."""
    for go_mod in go_mods_below(context, depth=3):
        block = False
        text = go_mod.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            words = line.split("//", 1)[0].split()
            if words[:2] == ["replace", "("]:
                block = True
                continue
            if block and words == [")"]:
                block = False
                continue
            if not (block or words[:1] == ["replace"]):
                continue
            found = _REPLACE_LINE.match(line)
            if found and found.group(1) == module and found.group(2) == target:
                return go_mod, number
    return None


def _shown(path: Path, context: Path) -> str:
    return os.path.relpath(path, context) if path.is_relative_to(context) else str(path)
