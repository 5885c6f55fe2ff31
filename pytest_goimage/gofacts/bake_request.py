"""A CI job's `docker buildx bake` (or `docker compose build`) as written, and what to ask
buildx about it: `docker buildx bake --print` with its files, overrides and targets, in the
folder CI runs it in, with only the environment CI gives the job.

A value only the job knows (a secret, a step's output) goes in as a marker: it survives bake's
interpolation, so an argument that holds one took its value (or part of it) from there. What
cannot be asked at all (a file, target or folder only the job knows) is said, with why.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .bake_command import BakeCommand
from .command_words import WORKSPACE, Word
from .image_build_values import Resolved, checkout_path

MARKER = "goimage-unknown-{}-"
# The files `docker buildx bake` reads without `-f`, in its order.
DEFAULT_FILES = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "docker-bake.json",
    "docker-bake.hcl",
    "docker-bake.override.json",
    "docker-bake.override.hcl",
)
# The files `docker compose` reads without `-f`, in its order (the first one found).
_COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


class BakeUnreadable(Exception):
    """buildx is not installed, or it refused the definition: the text says which, and why."""


@dataclass(frozen=True)
class Override:
    """A `--set KEY=VALUE` (or `KEY` alone: bake takes the value from the environment) and the
    line of the CI file it is written on."""

    key: str
    value: Resolved | None
    line: int


@dataclass(frozen=True)
class BakeCall:
    """One `bake` of a CI job as its file writes it: where it runs (relative to the checkout;
    None where the job's `cd` cannot be followed), its `-f` files, targets and `--set`
    overrides, and the environment CI gives it (the job's env or variables, resolved)."""

    file: str
    line: int
    job: str
    workdir: str | None
    files: tuple[Resolved, ...] = ()
    targets: tuple[Resolved, ...] = ()
    sets: tuple[Override, ...] = ()
    env: tuple[tuple[str, Resolved], ...] = ()
    note: str = ""
    pipeline: str = ""
    compose: bool = False  # `docker compose build`: the files are compose files
    project: Resolved | None = None  # its `--project-directory`
    profiles: tuple[Resolved, ...] = ()  # compose's `--profile`s
    env_files: tuple[Resolved, ...] = ()  # compose's `--env-file`s (relative to `workdir`)
    started: str = ""  # `up`, `run` or `create` (BakeCommand.started)
    rebuild: bool = False  # with `--build`
    only: tuple[Resolved, ...] = ()  # the services it starts (none: all)
    dependencies: bool = True  # and those they depend on (no `--no-deps`)

    def names(self, target: str) -> str:
        """How the message names one of its targets."""
        return f"compose service {target}" if self.compose else f"bake target {target}"

    def tool(self) -> str:
        if self.started:
            return f"docker compose {self.started}" + (" --build" if self.rebuild else "")
        return "docker compose build" if self.compose else "docker buildx bake"


@dataclass(frozen=True)
class BakeRequest:
    """What to run: `docker buildx bake --print ARGS` in `workdir` (relative to the checkout)
    with only `env` set besides the machine's PATH and HOME, so that a variable of the local
    shell does not stand in for CI's. `unknown` maps each marker's number to why its value is
    only known when the job runs. `env_files` (relative to `workdir`, in order) are the files a
    compose command reads its variables from instead of the folder's `.env`, which bake reads
    (None: the `.env`, as compose does without `--env-file`)."""

    workdir: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...] = ()
    env_files: tuple[str, ...] | None = None

    @property
    def files(self) -> tuple[str, ...]:
        """The `-f` files named, relative to `workdir` (none: bake's default file names)."""
        return tuple(self.args[i + 1] for i, arg in enumerate(self.args[:-1]) if arg == "-f")


def set_entry(word: Word, resolve: Callable[[Word], Resolved]) -> Override:
    """A `--set KEY=VALUE` as a CI file writes it: the key as written, the value as the job
    gives it (a step's output in it leaves only that part unknown)."""
    key, equals, value = word.text.partition("=")
    return Override(key, resolve(replace(word, text=value)) if equals else None, word.line)


def command_bake_call(
    command: BakeCommand,
    where: tuple[str, str, str | None],
    resolve: Callable[[Word], Resolved],
    variable: Callable[[str], Resolved | None],
    environment: Mapping[str, Resolved | None],
    pipeline: str = "",
) -> BakeCall:
    """A script's `docker buildx bake` or `docker compose build` (`where`: its CI file, job and
    folder of the checkout), its words resolved with the reader's `resolve`; bake's environment
    is the job's (`environment`), then what the script exported (`variable`), then the
    command's own `NAME=value` prefix, `env NAME=value` or `--var`."""
    env = dict(environment)
    env |= {name: variable(name) for name in command.exported}
    env |= {name: resolve(word) for name, word in command.prefix}
    file, job, workdir = where
    return BakeCall(
        file,
        command.line,
        job,
        workdir,
        tuple(resolve(word) for word in command.files),
        tuple(resolve(word) for word in command.targets),
        tuple(set_entry(word, resolve) for word in command.sets),
        tuple((name, value) for name, value in sorted(env.items()) if value is not None),
        pipeline=pipeline,
        compose=command.compose,
        project=resolve(command.project) if command.project else None,
        profiles=tuple(resolve(word) for word in command.profiles),
        env_files=tuple(resolve(word) for word in command.env_files),
        started=command.started,
        rebuild=command.rebuild,
        only=tuple(resolve(word) for word in command.only),
        dependencies=command.dependencies,
    )


def bake_request(call: BakeCall, checkout: Path) -> BakeRequest | str:
    """The print to run for `call` in `checkout`, or why there is none: the folder, a file or a
    target only the job knows (nothing to read), a file outside the checkout. A compose build
    is printed from its project folder, with its env files."""
    env_files = None
    if call.compose:
        moved = _compose_project(call, checkout)
        if isinstance(moved, str):
            return moved
        call, env_files = moved
    if call.workdir is None:
        return f"the folder `{call.tool()}` runs in is only known when the job runs"
    unknown: list[str] = []

    def given(value: Resolved) -> str:
        if value.text is None:
            unknown.append(value.why)
            return MARKER.format(len(unknown) - 1)
        return value.text.replace(WORKSPACE, str(checkout))  # `${{ github.workspace }}`

    first = call.targets[0].text if call.targets and not call.compose else None
    if first is not None and _remote(first):
        # buildx takes a first target that is a Git or HTTP address as the definition's place.
        return f"it reads its bake definition from {first}, not from this checkout"
    args: list[str] = []
    for file in call.files:
        if file.text is None:
            return f"which bake file it reads is only known when the job runs: {file.why}"
        named = checkout_path(call.workdir, file.text.removeprefix("cwd://"))
        if named is None:
            return f"its bake file {file.text} is not a file of the checkout"
        args += ["-f", posixpath.relpath(named, call.workdir)]
    for override in call.sets:
        value = "" if override.value is None else "=" + given(override.value)
        args += ["--set", override.key + value]
    for target in call.targets:
        if target.text is None:
            return f"which targets it builds is only known when the job runs: {target.why}"
        args.append(target.text)
    for service in call.only:
        if service.text is None:
            return f"which services it starts is only known when the job runs: {service.why}"
    env = tuple((name, given(value)) for name, value in call.env)
    return BakeRequest(call.workdir, tuple(args), env, tuple(unknown), env_files)


def _remote(target: str) -> bool:
    """Whether bake reads `target` as a remote definition, as buildx's IsRemoteURL does (a URL,
    an scp-like Git address, a `github.com/` path)."""
    return "://" in target or target.startswith(("git@", "github.com/"))


def _compose_project(
    call: BakeCall, checkout: Path
) -> tuple[BakeCall, tuple[str, ...] | None] | str:
    """`call` run as compose reads its files: in the project folder (`--project-directory`,
    else the first file's folder), where the files' relative paths and its `.env` are read
    from, with the files named from there, and the env files it reads instead of that `.env`
    (None: none). Without `-f`, the folder's compose file and its override, as compose picks
    them. Why not, where a folder or file is not known."""
    if call.workdir is None:
        return f"the folder `{call.tool()}` runs in is only known when the job runs"
    files: list[str] = []
    for file in call.files or _compose_file_variable(call):
        named = checkout_path(call.workdir, file.text) if file.text is not None else None
        if named is None:
            return f"its compose file {file.text or '(' + file.why + ')'} is not known"
        files.append(named)
    if not files:
        folder = checkout / call.workdir
        main = next((name for name in _COMPOSE_FILES if (folder / name).is_file()), None)
        if main is None:
            return f"no compose file in {call.workdir} (compose then looks in the folders above)"
        override = main.replace("compose.", "compose.override.", 1)
        files = [posixpath.normpath(posixpath.join(call.workdir, name)) for name in [main]]
        if (folder / override).is_file():
            files.append(posixpath.normpath(posixpath.join(call.workdir, override)))
    if call.project is not None:
        if call.project.text is None:
            return f"its --project-directory is only known when the job runs: {call.project.why}"
        project = checkout_path(call.workdir, call.project.text)
        if project is None:
            return f"its --project-directory {call.project.text} is not a folder of the checkout"
    else:
        project = posixpath.dirname(files[0]) or "."
    env_files = _env_files(call, checkout)
    if isinstance(env_files, str):
        return env_files
    relative = tuple(Resolved(posixpath.relpath(f, project)) for f in files)
    moved = replace(call, workdir=project, files=relative, compose=False)
    if env_files is None:
        return moved, None
    return moved, tuple(posixpath.relpath(f, project) for f in env_files)


def _env_files(call: BakeCall, checkout: Path) -> tuple[str, ...] | str | None:
    """The env files a compose command reads its variables from (relative to the checkout), or
    None for the project folder's `.env`; why not, where one is not known or not there.

    docker/compose's cmd/compose/compose.go: `--env-file` may repeat, and without it the job's
    COMPOSE_ENV_FILES (split at `,`) stands in; normalizeProjectOptions makes each path
    absolute from the folder the command runs in (not the project folder). compose-go's
    cli/options.go WithEnvFiles reads `.env` only where no file is named, and dotenv/env.go
    GetEnvFromFile reads them in order (a later one wins) and stops on a missing one
    ("Couldn't find env file")."""
    named, option = call.env_files, "--env-file"
    listed = dict(call.env).get("COMPOSE_ENV_FILES")
    if not named and listed is not None:
        if listed.text is None:
            return f"which env files it reads is only known when the job runs: {listed.why}"
        option = "COMPOSE_ENV_FILES"
        named = tuple(replace(listed, text=name) for name in listed.text.split(",") if name)
    if not named:
        return None
    found = []
    for file in named:
        if file.text is None:
            return f"which env file it reads is only known when the job runs: {file.why}"
        path = None if file.text.startswith("~") else checkout_path(call.workdir, file.text)
        if path is None:
            return f"its env file {file.text} ({option}) is not a file of the checkout"
        if not (checkout / path).is_file():
            return (
                f"its env file {path} ({option}) is not in the checkout, and compose stops "
                "without it (an earlier step of the job may make it)"
            )
        found.append(path)
    return tuple(found)


def _compose_file_variable(call: BakeCall) -> tuple[Resolved, ...]:
    """The files the job's COMPOSE_FILE names (split at COMPOSE_PATH_SEPARATOR, `:` on
    Linux), which compose reads where no `-f` is given; one only the job knows stays so."""
    env = dict(call.env)
    given = env.get("COMPOSE_FILE")
    if given is None or given.text is None:
        return (given,) if given is not None else ()
    separator = env.get("COMPOSE_PATH_SEPARATOR")
    split = separator.text if separator is not None and separator.text else ":"
    return tuple(replace(given, text=name) for name in given.text.split(split) if name)
