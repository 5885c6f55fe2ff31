"""A run without `[tool.goimage]`: why no table was read, and where go.mod was looked for."""

from __future__ import annotations

import re
from pathlib import Path

from .gofacts.discover import project_folders
from .gofacts.go_module import go_mods_below
from .gofacts.unreadable import file_problem


def no_table_note(source: Path) -> str:
    """Why no `[tool.goimage]` was read: `source` (the rootdir's pyproject.toml) is missing,
    or has no such table."""
    if source.is_file():
        return f"no [tool.goimage] table in {source}"
    return f"no pyproject.toml in the rootdir {source.parent}"


def no_go_module(rootdir: Path, source: Path) -> str:
    problem = file_problem(rootdir / "go.mod", str(rootdir / "go.mod"))
    if problem is not None:
        return f"{problem}."
    # Called when the rootdir itself has no go.mod: every one found is in a folder below it.
    below = [go_mod.parent.relative_to(rootdir).as_posix() for go_mod in go_mods_below(rootdir)[:3]]
    found = (
        f" go.mod was found in {', '.join(below)}: point `project` at the one to test."
        if below
        else gopath_note(rootdir)
    )
    return (
        f"{rootdir / 'go.mod'}: not found; with {no_table_note(source)}, pytest-goimage tests "
        "the Go module at pytest's rootdir (the folder of the first pyproject.toml, pytest.ini, "
        "tox.ini or setup.cfg above the arguments, else the folder pytest runs in). Run pytest "
        "in the folder that holds go.mod, or add to "
        f'{source} a [tool.goimage] table with project = "<folder with go.mod>".{found}'
        f"{moved_rootdir_note(rootdir)}"
    )


def moved_rootdir_note(rootdir: Path, here: Path | None = None) -> str:
    """` pytest ran in ..., whose pyproject.toml has a [tool.goimage] table, but ...`: where an
    argument outside the folder pytest runs in (a printed node id, `../../deploy/api.Dockerfile`)
    made a folder above it the rootdir, so that folder's configuration was not read (trial
    17); "" otherwise."""
    here = (here or Path.cwd()).resolve()
    pyproject = here / "pyproject.toml"
    if here == rootdir.resolve() or not here.is_relative_to(rootdir.resolve()):
        return ""
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    if not re.search(r"^\s*\[\[?\s*tool\.goimage\s*[\].]", text, re.M):
        return ""
    return (
        f" pytest ran in {here}, whose pyproject.toml has a [tool.goimage] table, but its "
        f"arguments made {rootdir} the rootdir (the folder they share, as no pytest "
        f"configuration file is above them): add --rootdir={here}."
    )


def gopath_note(folder: Path) -> str:
    """` It has .go files but no go.mod ...`: a GOPATH-mode project, and how to make it a Go
    module; "" where `folder` holds a go.mod below it or no Go code."""
    if go_mods_below(folder):
        return ""
    go_files = any(
        name.endswith(".go") for _, names in project_folders(folder, 4) for name in names
    )
    if not go_files:
        return ""
    return (
        " It has .go files but no go.mod anywhere: a GOPATH-mode project (GO111MODULE=off), "
        "which the go command has not built by default since Go 1.16, and pytest-goimage checks "
        "Go modules. Run `go mod init <import path>` (its path under $GOPATH/src, such as "
        "github.com/acme/svc) and `go mod tidy` there, and commit go.mod and go.sum."
    )


def modules_below(folder: Path, rootdir: Path) -> str:
    """` go.mod was found in ...`: the modules below `folder` (a monorepo, a go.work
    workspace), named from `rootdir` as `project` names them, and how to name each image's;
    "" where there is none (trial 13: a go.work repository's error named no module)."""
    below = [go_mod.parent.relative_to(rootdir).as_posix() for go_mod in go_mods_below(folder)]
    if not below:
        return ""
    shown = ", ".join(below[:5]) + (f" and {len(below) - 5} more" if len(below) > 5 else "")
    workspace = (
        " (go.work here lists the workspace's modules)" if (folder / "go.work").is_file() else ""
    )
    return (
        f" go.mod was found in {shown}{workspace}: an image of another module than the "
        "top-level `project` names its own `project` in its [[tool.goimage.image]] entry (where "
        "every image does, the top-level `project` may hold no go.mod)."
    )
