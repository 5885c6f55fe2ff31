"""The order an image's dependencies start in: in waves, each once the dependencies it waits
for are ready, as compose starts services after those their `depends_on` names."""

from __future__ import annotations

from collections.abc import Sequence

from ..config_dependencies import DependencyConfig


def start_waves(dependencies: Sequence[DependencyConfig]) -> list[list[DependencyConfig]]:
    """`dependencies` in groups started at once, each after the ones before are ready: a
    dependency starts after those its `depends_on` names (a seed after its migration, a
    server that waits for a migration after it). A run-to-completion one (`ready = "exit"`)
    that names none waits for the servers that wait for no such one: a migration needs its
    database up, which is what compose's `depends_on` on it would say. Cycles were refused
    with the configuration."""
    by_name = {d.name: d for d in dependencies}
    one_shots = {d.name for d in dependencies if d.ready == "exit"}

    def waits_for_one_shot(name: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(
            other in one_shots or (other not in seen and waits_for_one_shot(other, seen | {name}))
            for other in by_name[name].depends_on
        )

    plain_servers = {
        d.name for d in dependencies if d.name not in one_shots and not waits_for_one_shot(d.name)
    }
    after = {
        d.name: set(d.depends_on or (plain_servers if d.name in one_shots else ()))
        for d in dependencies
    }
    waves: list[list[DependencyConfig]] = []
    ready: set[str] = set()
    pending = list(dependencies)
    while pending:
        wave = [d for d in pending if after[d.name] <= ready]
        if not wave:  # a cycle: refused by the configuration, so never here
            raise ValueError(f"dependencies wait for each other: {[d.name for d in pending]}")
        waves.append(wave)
        ready.update(d.name for d in wave)
        pending = [d for d in pending if d.name not in ready]
    return waves
