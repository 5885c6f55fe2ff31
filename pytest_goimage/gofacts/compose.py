"""A project's own docker-compose file, read for the services it names: image, environment,
command, entrypoint, container port and healthcheck, as `docker compose` would start them.

Variables are interpolated the way the Compose specification says (`$VAR`, `${VAR}`,
`${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+other}`, `$$`), from the
environment first and then the `.env` file beside the compose file. The files it `include`s
and the services its services `extends` count, as compose_project.py puts them together. What
the plugin cannot do (a service that builds its own image) is an error that says so, never a
silent guess.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .compose_project import as_list, load_project
from .compose_variables import interpolate as interpolate
from .compose_variables import read_dotenv as read_dotenv
from .compose_yaml import ComposeError as ComposeError
from .compose_yaml import compose_bool, compose_int, compose_text
from .units import parse_duration


@dataclass(frozen=True)
class ComposeHealthcheck:
    """A service's healthcheck in the Engine API's terms (durations in seconds)."""

    test: tuple[str, ...]  # ("CMD", ...) or ("CMD-SHELL", "...")
    interval: float | None = None
    timeout: float | None = None
    retries: int | None = None
    start_period: float | None = None

    def engine_form(self) -> dict[str, Any]:
        """The `healthcheck` argument of docker-py's containers.create (nanoseconds)."""
        result: dict[str, Any] = {"test": list(self.test)}
        for key in ("interval", "timeout", "start_period"):
            value = getattr(self, key)
            if value is not None:
                result[key] = int(value * 1_000_000_000)
        if self.retries is not None:
            result["retries"] = self.retries
        return result


@dataclass(frozen=True)
class ComposeService:
    """What the plugin takes from one compose service."""

    name: str
    image: str
    environment: Mapping[str, str] = field(default_factory=dict)
    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    port: int | None = None  # the first container port of `ports`, else of `expose`
    healthcheck: ComposeHealthcheck | None = None
    # Another service waits for it to exit 0 (`service_completed_successfully`): a migration.
    run_to_completion: bool = False
    depends_on: tuple[str, ...] = ()  # the services its `depends_on` names, in that order


def read_compose(
    path: Path, wanted: list[str], environ: Mapping[str, str]
) -> dict[str, ComposeService]:
    """The services `wanted` of the compose file at `path` or of a file it includes, with their
    `extends` chains merged, in that order. ComposeError says what cannot be used and where."""
    project = load_project(path, environ)
    result: dict[str, ComposeService] = {}
    for name in wanted:
        entry, variables, where = project.service(name)
        try:
            service = _service(name, entry, variables)
        except ComposeError as exc:
            raise ComposeError(f"{where}{exc}") from None
        result[name] = replace(
            service,
            run_to_completion=project.run_to_completion(name),
            depends_on=_depends_on(name, entry.get("depends_on")),
        )
    return result


def _depends_on(name: str, value: object) -> tuple[str, ...]:
    """The names of `depends_on`, in its short form (a list) or long form (a mapping)."""
    if value is None:
        return ()
    names = list(value) if isinstance(value, (list, dict)) else None
    if names is None or not all(isinstance(n, str) for n in names):
        raise ComposeError(
            f"service {name!r}: depends_on must be a list of service names or a mapping of "
            f"them, got {value!r}"
        )
    return tuple(names)


def _service(name: str, entry: Mapping[str, Any], variables: Mapping[str, str]) -> ComposeService:
    def text(value: object, what: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            # An environment's values hold passwords: their type only, never their text.
            shown = f"a {type(value).__name__}" if "environment" in what else repr(value)
            raise ComposeError(f"service {name!r}: {what} must be a string, got {shown}; quote it")
        return interpolate(compose_text(value), variables)

    _refuse_bind_mounts(name, entry.get("volumes"), variables)
    image = entry.get("image")
    if image is None:
        why = "builds its image (`build:`)" if "build" in entry else "names no `image`"
        raise ComposeError(
            f"service {name!r} {why}; pytest-goimage starts dependencies from images, so give "
            "it an `image` that is on the engine"
        )
    environment: dict[str, str] = {}
    for env_file in entry.get("env_file", []):
        if env_file.required and not env_file.path.is_file():
            raise ComposeError(
                f"service {name!r}: env_file {env_file.path} does not exist (compose stops on it "
                "too); create it, or mark it `required: false`"
            )
        environment.update(read_dotenv(env_file.path))

    def from_environ(key: str) -> None:
        # A bare name takes the variable's value, and unsets the name where it has none (an
        # env_file's or a base service's value too), as compose does.
        if key in variables:
            environment[key] = variables[key]
        else:
            environment.pop(key, None)

    raw_env = entry.get("environment") or {}
    if isinstance(raw_env, list):
        for item in raw_env:
            key, sep, value = text(item, "an environment entry").partition("=")
            if sep:
                environment[key] = value
            else:
                from_environ(key)
    elif isinstance(raw_env, dict):
        for key, value in raw_env.items():
            if value is None:
                from_environ(str(key))
                continue
            if isinstance(value, bool):  # compose writes a boolean as true or false
                environment[str(key)] = str(value).lower()
                continue
            environment[str(key)] = text(value, f"environment {key}")
    else:
        raise ComposeError(f"service {name!r}: `environment` must be a mapping or a list")
    return ComposeService(
        name=name,
        image=text(image, "image"),
        environment=environment,
        command=_words(entry.get("command"), name, "command", variables),
        entrypoint=_words(entry.get("entrypoint"), name, "entrypoint", variables),
        port=_first_port(entry, name, variables),
        healthcheck=_healthcheck(entry.get("healthcheck"), name, variables),
    )


def _refuse_bind_mounts(name: str, volumes: object, variables: Mapping[str, str]) -> None:
    """Named volumes are left out on purpose (each image gets fresh state); a bind mount of
    the project's files (init scripts, configuration) changes what the server does, and the
    plugin does not mount host folders (the engine may be on another machine)."""
    for volume in as_list(volumes):
        # Interpolated first, as compose does: `${PWD}/init.sql:/...` is a bind mount too.
        if isinstance(volume, dict):
            kind, source = volume.get("type"), volume.get("source")
            if isinstance(source, str):
                source = interpolate(source, variables)
        else:
            kind, source = None, interpolate(str(volume), variables).split(":")[0]
        if kind == "bind" or (isinstance(source, str) and source.startswith((".", "/", "~"))):
            raise ComposeError(
                f"service {name!r} bind-mounts {source} (`volumes`), which pytest-goimage does "
                "not do: the engine may be on another machine. Build an image that holds "
                "those files (FROM the same image, COPY them in) and name it in `image`"
            )


def _words(
    value: object, name: str, key: str, variables: Mapping[str, str]
) -> tuple[str, ...] | None:
    """`command`/`entrypoint`: a list as is, a string split the way compose splits it (shell
    words, no shell)."""
    if value is None:
        return None
    if isinstance(value, str):
        return tuple(shlex.split(interpolate(value, variables)))
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(interpolate(str(v), variables) for v in value)
    raise ComposeError(f"service {name!r}: `{key}` must be a string or a list of strings")


_PORT = re.compile(
    r"^(?:(?:\[[^\]]*\]|[^:]*):)?(?:\d+(?:-\d+)?:)?(?P<target>\d+)(?:-\d+)?(?:/(?:tcp|udp))?$"
)


def _first_port(entry: Mapping[str, Any], name: str, variables: Mapping[str, str]) -> int | None:
    for key in ("ports", "expose"):
        for item in as_list(entry.get(key)):
            if isinstance(item, dict):
                target = compose_int(item.get("target"))
                if target is not None and item.get("protocol", "tcp") == "tcp":
                    return target
                continue
            spec = interpolate(str(item), variables).strip()
            match = _PORT.match(spec)
            if match is None:
                raise ComposeError(f"service {name!r}: cannot read {key} entry {spec!r}")
            if not spec.endswith("/udp"):
                return int(match.group("target"))
    return None


def _healthcheck(
    value: object, name: str, variables: Mapping[str, str]
) -> ComposeHealthcheck | None:
    if not isinstance(value, dict) or compose_bool(value.get("disable")):
        return None
    test = value.get("test")
    if isinstance(test, str):
        words: tuple[str, ...] = ("CMD-SHELL", interpolate(test, variables))
    elif isinstance(test, list) and test and all(isinstance(t, str) for t in test):
        words = tuple(interpolate(t, variables) for t in test)
    else:
        return None  # no test of its own: the image's HEALTHCHECK, if any, applies
    if words[0] == "NONE":
        return None
    if words[0] not in ("CMD", "CMD-SHELL"):
        raise ComposeError(
            f"service {name!r}: healthcheck test must start with CMD, CMD-SHELL or NONE, "
            f"got {words[0]!r}"
        )

    def seconds(key: str) -> float | None:
        raw = value.get(key)
        if raw is None:
            return None
        try:
            return parse_duration(interpolate(str(raw), variables))
        except ValueError as exc:
            raise ComposeError(f"service {name!r}: healthcheck {key}: {exc}") from None

    retries = compose_int(value.get("retries"))
    if retries is None and value.get("retries") is not None:
        raise ComposeError(f"service {name!r}: healthcheck retries must be a whole number")
    return ComposeHealthcheck(
        test=words,
        interval=seconds("interval"),
        timeout=seconds("timeout"),
        retries=retries,
        start_period=seconds("start_period"),
    )
