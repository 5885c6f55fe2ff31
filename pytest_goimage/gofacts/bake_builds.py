"""CI image builds through `docker buildx bake`: a workflow step (`docker/bake-action`, or a
`docker buildx bake` command) or a GitLab CI script that builds the targets of a bake file
(`docker-bake.hcl`, `.json`, or a compose file), each with the build arguments the file and
CI's environment give it.

The bake file is read by buildx itself (`docker buildx bake --print`: the variables, their
defaults, `inherits`, functions and `--set` overrides resolved as the real build resolves
them); this module only says what to run and reads its answer. It runs nothing: the caller
prints the definition (build.bake_print) and hands the JSON back.

What CI's environment gives a bake variable is what the job's env or variables set; a value
only the job knows (a secret, a step's output) goes in as a marker, and an argument that
holds one is unknown, with why.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .command_words import Word
from .image_build_values import BuildArg, ImageBuild, Resolved, checkout_path

# A value CI knows only when the job runs: put in bake's environment or a `--set` as
# `goimage-unknown-<n>-`, it survives bake's interpolation, so an argument that holds it
# took its value (or part of it) from there.
_MARKER = "goimage-unknown-{}-"
_MARKED = re.compile(r"goimage-unknown-(\d+)-")
# The files `docker compose` reads without `-f`, in its order (the first one found).
_COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
# The files `docker buildx bake` reads without `-f`, in its order.
_DEFAULT_FILES = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "docker-bake.json",
    "docker-bake.hcl",
    "docker-bake.override.json",
    "docker-bake.override.hcl",
)


class BakeUnreadable(Exception):
    """buildx is not installed, or it refused the definition: the text says which, and why."""


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
    sets: tuple[tuple[str, Resolved], ...] = ()  # `--set KEY=VALUE`: KEY as written
    env: tuple[tuple[str, Resolved], ...] = ()
    note: str = ""
    pipeline: str = ""
    compose: bool = False  # `docker compose build`: the files are compose files
    project: Resolved | None = None  # its `--project-directory`

    def names(self, target: str) -> str:
        """How the message names one of its targets."""
        return f"compose service {target}" if self.compose else f"bake target {target}"


@dataclass(frozen=True)
class BakeRequest:
    """What to run: `docker buildx bake --print ARGS` in `workdir` (relative to the checkout)
    with only `env` set besides the machine's PATH and HOME, so that a variable of the local
    shell does not stand in for CI's. `unknown` maps each marker's number to why its value is
    only known when the job runs."""

    workdir: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """The `-f` files named, relative to `workdir` (none: bake's default file names)."""
        return tuple(self.args[i + 1] for i, arg in enumerate(self.args[:-1]) if arg == "-f")


def set_entry(word: Word, resolve: Callable[[Word], Resolved]) -> tuple[str, Resolved]:
    """A `--set KEY=VALUE` as a CI file writes it: the key as written, the value as the job
    gives it (a step's output in it leaves only that part unknown)."""
    key, _, value = word.text.partition("=")
    return key, resolve(replace(word, text=value))


def bake_request(call: BakeCall, checkout: Path | None = None) -> BakeRequest | None:
    """The print to run for `call`; None where the folder, a file or a target is only known
    when the job runs (which files, which targets: nothing to read). A compose build is
    printed from its project folder (`checkout` holds its default files)."""
    if call.compose:
        moved = _compose_project(call, checkout)
        if moved is None:
            return None
        call = moved
    if call.workdir is None:
        return None
    unknown: list[str] = []

    def given(value: Resolved) -> str:
        if value.text is not None:
            return value.text
        unknown.append(value.why)
        return _MARKER.format(len(unknown) - 1)

    if any(value.text is None for value in (*call.files, *call.targets)):
        return None
    args: list[str] = []
    for file in call.files:
        assert file.text is not None
        if file.text.startswith("/") or "://" in file.text or file.text == "-":
            return None  # outside the checkout, remote, or stdin
        args += ["-f", file.text]
    for key, value in call.sets:
        args += ["--set", f"{key}={given(value)}"]
    args += [target.text or "" for target in call.targets]
    env = tuple((name, given(value)) for name, value in call.env)
    return BakeRequest(call.workdir, tuple(args), env, tuple(unknown))


def _compose_project(call: BakeCall, checkout: Path | None) -> BakeCall | None:
    """`call` run as compose reads its files: in the project folder (`--project-directory`,
    else the first file's folder), where the files' relative paths and its `.env` are read
    from, with the files named from there. Without `-f`, the folder's compose file and its
    override, as compose picks them. None where a folder or file is not known."""
    if call.workdir is None or checkout is None:
        return None
    files = [file.text for file in call.files]
    if any(file is None for file in files):
        return None
    if not files:
        folder = checkout / call.workdir
        main = next((name for name in _COMPOSE_FILES if (folder / name).is_file()), None)
        if main is None:
            return None
        override = main.replace("compose.", "compose.override.", 1)
        files = [main, *([override] if (folder / override).is_file() else [])]
    named = [posixpath.normpath(posixpath.join(call.workdir, str(f))) for f in files]
    if call.project is not None:
        if call.project.text is None:
            return None
        project = posixpath.normpath(posixpath.join(call.workdir, call.project.text))
    else:
        project = posixpath.dirname(named[0]) or "."
    relative = tuple(Resolved(posixpath.relpath(f, project)) for f in named)
    return replace(call, workdir=project, files=relative, compose=False)


def bake_image_builds(
    call: BakeCall, request: BakeRequest, printed: Mapping[str, Any], checkout: Path
) -> list[ImageBuild]:
    """The image builds of `printed` (what `docker buildx bake --print` answered to `request`
    in `checkout`): one per target whose Dockerfile is a file of the checkout, with its stage
    and arguments, each with where its value is written. A target built from a remote context
    or an inline Dockerfile has none here."""
    targets = printed.get("target")
    if not isinstance(targets, Mapping):
        return []
    builds = []
    for name, target in sorted(targets.items()):
        if not isinstance(target, Mapping) or target.get("dockerfile-inline"):
            continue
        dockerfile = _dockerfile(request.workdir, target)
        if dockerfile is None:
            continue
        args = target.get("args")
        values = args if isinstance(args, Mapping) else {}
        build_args = _args(call, request, name, values, _Origins(call, request, checkout))
        stage = target.get("target")
        builds.append(
            ImageBuild(
                call.file,
                call.line,
                call.job,
                dockerfile,
                stage if isinstance(stage, str) else "",
                build_args,
                "; ".join(filter(None, [call.names(name), call.note])),
                call.pipeline,
            )
        )
    return builds


def _dockerfile(workdir: str, target: Mapping[str, Any]) -> str | None:
    """The target's Dockerfile relative to the checkout: bake names the context relative to
    the folder it runs in (`cwd://` says so explicitly) and the Dockerfile relative to the
    context. None for a remote context or a path outside the checkout."""
    context = target.get("context", ".")
    dockerfile = target.get("dockerfile", "Dockerfile")
    if not isinstance(context, str) or not isinstance(dockerfile, str):
        return None
    context = context.removeprefix("cwd://") or "."
    if dockerfile.startswith("cwd://"):
        return checkout_path(workdir, dockerfile.removeprefix("cwd://"))
    if dockerfile.startswith("/"):
        return None
    return checkout_path(workdir, posixpath.join(context, dockerfile))


class _Origins:
    """Where a bake target's argument value is written, for the message's pointer: CI's env
    (the value is that variable's), a `--set`, else the line of the bake file that holds it."""

    def __init__(self, call: BakeCall, request: BakeRequest, checkout: Path) -> None:
        self.call = call
        self.request = request
        self.folder = checkout / request.workdir

    def of(self, name: str, value: str) -> tuple[tuple[str, str, int], ...]:
        for key, given in self.call.sets:
            sets_it = key.split(".")[-2:] == ["args", name]
            if sets_it and given.text == value:
                # A compose build's `--build-arg NAME=...` is named as written.
                shown = name if self.call.compose else key
                return (*given.origins, (shown, self.call.file, self.call.line))
        env = sorted(self.call.env, key=lambda item: item[0] != name)  # its own name first
        for _, given in env:
            if given.text == value and value and given.origins:
                return given.origins
        files = self.request.files or _DEFAULT_FILES
        if self.call.compose:  # compose (and bake for it) reads `.env` in the project folder
            files = (*files, ".env")
        written = _written_at(self.folder, files, value)
        if written is None:
            return ()
        file, line = written
        shown = checkout_path(self.request.workdir, file) or file
        return ((name, shown, line),)


def _written_at(folder: Path, files: Sequence[str], value: str) -> tuple[str, int] | None:
    """The first line of `files` (bake's, compose's) where `value` stands as a value: quoted,
    or after `=`/`:` at the end of the line."""
    if not value:
        return None
    pattern = re.compile(rf"""(["']){re.escape(value)}\1|[:=]\s*{re.escape(value)}\s*(?:#.*)?$""")
    for name in files:
        try:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                return name, number
    return None


def _args(
    call: BakeCall,
    request: BakeRequest,
    target: str,
    args: Mapping[str, Any],
    origins: _Origins,
) -> tuple[BuildArg, ...]:
    found = []
    for name, value in sorted(args.items()):
        if not isinstance(value, str):
            continue  # `null`: bake passes no value, the ARG default holds
        marked = _MARKED.search(value)
        written = f"{name}={value} ({call.names(target)})"
        if marked is None:
            found.append(BuildArg(name, value, written, call.line, "", origins.of(name, value)))
            continue
        why = request.unknown[int(marked.group(1))]
        found.append(BuildArg(name, None, f"{name} ({call.names(target)})", call.line, why))
    return tuple(found)
