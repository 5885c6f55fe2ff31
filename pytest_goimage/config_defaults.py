"""A run without `[tool.goimage]`: why no table was read, where go.mod was looked for, and
the defaults the run uses instead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .build.discover import SKIPPED_DIRS
from .gofacts.units import format_size

if TYPE_CHECKING:
    from .config import GoImageConfig


def no_table_note(source: Path) -> str:
    """Why no `[tool.goimage]` was read: `source` (the rootdir's pyproject.toml) is missing,
    or has no such table."""
    if source.is_file():
        return f"no [tool.goimage] table in {source}"
    return f"no pyproject.toml in the rootdir {source.parent}"


def no_go_module(rootdir: Path, source: Path) -> str:
    below = _go_modules_below(rootdir)
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


def _go_modules_below(rootdir: Path, limit: int = 3) -> list[str]:
    """Up to `limit` folders below `rootdir` that hold a go.mod (relative, top level first),
    skipping the folders Dockerfile discovery skips."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(rootdir):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        if "go.mod" in filenames and Path(dirpath) != rootdir:
            found.append(Path(dirpath).relative_to(rootdir).as_posix())
            if len(found) == limit:
                break
    return found


def defaults_note(config: GoImageConfig) -> str:
    """The settings a run without `[tool.goimage]` uses, as the report header shows them."""
    image = config.images[0]
    return (
        f"project . (go.mod at {config.project / 'go.mod'}), dockerfiles discovered below it, "
        f"context ., size_budget {format_size(image.size_budget)}, size_tolerance "
        f"{image.size_tolerance:.0%}, health_path {image.health_path}, startup_timeout "
        f"{image.startup_timeout:g}s, port: the one the image EXPOSEs, no bucket (the bucket "
        "check is skipped), no env"
    )
