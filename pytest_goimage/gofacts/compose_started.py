"""Which services a `docker compose up SERVICE...` starts: those it names and, through their
`depends_on`, every service they wait for (compose starts those first, and builds them under
`--build` too). Read from the compose files as written; bake's print, which says what each
service builds, has no `depends_on`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from .compose_project import load_project
from .compose_yaml import ComposeError


def started_services(
    folder: Path, files: Sequence[str], named: Collection[str]
) -> frozenset[str] | None:
    """`named` and each service they depend on, directly or not, in the compose files `files`
    of `folder` (merged as `-f` merges them: a later file adds to a service's `depends_on`).
    None when a file cannot be read: then only the named ones are known."""
    waits_for: dict[str, set[str]] = {}
    for name in files:
        try:
            project = load_project(folder / name, {})
        except (ComposeError, OSError):
            return None
        for service, defined in project.defined.items():
            entry = defined.services.get(service)
            depends = entry.get("depends_on") if isinstance(entry, Mapping) else None
            waits_for.setdefault(service, set()).update(_names(depends))
    started: set[str] = set()
    pending = list(named)
    while pending:
        service = pending.pop()
        if service not in started:
            started.add(service)
            pending += waits_for.get(service, ())
    return frozenset(started)


def _names(depends: Any) -> list[str]:
    """The services of `depends_on`, short form (a list) or long (a mapping)."""
    if isinstance(depends, (list, Mapping)):
        return [name for name in depends if isinstance(name, str)]
    return []
