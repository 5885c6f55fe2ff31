"""The workflow files of a repository, and the Go version pins of all of them: each read with
the local composite actions its steps use and the calls the others make to it."""

from __future__ import annotations

from pathlib import Path

from ...errors import WorkflowError
from ..versions import Pin, read_text
from .callers import local_calls
from .composite import repository_actions
from .pins import workflow_pins


def read_workflows(root: Path, relative_to: Path | None = None) -> list[Pin]:
    """Pins of every `root/.github/workflows/*.yml|*.yaml`, named relative to `relative_to`.

    The local composite actions their steps use are read from `root` too.
    """
    load = repository_actions(root, relative_to or root)
    texts = [
        (read_text(path, name, WorkflowError), name, path)
        for path, name in workflow_files(root, relative_to)
    ]
    # A caller names the reusable workflow from the repository root: `./.github/workflows/x.yml`.
    calls = local_calls([(text, path.relative_to(root).as_posix()) for text, _, path in texts])
    pins: list[Pin] = []
    for text, name, path in texts:
        called = calls.get(path.relative_to(root).as_posix(), [])
        pins.extend(workflow_pins(text, name, load, called))
    return pins


def workflow_files(root: Path, relative_to: Path | None = None) -> list[tuple[Path, str]]:
    """(path, name relative to `relative_to`) of every workflow under `root/.github/workflows`."""
    directory = root / ".github" / "workflows"
    if not directory.is_dir():
        return []
    base = relative_to or root
    found = []
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".yml", ".yaml") or not path.is_file():
            continue
        try:
            name = path.relative_to(base).as_posix()
        except ValueError:
            name = str(path)
        found.append((path, name))
    return found
