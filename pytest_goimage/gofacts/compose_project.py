"""A compose file put together as `docker compose -f FILE` puts it together before it starts
anything: the files its top-level `include` names, each a project of its own, and each
service's `extends` chain, merged by the Compose specification's rules. compose-go's
loader/include.go, loader/extends.go and override/merge.go are the reference.

Values stay as written, to be interpolated when read; each service comes with the variables
compose-go interpolates it with: those of the file that defines it (an included file: the
including project's environment, then its own project's `.env`), also for a base service that
`extends` takes from another file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .compose_variables import interpolate, read_dotenv
from .compose_yaml import ComposeError, compose_text, line_of, read_compose_file

# A git, OCI or HTTP reference: compose fetches such a file, this reader does not.
_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@)")
# What an extending service replaces whole (override/merge.go's mergeSpecials); any other
# sequence is appended to and any other mapping merged key by key.
_REPLACED = {("command",), ("entrypoint",), ("healthcheck", "test")}


@dataclass(frozen=True)
class EnvFile:
    """One `env_file` entry, its path resolved from the project folder of the file naming it."""

    path: Path
    required: bool = True


@dataclass(frozen=True)
class _File:
    """One compose file as compose loaded it."""

    path: Path
    text: str
    data: Mapping[Any, Any]
    folder: Path  # its project directory: its relative paths start here
    variables: Mapping[str, str]
    label: str  # as messages name it, relative to the main file's folder; "" for the main file
    root: Path  # the main file's folder

    @property
    def services(self) -> Mapping[Any, Any]:
        services = self.data.get("services")
        return services if isinstance(services, dict) else {}

    def at(self, *keys: str | int) -> str:
        """Where a message points: `line 7: ` in the main file (the caller names it),
        `in compose.deps.yaml line 7: ` in another."""
        line = line_of(self.text, *keys) if keys else None
        parts = [f"in {self.label}"] if self.label else []
        parts += [f"line {line}"] if line is not None else []
        return f"{' '.join(parts)}: " if parts else ""


@dataclass(frozen=True)
class Project:
    """Every service of a compose file and of the files it includes, by the file defining it."""

    defined: Mapping[str, _File]

    def run_to_completion(self, name: str) -> bool:
        """Whether another service waits for `name` to finish: its `depends_on` names it with
        `condition: service_completed_successfully` (a migration or seed container)."""
        for file in self.defined.values():
            for entry in file.services.values():
                depends = entry.get("depends_on") if isinstance(entry, dict) else None
                wanted = depends.get(name) if isinstance(depends, dict) else None
                if isinstance(wanted, dict) and (
                    wanted.get("condition") == "service_completed_successfully"
                ):
                    return True
        return False

    def service(self, name: str) -> tuple[dict[str, Any], Mapping[str, str], str]:
        """`name`'s mapping with its `extends` chain merged in (`env_file` entries as
        EnvFile), the variables to interpolate its values with, and where messages say it is
        defined (`in compose.deps.yaml: `, or "" for the main file). ComposeError when no file
        defines it or its chain is broken."""
        file = self.defined.get(name)
        if file is None or not isinstance(file.services.get(name), dict):
            known = ", ".join(sorted(self.defined)) or "none"
            raise ComposeError(f"it has no service {name!r} (its services: {known})")
        return _extended(file, name, ()), file.variables, file.at()


def load_project(
    path: Path, environ: Mapping[str, str], dotenv: Mapping[str, str] | None = None
) -> Project:
    """The compose file at `path` with what it includes; its variables are `environ`, then
    `dotenv` (what `--env-file`s set, which compose reads instead of the `.env`), else the
    `.env` beside it. ComposeError for a file that cannot be read and for a broken include."""
    given = read_dotenv(path.parent / ".env") if dotenv is None else dotenv
    variables = {**given, **environ}
    main = _load(path, path.parent, variables, path.parent, main=True)
    if not isinstance(main.data.get("services"), dict) and "include" not in main.data:
        raise ComposeError("it has no `services` mapping")
    return Project(_services_of(main, (path,)))


def _load(
    path: Path, folder: Path, variables: Mapping[str, str], root: Path, *, main: bool = False
) -> _File:
    label = "" if main else os.path.relpath(path, root)
    try:
        text, data = read_compose_file(path)
    except ComposeError as exc:
        raise ComposeError(f"in {label}: {exc}" if label else str(exc)) from None
    file = _File(path, text, data if isinstance(data, dict) else {}, folder, variables, label, root)
    if not isinstance(data, dict) or not isinstance(data.get("services", {}), dict):
        raise ComposeError(f"{file.at()}it has no `services` mapping")
    return file


def _services_of(file: _File, chain: tuple[Path, ...]) -> dict[str, _File]:
    """The services `file` defines and includes; an included one may not redefine another."""
    defined = {str(name): file for name in file.services}
    includes = file.data.get("include") or []
    if not isinstance(includes, list):
        raise ComposeError(f"{file.at('include')}`include` must be a list of files")
    for index, entry in enumerate(includes):
        for name, other in _included(file, index, entry, chain).items():
            first = defined.setdefault(name, other)
            same = (first.services.get(name), first.variables) == (
                other.services.get(name),
                other.variables,
            )
            if not same:  # compose-go's importResource: the same definition twice is fine
                line = line_of(file.text, "services", name)
                where = first.label or file.path.name + (f" line {line}" if line else "")
                raise ComposeError(
                    f"{file.at('include', index)}service {name!r} is defined both in {where} "
                    f"and in {other.label}, which `include` brings in; compose refuses that too "
                    "(an included service is not merged), so remove or rename one of them"
                )
    return defined


def _included(file: _File, index: int, entry: object, chain: tuple[Path, ...]) -> dict[str, _File]:
    def where() -> str:  # composes the YAML again: only for a message
        return file.at("include", index)

    spec = {"path": entry} if isinstance(entry, str) else entry
    if not isinstance(spec, dict) or not isinstance(spec.get("path"), (str, list)):
        raise ComposeError(
            f"{where()}an `include` entry is a file's path or a mapping with `path`; got {entry!r}"
        )
    paths = [interpolate(str(p), file.variables) for p in as_list(spec["path"])]
    remote = next((p for p in paths if _REMOTE.match(p)), None)
    if remote is not None:
        raise ComposeError(
            f"{where()}`include` names {remote}, a remote compose file, which pytest-goimage does "
            "not fetch; copy that file into the repository and include it by its path"
        )
    if len(paths) != 1:
        raise ComposeError(
            f"{where()}`include` with several files in `path` merges them as override files, "
            "which pytest-goimage does not do; include the one file that defines the services"
        )
    path = Path(os.path.normpath(file.folder / paths[0]))
    if not path.is_file():
        raise ComposeError(
            f"{where()}`include` names {paths[0]}, which does not exist (looked for {path}; "
            f"it is relative to {file.folder}); fix the path"
        )
    if path in chain:
        cycle = " includes ".join(os.path.relpath(p, file.root) for p in (*chain, path))
        raise ComposeError(f"{where()}include cycle: {cycle}; remove one of these includes")
    directory = spec.get("project_directory")
    folder = path.parent
    if directory is not None:
        folder = Path(os.path.normpath(file.folder / interpolate(str(directory), file.variables)))
    if spec.get("env_file") is None:
        env_files = [folder / ".env"] if (folder / ".env").is_file() else []
    else:  # relative to the including file's project, as compose-go resolves them
        env_files = [
            file.folder / interpolate(str(e), file.variables) for e in as_list(spec["env_file"])
        ]
    from_files: dict[str, str] = {}
    for env_file in env_files:
        if not env_file.is_file():
            raise ComposeError(
                f"{where()}`include` env_file {env_file} does not exist (compose stops on it "
                "too); create it, or take it out of `env_file`"
            )
        from_files.update(read_dotenv(env_file))
    # The including project's environment wins over the included project's .env (compose-go:
    # Mapping.Merge keeps the values already set).
    included = _load(path, folder, {**from_files, **file.variables}, file.root)
    return _services_of(included, (*chain, path))


def _extended(file: _File, name: str, chain: tuple[tuple[Path, str], ...]) -> dict[str, Any]:
    """Service `name` of `file` (a mapping) with its `extends` chain merged in; `chain` is
    what led here, (file, service) each."""
    entry = _localized(name, file.services[name], file)
    extends = entry.pop("extends", None)
    if extends is None:
        return entry

    def where() -> str:  # composes the YAML again: only for a message
        return f"{file.at('services', name, 'extends')}service {name!r}"

    if isinstance(extends, str):
        ref, other = extends, None
    elif isinstance(extends, dict) and isinstance(extends.get("service"), str):
        ref, other = extends["service"], extends.get("file")
    else:
        raise ComposeError(
            f"{where()}: `extends` is a service's name or a mapping with `service` (and `file`); "
            f"got {extends!r}"
        )
    ref = interpolate(ref, file.variables)
    base = file
    if other is not None:
        other = interpolate(str(other), file.variables)
        if _REMOTE.match(other):
            raise ComposeError(
                f"{where()} extends a service of {other}, a remote compose file, which "
                "pytest-goimage does not fetch; copy that file into the repository"
            )
        path = Path(os.path.normpath(file.folder / other))
        if not path.is_file():
            raise ComposeError(
                f"{where()} extends {ref!r} of {other}, which does not exist (looked for {path}; "
                f"it is relative to {file.folder}); fix `file`"
            )
        # Read with the extending file's variables, as compose-go does.
        base = _load(path, path.parent, file.variables, file.root)
    if not isinstance(base.services.get(ref), dict):
        known = ", ".join(sorted(str(s) for s in base.services)) or "none"
        of = f" of {other}" if other is not None else ""
        raise ComposeError(
            f"{where()} extends {ref!r}{of}, which {other or 'the file'} does not define (its "
            f"services: {known}); name one of those"
            + ("" if other else ", or `extends: {file: FILE, service: NAME}` for another file's")
        )
    chain = (*chain, (file.path, name))
    if (base.path, ref) in chain:
        steps = " extends ".join(
            f"{n} ({os.path.relpath(p, file.root)})" for p, n in (*chain, (base.path, ref))
        )
        raise ComposeError(f"{where()} closes an extends cycle: {steps}; break the cycle")
    return merge_service(_extended(base, ref, chain), entry)


def _localized(name: str, entry: Mapping[Any, Any], file: _File) -> dict[str, Any]:
    """A copy of `entry` whose `env_file` entries are EnvFile, resolved from `file`'s folder."""
    result = {str(key): value for key, value in entry.items()}
    if "env_file" in result:
        env_files = []
        for item in as_list(result["env_file"]):
            raw = item.get("path") if isinstance(item, dict) else item
            if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
                raise ComposeError(
                    f"{file.at()}service {name!r}: env_file must be a string, got {raw!r}; quote it"
                )
            required = not isinstance(item, dict) or item.get("required", True) is not False
            path = file.folder / interpolate(compose_text(raw), file.variables)
            env_files.append(EnvFile(path, required))
        result["env_file"] = env_files
    return result


def merge_service(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` (a service that `extends` base) merged over `base`, as compose-go merges."""
    merged: dict[str, Any] = _merge(base, override, ())
    return merged


def _merge(base: Any, override: Any, path: tuple[str, ...]) -> Any:
    if path in _REPLACED:
        return override
    if path == ("environment",):  # both become KEY=VALUE lists; a later KEY wins
        return [*_env_items(base), *_env_items(override)]
    if path == ("env_file",):  # appended; a file named again keeps its first place
        entries: dict[Path, EnvFile] = {}
        for entry in [*base, *override]:
            entries[entry.path] = entry
        return list(entries.values())
    if override is None:
        return base
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            known = key in merged and not str(key).startswith("x-")
            merged[key] = _merge(merged[key], value, (*path, str(key))) if known else value
        return merged
    if isinstance(base, list) and isinstance(override, list):
        return [*base, *override]
    return override


def _env_items(environment: object) -> list[Any]:
    """`environment` as the KEY=VALUE list compose-go's convertIntoSequence makes of it."""
    if not isinstance(environment, dict):
        return as_list(environment)
    items: list[Any] = []
    for key, value in environment.items():
        for one in as_list(value) if value is not None else [None]:
            if one is None:
                items.append(str(key))
            elif isinstance(one, bool):
                items.append(f"{key}={str(one).lower()}")
            else:
                items.append(f"{key}={compose_text(one) if isinstance(one, (int, float)) else one}")
    return items


def as_list(value: object) -> list[Any]:
    """A value compose takes as one item or a list of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
