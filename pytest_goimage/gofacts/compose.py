"""A project's own docker-compose file, read for the services it names: image, environment,
command, entrypoint, container port and healthcheck, as `docker compose` would start them.

Variables are interpolated the way the Compose specification says (`$VAR`, `${VAR}`,
`${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+other}`, `$$`), from the
environment first and then the `.env` file beside the compose file. What the plugin cannot
do (a service that builds its own image) is an error that says so, never a silent guess.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose_yaml import compose_bool, compose_int, compose_text, load_compose_yaml
from .units import parse_duration


class ComposeError(ValueError):
    """The compose file cannot be used; the message says where and why (no file name: the
    caller adds it)."""


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


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?+])(?P<arg>(?:[^{}]|\{[^{}]*\})*))?\})"
)


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """Compose's variable substitution over one string; ComposeError for `${X:?why}` unset
    and for a `$` that starts no valid reference."""

    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("plain") or match.group("braced")
        value = variables.get(name)
        op, arg = match.group("op"), match.group("arg") or ""
        unset = value is None or (op is not None and op.startswith(":") and value == "")
        if op in (":-", "-"):
            return interpolate(arg, variables) if unset else str(value)
        if op in (":?", "?"):
            if unset:
                raise ComposeError(f"variable {name} is required ({arg or 'not set'})")
            return str(value)
        if op in (":+", "+"):
            return "" if unset else interpolate(arg, variables)
        return value or ""

    result = _VARIABLE.sub(substitute, text)
    # A `$` left over is one no pattern took (`${1BAD}`, a lone `${`): compose refuses it.
    stripped = _VARIABLE.sub("", text)
    if "${" in stripped:
        raise ComposeError(f"invalid interpolation format in {text!r}")
    return result


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (comments, blank lines, `export` and quotes allowed) of an env file."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        if not sep:
            continue  # compose passes a bare name from the environment; nothing to read here
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def read_compose(
    path: Path, wanted: list[str], environ: Mapping[str, str]
) -> dict[str, ComposeService]:
    """The services `wanted` of the compose file at `path`, in that order."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        row = exc.object[: exc.start].count(b"\n") + 1
        raise ComposeError(
            f"line {row} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); compose files "
            "are UTF-8, so save it as UTF-8"
        ) from None
    import yaml  # here: a configuration that names no compose file does not import PyYAML

    try:
        data = load_compose_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = str(exc.problem)
        if "!reset" in problem or "!override" in problem:
            # Compose's merge tags: meaningful only when files are merged, which this reader
            # does not do.
            problem += " (compose's merge tags !reset and !override need several compose files merged; name one file whose services are complete)"
        raise ComposeError(f"not valid YAML ({line}{problem})") from None
    except ValueError as exc:
        # An explicit tag whose value does not convert (`!!int x`, `!!timestamp 2020-99-99`):
        # PyYAML raises the converter's own error, without a position.
        raise ComposeError(f"not valid YAML (a tagged value does not convert: {exc})") from None
    except yaml.reader.ReaderError as exc:
        # Not a marked error: it knows the character's offset, not its line.
        row = text[: exc.position].count("\n") + 1
        raise ComposeError(
            f"not valid YAML (line {row}: character #x{exc.character:04x}: {exc.reason})"
        ) from None
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        raise ComposeError("it has no `services` mapping")
    variables = {**read_dotenv(path.parent / ".env"), **environ}
    result: dict[str, ComposeService] = {}
    for name in wanted:
        entry = services.get(name)
        if not isinstance(entry, dict):
            known = ", ".join(sorted(str(s) for s in services)) or "none"
            raise ComposeError(f"it has no service {name!r} (its services: {known})")
        result[name] = _service(name, entry, variables, path.parent)
    return result


def _service(
    name: str, entry: Mapping[str, Any], variables: Mapping[str, str], folder: Path
) -> ComposeService:
    def text(value: object, what: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ComposeError(
                f"service {name!r}: {what} must be a string, got {value!r}; quote it"
            )
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
    for env_file in _as_list(entry.get("env_file")):
        file_name = env_file.get("path") if isinstance(env_file, dict) else env_file
        path = folder / text(file_name, "env_file")
        required = not isinstance(env_file, dict) or env_file.get("required", True) is not False
        if required and not path.is_file():
            raise ComposeError(
                f"service {name!r}: env_file {path} does not exist (compose stops on it too); "
                "create it, or mark it `required: false`"
            )
        environment.update(read_dotenv(path))
    raw_env = entry.get("environment") or {}
    if isinstance(raw_env, list):
        for item in raw_env:
            key, sep, value = text(item, "an environment entry").partition("=")
            if sep:
                environment[key] = value
            elif key in variables:
                environment[key] = variables[key]
    elif isinstance(raw_env, dict):
        for key, value in raw_env.items():
            if value is None:
                if str(key) in variables:
                    environment[str(key)] = variables[str(key)]
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
    for volume in _as_list(volumes):
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


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


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
        for item in _as_list(entry.get(key)):
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
