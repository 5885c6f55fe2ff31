"""`[tool.goimage.dependencies.NAME]` and `compose_file`/`compose_services`: the containers a
service needs besides MinIO (PostgreSQL, Redis ...), validated into DependencyConfig.

A dependency starts on the image's private network under the alias NAME, so `{NAME.host}`,
`{NAME.port}` and `{NAME.endpoint}` are known before anything runs: they are checked here,
with the MinIO placeholders, like every other key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config_keys import (
    BUCKET_PLACEHOLDER,
    PLACEHOLDERS,
    check_placeholders,
    did_you_mean,
    env_table,
    parsed,
    reject_unknown,
    toml_kind,
    typed,
)
from .errors import ConfigError
from .gofacts.compose import ComposeError, ComposeHealthcheck, ComposeService, read_compose
from .gofacts.units import parse_duration

DEPENDENCY_KEYS = frozenset(
    {"image", "env", "command", "entrypoint", "port", "ready", "startup_timeout", "depends_on"}
)
DEPENDENCY_FIELDS = ("host", "port", "endpoint")  # {NAME.host}, {NAME.port}, {NAME.endpoint}
DEFAULT_DEPENDENCY_TIMEOUT = "60s"
READY_FORMS = '"tcp" (the default), "http:/path", "log:TEXT", "healthcheck" or "exit"'
# A network alias that is also the first word of a placeholder: no dots, no upper case.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_RESERVED = frozenset({"minio", "bucket"})


@dataclass(frozen=True)
class DependencyConfig:
    """One container started beside MinIO before the service, reachable as `name`."""

    name: str
    image: str
    origin: str  # where it was declared, for messages
    env: Mapping[str, str] = field(default_factory=dict)
    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    port: int | None = None  # the container port; None: the image's single EXPOSEd one
    ready: str = "tcp"
    startup_timeout: float = 60.0
    healthcheck: ComposeHealthcheck | None = None  # from the compose file
    # The dependencies it starts after, once they are ready (a seed after its migration).
    depends_on: tuple[str, ...] = ()

    def placeholders(self, port: int | None = None) -> dict[str, str]:
        """`{NAME.*}` as a container on the image's network reaches it."""
        port = port if port is not None else self.port
        values = {f"{self.name}.host": self.name}
        if port is not None:
            values[f"{self.name}.port"] = str(port)
            values[f"{self.name}.endpoint"] = f"{self.name}:{port}"
        return values


def merge_dependencies(shared: object, own: object) -> object:
    """An image's `dependencies` table on top of the shared one: a name it repeats is merged
    key by key (its `env` too, as the top-level `env` is), and `NAME = false` leaves that
    shared dependency out for the image (a name nothing declares stays, to be refused)."""
    if not isinstance(shared, dict) or not isinstance(own, dict):
        return own
    merged: dict[str, Any] = dict(shared)
    for name, entry in own.items():
        base = merged.get(name)
        if entry is False and name in merged:
            merged.pop(name)
        elif isinstance(entry, dict) and isinstance(base, dict):
            merged[name] = {**base, **entry}
            if isinstance(base.get("env"), dict) and isinstance(entry.get("env"), dict):
                merged[name]["env"] = {**base["env"], **entry["env"]}
        else:
            merged[name] = entry
    return merged


def image_dependencies(
    values: Mapping[str, Any], where: str, src: Path, project: Path
) -> tuple[DependencyConfig, ...]:
    """The dependencies of one image (its merged values), compose services first."""
    table = values.get("dependencies", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{src}: {where} key 'dependencies' must be a table of tables "
            f"([tool.goimage.dependencies.NAME]), got {toml_kind(table)}."
        )
    compose = _compose_services(values, where, src, project)
    names = [*compose, *(n for n in table if n not in compose)]
    # A dependency's env may name the dependencies (a DSN) and the bucket (a bucket-creating
    # side container); MinIO is the service's affair.
    bucket = values.get("bucket")
    has_bucket = bucket is not None and bucket is not False
    known = (*_fields_of(names), *((BUCKET_PLACEHOLDER,) if has_bucket else ()))
    result = []
    for name in names:
        entry = table.get(name, {})
        if entry is False and name not in compose:
            declared = sorted({*compose, *(n for n, e in table.items() if e is not False)})
            hint = did_you_mean(name, declared)
            raise ConfigError(
                f"{src}: {where} dependencies.{name} = false leaves out a dependency that "
                f"nothing declares{hint}; name one of the shared dependencies or compose "
                "services, or remove the line."
            )
        if entry is False:
            continue
        compose_file = str(values.get("compose_file", ""))
        service = compose.get(name)
        result.append(_dependency(name, entry, service, where, src, known, bucket, compose_file))
    return _checked_order(tuple(result), table, where, src)


def _checked_order(
    dependencies: tuple[DependencyConfig, ...], table: Mapping[str, Any], where: str, src: Path
) -> tuple[DependencyConfig, ...]:
    """The dependencies with `depends_on` kept to the image's own: a name the table writes
    must be one of them; one a compose file names and the image does not start is left out
    (compose would start it; here it is not asked for). A cycle is refused."""
    names = {d.name for d in dependencies}
    kept = []
    for dependency in dependencies:
        entry = table.get(dependency.name)
        if isinstance(entry, dict) and "depends_on" in entry:
            unknown = [n for n in dependency.depends_on if n not in names or n == dependency.name]
            if unknown and unknown[0] == dependency.name:
                others = sorted(names - {dependency.name})
                rest = f"name one of {others}, or none" if others else "remove depends_on"
                raise ConfigError(
                    f"{src}: {where} dependencies.{dependency.name} depends_on names "
                    f"{dependency.name!r} itself, so it would wait for its own start; {rest}."
                )
            if unknown:
                hint = did_you_mean(unknown[0], sorted(names - {dependency.name}))
                raise ConfigError(
                    f"{src}: {where} dependencies.{dependency.name} depends_on names "
                    f"{unknown[0]!r}, which is not another dependency of this image{hint}; "
                    f"name one of {sorted(names - {dependency.name})}."
                )
        after = tuple(n for n in dependency.depends_on if n in names and n != dependency.name)
        kept.append(replace(dependency, depends_on=after))
    cycle = _cycle({d.name: d.depends_on for d in kept})
    if cycle:
        raise ConfigError(
            f"{src}: {where} dependencies wait for each other in a circle "
            f"({' -> '.join(cycle)}), so none could start; remove one of those depends_on."
        )
    return tuple(kept)


def _cycle(after: Mapping[str, tuple[str, ...]]) -> list[str]:
    """A chain of names that leads back to its first (`depends_on` in a circle), or []."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str]:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return []
        for other in after.get(name, ()):
            found = visit(other, [*path, name])
            if found:
                return found
        done.add(name)
        return []

    for name in after:
        found = visit(name, [])
        if found:
            return found
    return []


def _fields_of(names: list[str]) -> tuple[str, ...]:
    return tuple(f"{name}.{f}" for name in names for f in DEPENDENCY_FIELDS)


def dependency_placeholders(dependencies: tuple[DependencyConfig, ...]) -> tuple[str, ...]:
    """`{NAME.host}`, `{NAME.port}`, `{NAME.endpoint}` of each dependency: what a dependency's
    own env may use."""
    return _fields_of([d.name for d in dependencies])


def known_placeholders(dependencies: tuple[DependencyConfig, ...]) -> tuple[str, ...]:
    """Every placeholder `[tool.goimage.env]` may use beside these dependencies."""
    return (*PLACEHOLDERS, *dependency_placeholders(dependencies))


def service_env(
    values: Mapping[str, Any], where: str, src: Path, dependencies: tuple[DependencyConfig, ...]
) -> dict[str, str]:
    """The service's `env`, its placeholders checked: also none of a dependency that runs to
    completion (`ready = "exit"`), which has exited before the service starts."""
    env = env_table(values, where, src, known_placeholders(dependencies))
    for dependency in dependencies:
        if dependency.ready != "exit":
            continue
        for name, value in env.items():
            used = [f for f in DEPENDENCY_FIELDS if f"{{{dependency.name}.{f}}}" in value]
            if used:
                raise ConfigError(
                    f"{src}: {where} env.{name} uses {{{dependency.name}.{used[0]}}}, but "
                    f'{dependency.origin} runs to completion (ready = "exit") and has exited '
                    "before the service starts, so nothing answers there. Point the service at "
                    "the server it needs, or give that dependency a `ready` test for a server."
                )
    return env


def _check_name(name: str, where: str, src: Path) -> None:
    if not _NAME.match(name) or name in _RESERVED:
        why = (
            "is taken (MinIO's alias, or the bucket placeholder)"
            if name in _RESERVED
            else "is not a usable network alias (lowercase letters, digits, '-' and '_', no dots)"
        )
        raise ConfigError(
            f"{src}: {where} dependency name {name!r} {why}; the service reaches a dependency by "
            "its name, so rename it (the compose service or the table)."
        )


def _dependency(
    name: str,
    entry: object,
    compose: ComposeService | None,
    where: str,
    src: Path,
    known: tuple[str, ...],
    bucket: object,
    compose_file: str = "",
) -> DependencyConfig:
    """One dependency's table; `known` and `bucket` say which placeholders its env, command
    and entrypoint may use (its image's bucket, and the dependencies' addresses)."""
    dep_where = f"{where} dependencies.{name}"
    _check_name(name, where, src)
    if not isinstance(entry, dict):
        raise ConfigError(
            f"{src}: {dep_where} must be a table (image, env, command, port, ready, "
            f"startup_timeout, depends_on), got {toml_kind(entry)}."
        )
    reject_unknown(entry, DEPENDENCY_KEYS, dep_where, src)
    image = typed(entry, "image", str, compose.image if compose else None, dep_where, src)
    if not image:
        raise ConfigError(
            f'{src}: {dep_where} needs an `image` (e.g. image = "redis:7"), or name a service '
            "of `compose_file` in `compose_services`."
        )
    env = dict(compose.environment) if compose else {}
    env.update(env_table(entry, dep_where, src, known, bucket))
    words = {
        key: _words(entry, key, getattr(compose, key) if compose else None, dep_where, src)
        for key in ("command", "entrypoint")
    }
    for key, given in words.items():
        for word in given or ():
            check_placeholders(word, key, dep_where, src, known, bucket)
    port = typed(entry, "port", int, compose.port if compose else None, dep_where, src)
    if port is not None and not 0 < port < 65536:
        raise ConfigError(f"{src}: {dep_where} port = {port} is not a TCP port (1-65535).")
    healthcheck = compose.healthcheck if compose else None
    implied = "exit" if compose and compose.run_to_completion else None
    implied = implied or ("healthcheck" if healthcheck else "tcp")
    ready = typed(entry, "ready", str, implied, dep_where, src)
    _check_ready(ready, dep_where, src)
    return DependencyConfig(
        name=name,
        image=image,
        origin=_origin(name, entry, compose_file, dep_where) if compose else dep_where,
        env=env,
        command=words["command"],
        entrypoint=words["entrypoint"],
        port=port,
        ready=ready,
        startup_timeout=parsed(
            entry,
            "startup_timeout",
            parse_duration,
            DEFAULT_DEPENDENCY_TIMEOUT,
            dep_where,
            src,
        ),
        healthcheck=healthcheck,
        depends_on=_names(entry, compose.depends_on if compose else (), dep_where, src),
    )


def _origin(name: str, entry: Mapping[str, Any], compose_file: str, where: str) -> str:
    """Where a compose service's dependency is written: the compose file's service, and the
    table that refines it where there is one (trial 18: a seed job's failure named a
    `[tool.goimage] dependencies.seed` table the project does not have)."""
    service = f"{compose_file} service {name!r}"
    return f"{service}, refined by {where}" if entry else service


def _check_ready(ready: str, where: str, src: Path) -> None:
    kind, _, arg = ready.partition(":")
    if ready in ("tcp", "healthcheck", "exit"):
        return
    if kind == "http" and arg.startswith("/"):
        return
    if kind == "log" and arg.strip():
        return
    hint = did_you_mean(kind, ["tcp", "http", "log", "healthcheck", "exit"])
    raise ConfigError(
        f"{src}: {where} ready = {ready!r} is not a readiness test{hint}; use {READY_FORMS}."
    )


def _names(
    entry: Mapping[str, Any], default: tuple[str, ...], where: str, src: Path
) -> tuple[str, ...]:
    value = entry.get("depends_on")
    if value is None:
        return default
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(
        f"{src}: {where} key 'depends_on' must be a list of dependency names, such as "
        f'["db"], got {value!r}.'
    )


def _words(
    entry: Mapping[str, Any],
    key: str,
    default: tuple[str, ...] | None,
    where: str,
    src: Path,
) -> tuple[str, ...] | None:
    value = entry.get(key)
    if value is None:
        return default
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(
        f"{src}: {where} key {key!r} must be a list of strings in exec form, such as "
        f'["redis-server", "--appendonly", "no"], got {toml_kind(value)}.'
    )


def _compose_services(
    values: Mapping[str, Any], where: str, src: Path, project: Path
) -> dict[str, ComposeService]:
    compose_file = typed(values, "compose_file", str, None, where, src)
    services = values.get("compose_services")
    if compose_file is None:
        if services is not None:
            raise ConfigError(
                f"{src}: {where} compose_services is set but no compose_file; set "
                'compose_file = "docker-compose.yml" (relative to the Go module root).'
            )
        return {}
    if (
        not isinstance(services, list)
        or not services
        or not all(isinstance(s, str) and s for s in services)
    ):
        raise ConfigError(
            f"{src}: {where} compose_file = {compose_file!r} needs compose_services, the list "
            'of its services the image needs (e.g. ["db", "redis"]); got '
            f"{services!r}."
        )
    path = project / compose_file
    if not path.is_file():
        raise ConfigError(
            f"{src}: {where} compose_file = {compose_file!r} does not exist (looked for {path})."
        )
    try:
        return read_compose(path, list(services), os.environ)
    except ComposeError as exc:
        raise ConfigError(f"{path}: {exc} (named by {where} in {src}).") from None
