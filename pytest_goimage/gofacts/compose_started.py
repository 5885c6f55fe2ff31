"""Which services a compose command builds, from the compose files as written (bake's print,
which says what each service builds, has no `depends_on`, `profiles` or `image`):

- `docker compose build` without names: every service of an active profile (or of none);
  with names, those.
- `up`, `create` and `run` start the services they name (all of the active profiles without
  a name) and, unless `--no-deps`, every service those wait for through `depends_on`; each of
  them that has a `build:` is built, with `--build` or on a CI runner, which starts without
  its image (one with an `image:` too is pulled first, and built where that name is only this
  project's: which it is, the files do not say).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose_project import load_project
from .compose_variables import interpolate
from .compose_yaml import ComposeError


@dataclass
class ComposeServices:
    """Per service of the compose files (merged as `-f` merges them): what it waits for and
    its profiles."""

    waits_for: dict[str, set[str]] = field(default_factory=dict)
    profiles: dict[str, set[str]] = field(default_factory=dict)

    def started(
        self, named: Collection[str], active: Collection[str], dependencies: bool
    ) -> set[str]:
        """The services `up NAMED` starts: those named (none: every one of an active profile
        or of none) and, with `dependencies`, those they wait for, directly or not."""
        every = "*" in active  # `--profile "*"`
        pending = list(named) or [
            name
            for name, profiles in self.profiles.items()
            if not profiles or every or profiles & set(active)
        ]
        started: set[str] = set()
        while pending:
            service = pending.pop()
            if service not in started:
                started.add(service)
                pending += self.waits_for.get(service, ()) if dependencies else ()
        return started


def read_services(
    folder: Path,
    files: Sequence[str],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str] | None = None,
) -> ComposeServices | None:
    """The services of the compose files `files` of `folder`, their variables `environ` then
    `dotenv` (what the command's env files set; None: the `.env` beside each file). A file
    that cannot be read as a project of its own (an override that only adds `networks:`) adds
    nothing; None when none can be read."""
    services = ComposeServices()
    read = False
    for name in files:
        try:
            project = load_project(folder / name, environ, dotenv)
        except (ComposeError, OSError):
            continue
        read = True
        for service in project.defined:
            try:
                entry, variables, _ = project.service(service)  # its `extends` merged in
            except ComposeError:
                continue
            services.waits_for.setdefault(service, set()).update(
                _texts(entry.get("depends_on"), variables)
            )
            profiles = services.profiles.setdefault(service, set())
            profiles.update(_texts(entry.get("profiles"), variables))
    return services if read else None


def _texts(value: Any, variables: Mapping[str, str]) -> list[str]:
    """The names of a list (or a mapping's keys: `depends_on`'s long form), interpolated."""
    if not isinstance(value, (list, Mapping)):
        return []
    names = []
    for name in value:
        if isinstance(name, str):
            try:
                names.append(interpolate(name, variables))
            except ComposeError:
                continue
    return names
