"""engine/dependency_order.py: the waves an image's dependencies start in."""

from __future__ import annotations

from pytest_goimage.config_dependencies import DependencyConfig
from pytest_goimage.engine.dependency_order import start_waves


def dep(name: str, ready: str = "tcp", *after: str) -> DependencyConfig:
    return DependencyConfig(
        name=name, image=f"{name}:1", origin=name, ready=ready, depends_on=after
    )


def names(waves: list[list[DependencyConfig]]) -> list[list[str]]:
    return [[d.name for d in wave] for wave in waves]


def test_servers_start_at_once_and_a_migration_after_them() -> None:
    """Without depends_on, as before: every server at once, then the one-shots together."""
    deps = [dep("db"), dep("migrate", "exit"), dep("cache", "healthcheck"), dep("fixtures", "exit")]
    assert names(start_waves(deps)) == [["db", "cache"], ["migrate", "fixtures"]]


def test_a_seed_waits_for_its_migration_and_a_worker_for_the_seed() -> None:
    deps = [
        dep("db"),
        dep("seed", "exit", "migrate"),
        dep("migrate", "exit", "db"),
        dep("search", "http:/", "seed"),
        dep("cache"),
    ]
    assert names(start_waves(deps)) == [["db", "cache"], ["migrate"], ["seed"], ["search"]]


def test_a_one_shot_naming_nothing_waits_only_for_servers_that_wait_for_no_one_shot() -> None:
    """`search` waits for the migration; a one-shot without depends_on must not wait for
    `search` too (that would be a circle), only for `db`."""
    deps = [dep("db"), dep("migrate", "exit", "db"), dep("search", "tcp", "migrate")]
    deps.append(dep("warmup", "exit"))
    assert names(start_waves(deps)) == [["db"], ["migrate", "warmup"], ["search"]]


def test_nothing_to_start_is_no_wave() -> None:
    assert start_waves([]) == []
