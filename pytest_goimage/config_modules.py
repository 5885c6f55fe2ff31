"""`project`: the Go module root of the configuration and of each image, where go.mod is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .config_defaults import gopath_note, modules_below
from .config_keys import typed
from .errors import ConfigError
from .gofacts.unreadable import file_problem


def each_names_its_module(
    modules: Sequence[tuple[str, Path]], project: Path, rootdir: Path, source: Path
) -> None:
    """With no go.mod in the top-level `project`, every image (`modules`: its name and Go
    module root) must name its own module."""
    lacking = [name for name, module in modules if module == project]
    if lacking:
        shown = ", ".join(repr(name) for name in lacking)
        each = "it" if len(lacking) == 1 else "each"
        raise ConfigError(
            f"{source}: the top-level project {project} holds no go.mod, so each image names "
            f"the Go module its binary is built from, and {shown} "
            f"{'does' if len(lacking) == 1 else 'do'} not: give {each} a "
            "[[tool.goimage.image]] entry with its `dockerfile` and `project` (a folder with "
            "go.mod), or list in `dockerfiles` only the Dockerfiles to check."
            + modules_below(project, rootdir.resolve())
        )


def module_root(
    values: Mapping[str, Any],
    where: str,
    rootdir: Path,
    source: Path,
    *,
    images_name_theirs: bool = False,
) -> Path:
    """`project`: the folder below rootdir that holds go.mod (`images_name_theirs`: the
    top-level one of a repository whose image entries name their own, which may hold none)."""
    project_rel: str = typed(values, "project", str, ".", where, source)
    project: Path = (rootdir / project_rel).resolve()
    if not project.is_dir():
        raise ConfigError(
            f"{source}: {where} project = {project_rel!r} is not a directory below "
            f"{rootdir}; set it to the folder that holds go.mod."
        )
    if not (project / "go.mod").is_file() and not images_name_theirs:
        # A link to nothing or a folder called go.mod is no "no go.mod" (one a user may not
        # read is a file: go-version says so, reading it).
        problem = file_problem(project / "go.mod", str(project / "go.mod"))
        if problem is not None:
            raise ConfigError(f"{source}: {where} project = {project_rel!r}: {problem}.")
        raise ConfigError(
            f"{source}: no go.mod in the Go module root {project} ({where} project = "
            f"{project_rel!r}); point `project` at the folder that holds go.mod."
            + (modules_below(project, rootdir.resolve()) or gopath_note(project))
        )
    return project
