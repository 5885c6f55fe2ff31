"""Why the program ENTRYPOINT/CMD names is not where the runtime looks, read from the image's
layers and its Dockerfile: a bare name that is not on PATH while the build copied a file of
that name elsewhere (into the WORKDIR, usually), or a symlink whose target the image lacks.
Each ends in the Dockerfile lines to change, for BuiltImage's BinaryError messages."""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docker.errors import DockerException

from ..errors import BinaryError, GoImageError
from ..gofacts.dockerfile import Dockerfile, Instruction
from ..gofacts.layers import final_files
from . import program_files
from .program_files import BuiltFrom, FileMode, Lookup
from .shell_form import broken_exec_advice

if TYPE_CHECKING:
    from .image import BuiltImage

# The PATH the engine gives a container whose image sets none (scratch images, mostly).
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_MAX_SYMLINKS = 40


def located(image: BuiltImage) -> str:
    """Why the program the image runs is not where the runtime looks, as `static` says it
    (without the Dockerfile's name in front); "" when the image holds it there."""
    try:
        _ = image.binary  # its errors say where the program is not
    except BinaryError as exc:
        return str(exc).removeprefix(f"{image.dockerfile}: ")
    except (GoImageError, OSError, ValueError, DockerException):
        pass  # unreadable: the engine's own words stand, and `static` reports the read
    return ""


def broken_exec_form(image: BuiltImage) -> str:
    """Where the image's ENTRYPOINT or CMD is an exec form its Dockerfile wrote as invalid
    JSON (BuildKit then records a shell form): what is wrong and what to write, whatever
    the runtime then said; "" otherwise or where the Dockerfile cannot be read."""
    built_from = program_files.dockerfile_of(image.config.labels)
    if built_from is None:
        return ""
    try:
        has_shell: bool | None = image.exists("/bin/sh")
    except (GoImageError, OSError, ValueError, DockerException):
        has_shell = None
    config = image.config
    return broken_exec_advice(
        built_from.dockerfile,
        built_from.target,
        built_from.name,
        config.entrypoint,
        config.cmd,
        has_shell,
    )


def unloadable(image: BuiltImage) -> str:
    """Where the program is in the image but the kernel cannot load it: a dynamic binary
    whose ELF interpreter the image lacks, which a wrapper (an entrypoint script, tini) then
    reports as "not found"; "" otherwise or where it cannot be read."""
    try:
        binary = image.binary
        interpreter = binary.facts.interpreter
        if not interpreter or image.exists(interpreter):
            return ""
    except (GoImageError, OSError, ValueError, DockerException):
        return ""
    return (
        f"{binary.path} is in the image, but it is a dynamic binary whose ELF interpreter "
        f"{interpreter} the image lacks, so it cannot be started and is reported as not found "
        "(the static check names the libraries it needs): build it with CGO_ENABLED=0"
    )


def config_env(config: dict[str, Any]) -> dict[str, str]:
    """An image config's `Env` list (`KEY=value` items) as a table."""
    return {
        key: value for key, _, value in (item.partition("=") for item in config.get("Env") or [])
    }


def path_of(env: dict[str, str]) -> str:
    """The PATH a container of an image with ENV `env` runs with."""
    return env.get("PATH", DEFAULT_PATH)


@dataclass(frozen=True)
class Dangling:
    """A path that leads through symlinks to nothing: each link met (its path, its target as
    written), and the absolute path the last one leads to."""

    links: tuple[tuple[str, str], ...]
    missing: str


def dangling(lookup: Lookup, path: str) -> Dangling | None:
    """The symlinks `path` goes through to a file the image does not hold; None when it holds
    the file, or no symlink is on the way (the path is simply not there). Raises OSError
    where the overlay2 folders cannot be read."""
    path = posixpath.normpath(posixpath.join("/", path))
    links: list[tuple[str, str]] = []
    for _ in range(_MAX_SYMLINKS):
        parts = [part for part in path.split("/") if part not in ("", ".", "..")]
        found = lookup(parts) if parts else None
        if found is None:
            return Dangling(tuple(links), path) if links else None
        entry, depth = found
        if isinstance(entry, FileMode):
            return None
        links.append(("/" + "/".join(parts[: depth + 1]), entry))
        target = posixpath.join("/", *parts[:depth], entry)  # relative to the link's folder
        path = posixpath.normpath(posixpath.join(target, *parts[depth + 1 :]))
    return None


def off_path(image: BuiltImage, name: str, lookup: Lookup, copied: list[str]) -> str:
    """The message for `name`, which ENTRYPOINT/CMD runs by a bare name that no folder of the
    image's PATH holds: where the build put a file of that name instead (the WORKDIR, or one
    of `copied`, the files the Dockerfile's own COPYs put into the image) and how to run it
    from there; a symlink on PATH that leads nowhere gets missing_binary's message."""
    search = path_of(image.config.env)
    for folder in search.split(":"):
        on_path = posixpath.join(folder or "/", name)
        if _dangling(lookup, on_path) is not None:
            return missing_binary(image, on_path, lookup, copied)
    built_from = program_files.dockerfile_of(image.config.labels)
    runs = _running(built_from, name)
    who = "the runtime looks" if image.command[:1] == [name] else "the shell looks"
    workdir = image.config.working_dir or "/"
    said = (
        f"{image.dockerfile}: ENTRYPOINT/CMD runs {name!r}{_at(runs, built_from)}, which is not "
        f"on the PATH of {image.tag} ({search}), so a container of it cannot start as "
        f"written: {who} a name without a `/` up on PATH only, never in WORKDIR ({workdir})."
    )
    at_workdir = posixpath.join(workdir, name)
    found = [at_workdir] if image.exists(at_workdir) else []
    found += [path for path in copied if posixpath.basename(path) == name and path not in found]
    if not found:
        listed = (
            f" Files the build copied into the image: {', '.join(copied[:5])}." if copied else ""
        )
        return (
            f"{said} The build puts no file of that name into the image: COPY the program "
            "there and name it by its absolute path in ENTRYPOINT/CMD; only where it is "
            f"mounted at run time, set `binary` in [tool.goimage] to its absolute path.{listed}"
        )
    program = found[0]
    copy = _copier(built_from, program) if built_from else None
    put = f" (`{copy.text}`, {built_from.name}:{copy.line})" if copy and built_from else ""
    folder = posixpath.dirname(program)
    env_fix = f"ENV PATH={folder}:$PATH" if "PATH" in image.config.env else f"ENV PATH={folder}"
    fixed = f"write `{_replaced(runs, name, program)}`" if runs else f"run {program} by that path"
    return (
        f"{said} The build put a file of that name at {program}{put}: {fixed}, or add "
        f"{folder} to PATH (`{env_fix}`)."
    )


def missing_binary(image: BuiltImage, path: str, lookup: Lookup, copied: list[str]) -> str:
    """The message for the program `path` ENTRYPOINT/CMD (or `binary`) names, which is not in
    the image: the symlink there whose target is missing, the COPY that put the link in and
    the RUN that made it, and the file near the target that is there; else the files the
    Dockerfile's own COPYs put into the image (`copied`)."""
    broken = _dangling(lookup, path)
    if broken is None:
        hint = f" Files the build copied into the image: {', '.join(copied[:5])}." if copied else ""
        return (
            f"{image.dockerfile}: the binary {path} does not exist in {image.tag}; fix "
            f"ENTRYPOINT/CMD or set `binary` in [tool.goimage].{hint}"
        )
    chain = ", then ".join(f"{link} -> {target}" for link, target in broken.links)
    kind = "is a symlink" if broken.links[0][0] == path else "goes through a symlink"
    # Whether the container starts is only known when ENTRYPOINT/CMD named this path.
    cannot = ", so a container of it cannot start" if image.configured_binary is None else ""
    said = (
        f"{image.dockerfile}: the binary {path} in {image.tag} {kind} ({chain}) and "
        f"{broken.missing} does not exist in the image{cannot}."
    )
    origin = []
    built_from = program_files.dockerfile_of(image.config.labels)
    if built_from is not None:
        name = built_from.name
        link, target = broken.links[0]
        copy, made = _copier(built_from, link), _linker(built_from.dockerfile, target)
        if copy is not None:
            origin.append(f"`{copy.text}` ({name}:{copy.line}) put the link there")
        if made is not None:
            origin.append(f"`{made.text}` ({name}:{made.line}) made {'it' if copy else 'the link'}")
    said += f" {'; '.join(origin)}." if origin else ""
    near = _near(broken.missing, image)
    if near:
        fix = (
            f" {' and '.join(near)} {'is' if len(near) == 1 else 'are'} in the image: point "
            "the link at the file that is there, or put the file the link names there."
        )
    else:
        listed = f" (the build copied {', '.join(copied[:5])})" if copied else ""
        fix = f" Point the link at the program's real path{listed}, or put {broken.missing} there."
    return said + fix


def _dangling(lookup: Lookup, path: str) -> Dangling | None:
    try:
        return dangling(lookup, path)
    except OSError:  # an overlay2 folder this user cannot read: only the hint is lost
        return None


def _running(built_from: BuiltFrom | None, name: str) -> Instruction | None:
    """The ENTRYPOINT or CMD of the built stages that has `name` among its words (the
    last ENTRYPOINT first, as the runtime runs it first)."""
    if built_from is None:
        return None
    stages = built_from.stages()
    for keyword in ("ENTRYPOINT", "CMD"):
        last = None
        for stage in reversed(stages):  # base stages first: the last one written wins
            for instruction in stage.instructions:
                if instruction.keyword == keyword:
                    last = instruction
        if last is not None and name in _words(last):
            return last
    return None


def _words(instruction: Instruction) -> list[str]:
    return list(instruction.args) if instruction.json else instruction.value.split()


def _at(instruction: Instruction | None, built_from: BuiltFrom | None) -> str:
    if instruction is None or built_from is None:
        return ""
    return f" (`{instruction.text}`, {built_from.name}:{instruction.line})"


def _replaced(instruction: Instruction, name: str, program: str) -> str:
    """`instruction` as written, `name` swapped for the absolute `program`."""
    words = [program if word == name else word for word in _words(instruction)]
    shown = json.dumps(words) if instruction.json else " ".join(words)
    return f"{instruction.keyword} {shown}"


def _copier(built_from: BuiltFrom, path: str) -> Instruction | None:
    """The COPY/ADD of the built stages that put `path` into the image: the last one that
    copies to it, else the last one into a folder holding it (a folder copied whole)."""
    exact = into = None
    depth = 0
    workdir = "/"
    for stage in reversed(built_from.stages()):  # a stage inherits its base's WORKDIR
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR" and instruction.args:
                workdir = posixpath.normpath(posixpath.join(workdir, instruction.args[0]))
            if instruction.keyword not in ("COPY", "ADD") or len(instruction.args) < 2:
                continue
            *sources, destination = instruction.args
            targets = program_files.copy_targets(sources, destination, workdir)
            if any(path in choices for choices in targets):
                exact = instruction
            where = posixpath.normpath(posixpath.join(workdir, destination))
            if where != "/" and path.startswith(where + "/") and where.count("/") >= depth:
                into, depth = instruction, where.count("/")
    return exact or into


def _linker(dockerfile: Dockerfile, target: str) -> Instruction | None:
    """The RUN (of any stage) that makes a symlink to `target` with `ln`."""
    pattern = re.compile(rf"\bln\b[^;&|]*\s['\"]?{re.escape(target)}['\"]?(\s|$)")
    return next(
        (i for i in dockerfile.instructions if i.keyword == "RUN" and pattern.search(i.text)),
        None,
    )


def _near(missing: str, image: BuiltImage) -> list[str]:
    """Up to two files of the image close to `missing` (another version of the same program,
    usually): in its folder, else by path, else by name."""
    files = ["/" + path for path in final_files(image.layer_files())]
    folder = posixpath.dirname(missing) + "/"
    beside = [path for path in files if posixpath.dirname(path) + "/" == folder]
    near = difflib.get_close_matches(missing, beside, n=2, cutoff=0.6)
    near = near or difflib.get_close_matches(missing, files, n=2, cutoff=0.85)
    if near:
        return near
    names = difflib.get_close_matches(
        posixpath.basename(missing), map(posixpath.basename, files), n=2, cutoff=0.85
    )
    return [path for path in files if posixpath.basename(path) in names][:2]
