"""A run without `[tool.goimage]`: why no table was read, and where go.mod was looked for."""

from __future__ import annotations

from pathlib import Path

from .gofacts.go_module import go_mods_below


def no_table_note(source: Path) -> str:
    """Why no `[tool.goimage]` was read: `source` (the rootdir's pyproject.toml) is missing,
    or has no such table."""
    if source.is_file():
        return f"no [tool.goimage] table in {source}"
    return f"no pyproject.toml in the rootdir {source.parent}"


def no_go_module(rootdir: Path, source: Path) -> str:
    # Called when the rootdir itself has no go.mod: every one found is in a folder below it.
    below = [go_mod.parent.relative_to(rootdir).as_posix() for go_mod in go_mods_below(rootdir)[:3]]
    found = (
        f" go.mod was found in {', '.join(below)}: point `project` at the one to test."
        if below
        else ""
    )
    return (
        f"{rootdir / 'go.mod'}: not found; with {no_table_note(source)}, pytest-goimage tests "
        "the Go module at pytest's rootdir (the folder of the first pyproject.toml, pytest.ini, "
        "tox.ini or setup.cfg above the arguments, else the folder pytest runs in). Run pytest "
        "in the folder that holds go.mod, or add to "
        f'{source} a [tool.goimage] table with project = "<folder with go.mod>".{found}'
    )
