"""The images a CI job's `docker buildx bake` (or `docker compose build`) builds, read from
what buildx itself printed for it (`docker buildx bake --print`, asked as bake_request says):
each target of a Dockerfile of the checkout, with its stage and build arguments, each argument
pointing at where its value is written (CI's env line, a `--set`, the bake file's line).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .bake_request import DEFAULT_FILES, MARKER, BakeCall, BakeRequest
from .build_arg_advice import bake_passes
from .compose_started import read_services
from .compose_variables import env_file_values
from .compose_yaml import ComposeError
from .image_build_values import BuildArg, ImageBuild, checkout_path

# bake_request's marker of a value only the job knows, with its number.
_MARKED = re.compile(MARKER.format(r"(\d+)"))


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
    origins = _Origins(call, request, checkout)  # reads the definition's files once
    built = _built(call, request, checkout)  # `compose up api`: api and what it waits for
    for name, target in sorted(targets.items()):
        if not isinstance(target, Mapping) or target.get("dockerfile-inline"):
            continue
        if built is not None and name not in built:
            continue
        dockerfile = _dockerfile(request.workdir, target)
        if dockerfile is None:
            continue
        args = target.get("args")
        values = args if isinstance(args, Mapping) else {}
        build_args = _args(call, request, name, values, origins)
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
                bake_passes(call.compose, name),
            )
        )
    return builds


def _built(call: BakeCall, request: BakeRequest, checkout: Path) -> frozenset[str] | None:
    """The bake targets a compose call builds (compose_started), None for all that bake
    printed: a bake, a `compose build` of named services (printed alone), compose files that
    cannot be read, or profiles only the job knows (then every service counts: a false note
    beats a silent miss)."""
    if not call.compose or (call.targets and not call.started):
        return None
    folder = checkout / request.workdir
    environ = {name: value.text for name, value in call.env if value.text is not None}
    dotenv = _env_file_values(folder, request, environ)
    if dotenv is None:
        return None
    # A compose call's request names its files (bake_request picks compose's default).
    services = read_services(folder, request.files, environ, dotenv)
    profiles = dict(call.env).get("COMPOSE_PROFILES")
    if (
        services is None
        or any(p.text is None for p in call.profiles)
        or (profiles is not None and profiles.text is None)
    ):
        return None
    active = [p.text for p in call.profiles if p.text is not None]
    # Compose reads COMPOSE_PROFILES from the environment, else its env files (the project
    # folder's .env without --env-file).
    given = environ.get("COMPOSE_PROFILES", dotenv.get("COMPOSE_PROFILES"))
    active += (given or "").split(",")
    # A name may hold several (`up --build $SERVICES`): the shell splits it.
    named = [name for service in call.only if service.text for name in service.text.split()]
    started = services.started(named, active, call.dependencies and bool(call.started))
    # Without --build compose builds what it has no image of: on a CI runner, which starts
    # empty, every service that builds (one with an `image:` too, whose pull of a name only
    # this project makes fails over to a build).
    return frozenset(name.replace(".", "_") for name in started)  # bake's target names


def _env_file_values(
    folder: Path, request: BakeRequest, environ: Mapping[str, str]
) -> dict[str, str] | None:
    """The variables of a compose call's env files (`request.env_files` of `folder`), else of
    the folder's `.env`, as compose reads them (env_file_values: the job's environment
    first), the same values bake's print gets (the review: profiles read the raw text);
    None where compose could not read them."""
    paths = [folder / name for name in _env_file_names(request)]
    try:
        return env_file_values([path for path in paths if path.is_file()], environ)
    except (OSError, ComposeError):
        return None


def _env_file_names(request: BakeRequest) -> tuple[str, ...]:
    return (".env",) if request.env_files is None else request.env_files


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
    """Where a bake target's argument value is written, for the message's pointer: a `--set`
    of it, CI's env variable of its name (or one the definition names) that holds the value,
    else the line of the definition that holds it (its name and value on one line first).
    Nowhere found: `(name, "", 0)`, "where it is set", never the bake command's own line."""

    def __init__(self, call: BakeCall, request: BakeRequest, checkout: Path) -> None:
        self.call = call
        self.request = request
        self.folder = checkout / request.workdir
        names = request.files or DEFAULT_FILES
        if call.compose:  # compose (and bake for it) reads its env files, else the `.env`
            names = (*names, *_env_file_names(request))
        self.texts = [(name, text) for name in names if (text := _read(self.folder / name))]

    def of(self, name: str, value: str) -> tuple[tuple[str, str, int], ...]:
        for override in reversed(self.call.sets):  # the last one of a key wins
            if override.key.split(".")[-2:] != ["args", name]:
                continue
            if override.value is None:  # `--set t.args.NAME`: from the environment
                break
            if override.value.text == value:
                # A compose build's `--build-arg NAME=...` is named as written.
                shown = name if self.call.compose else override.key
                return (*override.value.origins, (shown, self.call.file, override.line))
        referenced = {variable for _, text in self.texts for variable in _words(text)}
        for variable, given in sorted(self.call.env, key=lambda item: item[0] != name):
            named = variable == name or variable in referenced
            if named and value and given.text == value and given.origins:
                return given.origins
        written = _written_at(self.texts, name, value)
        if written is None:
            return ((name, "", 0),)
        file, line = written
        return ((name, checkout_path(self.request.workdir, file) or file, line),)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return ""


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _written_at(texts: Sequence[tuple[str, str]], name: str, value: str) -> tuple[str, int] | None:
    """The line of the definition `texts` where `value` stands as a value (quoted, or after
    `=`/`:` at the end of the line): one that also names `name` first, else the first."""
    if not value:
        return None
    pattern = re.compile(rf"""(["']){re.escape(value)}\1|[:=]\s*{re.escape(value)}\s*(?:#.*)?$""")
    found = [
        (file, number, line)
        for file, text in texts
        for number, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]
    named = [hit for hit in found if re.search(rf"\b{re.escape(name)}\b", hit[2])]
    best = (named or found)[:1]
    return (best[0][0], best[0][1]) if best else None


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
        number = int(marked.group(1))
        why = request.unknown[number] if number < len(request.unknown) else "unknown"
        found.append(BuildArg(name, None, f"{name} ({call.names(target)})", call.line, why))
    return tuple(found)
