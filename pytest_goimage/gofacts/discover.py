"""Walk a project the way discovery does (vendored, test-data and hidden folders skipped) and
find its Dockerfiles the way teams name them."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRS = frozenset({".git", "vendor", "node_modules", "testdata"})
# Containerfile is the same format under Podman/Buildah's name; BuildKit builds it alike.
_PATTERNS = (
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    "Containerfile",
    "Containerfile.*",
    "*.Containerfile",
)


# Names that match the patterns but are not Dockerfiles: docs, backups, templates that a
# tool renders into a Dockerfile, and BuildKit's per-Dockerfile ignore files.
_NOT_DOCKERFILES = (
    ".md", ".rst", ".txt", ".orig", ".bak", ".swp", "~",
    ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".in",
    ".dockerignore",
)  # fmt: skip


def is_dockerfile_name(name: str) -> bool:
    """True for `Dockerfile`, `Dockerfile.prod` and `api.Dockerfile`; false for docs, backups,
    templates (`Dockerfile.j2`) and ignore files (`Dockerfile.dockerignore`)."""
    if name.endswith(_NOT_DOCKERFILES):
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _PATTERNS)


def discover_dockerfiles(project: Path) -> list[str]:
    """Dockerfile paths below `project`, relative to it, in a stable order (top level first)."""
    found: list[str] = []
    for folder, filenames in project_folders(project):
        for name in sorted(filenames):
            if is_dockerfile_name(name):
                found.append((folder / name).relative_to(project).as_posix())
    return sorted(found, key=lambda p: (p.count("/"), p))


def project_folders(root: Path, depth: int | None = None) -> Iterator[tuple[Path, list[str]]]:
    """`root` and the folders below it (at most `depth` levels when given), each with its file
    names, in sorted order; never inside vendored or test-data trees, nor hidden folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        # Prune in place so os.walk never descends into vendored or test-data trees, nor into
        # hidden folders (.devcontainer, .github): their Dockerfiles are tooling, not images,
        # and the go command skips them too.
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        if depth is not None and len(Path(dirpath).relative_to(root).parts) >= depth:
            dirnames[:] = []
        yield Path(dirpath), filenames
