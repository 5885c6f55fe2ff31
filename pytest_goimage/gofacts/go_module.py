"""A go.mod's `module` line, and the go.mod files of the modules below a folder (a monorepo's
services, each its own module)."""

from __future__ import annotations

import os
from pathlib import Path

# Folders that hold other people's modules or test fixtures, never the repository's own.
SKIPPED = frozenset({".git", "vendor", "node_modules", "testdata"})


def module_path(go_mod: Path) -> str | None:
    """The module path go.mod declares (`module example.com/x`, quoted or not); None when the
    file cannot be read or has no module line."""
    try:
        text = go_mod.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        words = line.split("//", 1)[0].split()
        if len(words) >= 2 and words[0] == "module":
            return words[1].strip('"`')
    return None


def go_mods_below(root: Path, depth: int = 4) -> list[Path]:
    """The go.mod files in `root` and up to `depth` folders below it, the shallowest first,
    skipping hidden folders, vendor/, node_modules/ and testdata/."""
    found = []
    for folder, dirs, files in os.walk(root):
        level = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not d.startswith("."))
        if level >= depth:
            dirs[:] = []
        if "go.mod" in files:
            found.append(Path(folder) / "go.mod")
    return sorted(found, key=lambda path: len(path.parts))
