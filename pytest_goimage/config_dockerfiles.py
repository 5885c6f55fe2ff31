"""Which Dockerfiles `[tool.goimage]` names: the `dockerfiles` list (else those discovered below
the project) plus the per-image entries', each once, and each a file that exists."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .gofacts.discover import discover_dockerfiles


def normalise(path: str) -> str:
    """A path as the configuration compares them: `./Dockerfile` and `Dockerfile` are one."""
    return Path(path).as_posix().removeprefix("./") or "."


def listed_dockerfiles(
    table: Mapping[str, Any], entries: Iterable[str], project: Path, where: str, source: Path
) -> list[str]:
    """`dockerfiles` (each once), else the Dockerfiles below `project`, then the per-image
    `entries` not among them; ConfigError when that leaves none."""
    if "dockerfiles" in table:
        listed = table["dockerfiles"]
        if not isinstance(listed, list) or not all(isinstance(d, str) for d in listed):
            raise ConfigError(
                f"{source}: {where} key `dockerfiles` must be a list of paths, got {listed!r}."
            )
        dockerfiles = [normalise(d) for d in listed]
        repeated = sorted({d for d in dockerfiles if dockerfiles.count(d) > 1})
        if repeated:
            raise ConfigError(
                f"{source}: {where} key `dockerfiles` lists {', '.join(map(repr, repeated))} "
                "more than once; each Dockerfile is built and checked once, so list it once."
            )
    else:
        dockerfiles = discover_dockerfiles(project)
    dockerfiles += [d for d in entries if d not in dockerfiles]
    if not dockerfiles:
        raise ConfigError(
            f"{source}: no Dockerfile found below {project}; list them in [tool.goimage] "
            "dockerfiles = [...]."
        )
    return dockerfiles


def dockerfile_file(dockerfile: str, project: Path, where: str, source: Path) -> Path:
    """The Dockerfile's path; ConfigError naming what is there instead (a folder, a dangling
    link, nothing: then the closest name found below the project)."""
    path = project / dockerfile
    if path.is_dir():
        raise ConfigError(
            f"{source}: Dockerfile {dockerfile!r} is a directory ({path}); name the Dockerfile "
            "inside it in [tool.goimage]."
        )
    if path.is_symlink() and not path.exists():
        raise ConfigError(
            f"{source}: Dockerfile {dockerfile!r} is a symbolic link to {os.readlink(path)}, "
            f"which does not exist; fix the link or the path in {where}."
        )
    if not path.is_file():
        found = discover_dockerfiles(project)
        close = difflib.get_close_matches(dockerfile, found, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        listing = f" Dockerfiles found below {project}: {', '.join(found[:8])}." if found else ""
        raise ConfigError(
            f"{source}: Dockerfile {dockerfile!r} does not exist (looked for {path}); fix the path "
            f"in {where} or remove it.{hint}{listing}"
        )
    return path
