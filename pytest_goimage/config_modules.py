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


def dockerfile_beside_own_project(
    entries: tuple[Mapping[str, Any], Mapping[str, Any]],
    wheres: tuple[str, str],
    project: Path,
    rootdir: Path,
    source: Path,
) -> None:
    """Two entries that name one `dockerfile` but other `project`s meant each module's own
    Dockerfile (`project = "services/api"`, `dockerfile = "Dockerfile"`): a `dockerfile` stays
    relative to the top-level `project`, so both named the same file. ConfigError saying so,
    with the paths to write where those files exist; nothing where the projects agree."""
    projects = [entry.get("project") for entry in entries]
    if projects[0] == projects[1]:
        return
    dockerfile = str(entries[1]["dockerfile"])
    top = project.resolve()
    fixes = [
        f"{where}: dockerfile = {(own / dockerfile).relative_to(top).as_posix()!r}"
        for where, name in zip(wheres, projects, strict=True)
        if isinstance(name, str)
        for own in [(rootdir / name).resolve()]
        if (own / dockerfile).is_file() and own.is_relative_to(top)
    ]
    raise ConfigError(
        f"{source}: {wheres[1]} and {wheres[0]} both name dockerfile {dockerfile!r}, with "
        f"project {projects[1]!r} and {projects[0]!r}: a `dockerfile` (and `context`) stays "
        f"relative to the top-level `project` ({top}), not to the entry's own `project`, so "
        f"both name {top / dockerfile}. "
        + (f"Write {'; '.join(fixes)}." if fixes else "Name each image's own Dockerfile.")
    )
