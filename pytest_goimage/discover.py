"""Find the Dockerfiles of a project the way teams name them."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

SKIPPED_DIRS = frozenset({".git", "vendor", "node_modules", "testdata"})
_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile")


def is_dockerfile_name(name: str) -> bool:
    """True for `Dockerfile`, `Dockerfile.prod` and `api.Dockerfile` (not `Dockerfile.md`-like docs)."""
    if name.endswith((".md", ".txt", ".orig", ".bak", ".swp", "~")):
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _PATTERNS)


def discover_dockerfiles(project: Path) -> list[str]:
    """Dockerfile paths below `project`, relative to it, in a stable order (top level first)."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(project):
        # Prune in place so os.walk never descends into vendored or test-data trees.
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if is_dockerfile_name(name):
                found.append(Path(dirpath, name).relative_to(project).as_posix())
    return sorted(found, key=lambda p: (p.count("/"), p))
