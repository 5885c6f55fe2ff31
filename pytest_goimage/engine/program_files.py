"""Where an image's own COPY/ADD instructions put files, which instruction gave a file its
mode, and that mode read from the image's layers: for messages about a program that is not
where ENTRYPOINT/CMD says, or that the runtime may not execute."""

from __future__ import annotations

import os
import posixpath
import re
import stat
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import docker.errors

from ..gofacts.dockerfile import Dockerfile, Instruction, Stage, parse_dockerfile_leniently
from ..gofacts.saved_image import SavedImage
from ..gofacts.shell_script import REFERENCE
from . import overlay
from .labels import LABEL_DOCKERFILE, LABEL_PROJECT, LABEL_TARGET

_Found = TypeVar("_Found")
_MAX_SYMLINKS = 40


@dataclass(frozen=True)
class BuiltFrom:
    """The Dockerfile (as configured, and parsed) the plugin built an image from, and the
    target stage it built (None: the last)."""

    name: str
    dockerfile: Dockerfile
    target: str | None

    def stages(self) -> list[Stage]:
        """The stages the image's config inherits: the target and the stages it is FROM."""
        return self.dockerfile.built_stages(self.target)


def dockerfile_of(labels: dict[str, str]) -> BuiltFrom | None:
    """What the plugin built an image from, found by the labels the build stamps; None for an
    image without them or a file gone since."""
    project, name = labels.get(LABEL_PROJECT), labels.get(LABEL_DOCKERFILE)
    if not project or not name:
        return None
    try:
        text = (Path(project) / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return BuiltFrom(name, parse_dockerfile_leniently(text), labels.get(LABEL_TARGET) or None)


def copy_targets(sources: list[str], destination: str, workdir: str) -> list[tuple[str, ...]]:
    """Per file a COPY/ADD of `sources` to `destination` copies, the paths it may have got,
    the WORKDIR in effect joined to a relative destination as BuildKit does. A destination
    without a trailing `/` is the file itself, or the folder it names when that existed."""
    where = posixpath.normpath(posixpath.join(workdir or "/", destination))
    names = [source.rstrip("/").rsplit("/", 1)[-1] for source in sources]
    inside = [posixpath.join(where, name) for name in names if name not in ("", ".", "..")]
    if destination.endswith("/") or destination in (".", "") or len(sources) > 1:
        return [(target,) for target in inside]
    return [(where, *inside)]


def own_copies(
    history: Iterable[str], dockerfile: Dockerfile | None, exists: Callable[[str], bool]
) -> list[str]:
    """Files the COPY/ADD entries of an image's history (oldest first, as `COPY a b`) put
    there and that are still files, each once. With the Dockerfile only the entries that
    one of its COPY/ADD instructions wrote (`$VAR` matching any word): the base image's
    own COPYs stay out; without it every entry counts."""
    written = None
    if dockerfile is not None:
        written = [
            [i.keyword, *i.args]
            for i in dockerfile.instructions
            if i.keyword in ("COPY", "ADD") and len(i.args) >= 2
        ]
    found: list[str] = []
    workdir = "/"
    for text in history:
        words = [word for word in text.split() if not word.startswith("--")]
        if words[:1] == ["WORKDIR"] and len(words) == 2:
            workdir = posixpath.normpath(posixpath.join(workdir, words[1]))
        if words[:1] not in (["COPY"], ["ADD"]) or len(words) < 3:
            continue
        if written is not None and not any(_same_words(w, words) for w in written):
            continue
        for choices in copy_targets(words[1:-1], words[-1], workdir):
            target = next((path for path in choices if exists(path)), None)
            if target is not None and target not in found:
                found.append(target)
    return found


def _same_words(written: list[str], recorded: list[str]) -> bool:
    if len(written) != len(recorded):
        return False
    for word, seen in zip(written, recorded, strict=True):
        if "$" not in word:
            if word != seen:
                return False
            continue
        literal = REFERENCE.split(word)
        if not re.fullmatch(r"\S*".join(re.escape(part) for part in literal), seen):
            return False
    return True


def mode_setter(dockerfile: Dockerfile, path: str) -> Instruction | None:
    """The instruction that last gave `path` its mode: the COPY/ADD that put it there, or a
    later RUN of that stage that chmods it (by its absolute path). The built target is not
    known here, so the last stage with one wins (the final stage, usually)."""
    found = None
    for stage in dockerfile.stages:
        workdir = "/"
        copied = None
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR" and instruction.args:
                workdir = posixpath.normpath(posixpath.join(workdir, instruction.args[0]))
            elif instruction.keyword in ("COPY", "ADD") and len(instruction.args) >= 2:
                *sources, destination = instruction.args
                if any(path in choices for choices in copy_targets(sources, destination, workdir)):
                    copied = instruction
            elif (
                copied is not None
                and instruction.keyword == "RUN"
                and re.search(rf"\bchmod\b.*(?<![\w/.-]){re.escape(path)}\b", instruction.text)
            ):
                copied = instruction
        found = copied or found
    return found


@dataclass(frozen=True)
class FileMode:
    """A file's `st_mode` (type and permission bits) and its owner, as stored in the image."""

    mode: int
    uid: int
    gid: int

    @property
    def permissions(self) -> str:
        return f"{stat.S_IMODE(self.mode):04o}"


# A layer walk over a path's components: the file's mode, or the target of a symlink met on
# the way, with the index of the component it stands for; None when there is no such file.
Lookup = Callable[[list[str]], tuple[FileMode | str, int] | None]


def file_mode(client: Any, inspect: dict[str, Any], path: str) -> FileMode | None:
    """The mode of `path` in the image (symlinks followed); None when the file is not there
    or the image cannot be read."""
    return from_image(
        client,
        inspect,
        lambda dirs: _follow(lambda parts: overlay_entry(dirs, parts), path),
        lambda saved: _follow(lambda parts: saved_entry(saved, parts), path),
    )


def from_image(
    client: Any,
    inspect: dict[str, Any],
    local: Callable[[list[Path]], _Found | None],
    exported: Callable[[SavedImage], _Found | None],
) -> _Found | None:
    """`local(the layer folders)` where the engine's overlay2 folders are readable here, else
    `exported(an export of the image)`; None when the image cannot be read. An OSError of
    `local` (a layer folder this user may not read) falls back to the export."""
    try:
        return local(overlay.layer_dirs(inspect))
    except (overlay.NotLocal, OSError):  # not here, or not readable by this user
        pass
    try:
        saved = export_image(client, str(inspect.get("Id", "")))
    except (tarfile.TarError, OSError, EOFError, ValueError, docker.errors.APIError):
        return None  # an export that cannot be read only costs the hint
    try:
        return exported(saved)
    finally:
        saved.close()


def export_image(client: Any, image_id: str) -> SavedImage:
    """The image as `docker save` writes it, fetched into an unnamed temporary file (gone
    when the SavedImage is closed). Raises tarfile.TarError, OSError or the engine's error."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the SavedImage
    try:
        for chunk in client.api.get_image(image_id):
            spool.write(chunk)
        spool.seek(0)
        return SavedImage(spool)
    except BaseException:
        spool.close()
        raise


def _follow(lookup: Lookup, path: str) -> FileMode | None:
    path = posixpath.normpath(posixpath.join("/", path))
    for _ in range(_MAX_SYMLINKS):
        parts = [part for part in path.split("/") if part not in ("", ".", "..")]
        found = lookup(parts) if parts else None
        if found is None:
            return None
        entry, depth = found
        if isinstance(entry, FileMode):
            return entry
        # A symlink: a relative target is relative to the link's folder.
        target = posixpath.join("/", *parts[:depth], entry)
        path = posixpath.normpath(posixpath.join(target, *parts[depth + 1 :]))
    return None


def overlay_entry(dirs: list[Path], parts: list[str]) -> tuple[FileMode | str, int] | None:
    found = overlay.layer_entry(dirs, parts)  # the layer walk overlay.read_file does
    if found is None:
        return None
    layer_path, depth = found
    info = os.lstat(layer_path)
    if stat.S_ISLNK(info.st_mode):
        return os.readlink(layer_path), depth
    return FileMode(info.st_mode, info.st_uid, info.st_gid), depth


def saved_entry(saved: SavedImage, parts: list[str]) -> tuple[FileMode | str, int] | None:
    for depth in range(len(parts)):
        member = saved.entry("/".join(parts[: depth + 1]))  # what read() walks
        if member is None:
            continue  # a folder the layer tars do not list on its own
        if member.issym():
            return member.linkname, depth
        if depth == len(parts) - 1:
            kind = stat.S_IFDIR if member.isdir() else stat.S_IFREG
            return FileMode(kind | stat.S_IMODE(member.mode), member.uid, member.gid), depth
        if not member.isdir():
            return None
    return None
