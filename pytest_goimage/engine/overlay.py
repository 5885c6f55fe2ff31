"""Read an image's files straight from the engine's overlay2 layer directories.

When the engine runs on this machine with the overlay2 driver (the common Linux case) and we
may read its data root, a file is read from the one layer that holds it, in microseconds,
instead of creating a container or exporting the image. Anywhere else (a remote DOCKER_HOST,
Docker Desktop's VM, another storage driver, no permission) callers fall back to the API.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path, PurePosixPath
from typing import Any

from .connection import engine_host

OPAQUE_XATTRS = ("trusted.overlay.opaque", "user.overlay.opaque")
MAX_SYMLINKS = 16


class NotLocal(Exception):
    """The layer directories cannot be read here; use the engine API instead."""


def layer_dirs(inspect: dict[str, Any]) -> list[Path]:
    """The image's layer diff directories, top-most first; NotLocal when unusable."""
    host = engine_host()
    if not host.startswith("unix://"):
        # A remote engine's layer paths could exist here by accident; never read them.
        raise NotLocal(f"the engine at {host} is not behind a local socket")
    driver = inspect.get("GraphDriver") or {}
    if driver.get("Name") != "overlay2":
        raise NotLocal(f"storage driver {driver.get('Name')!r}")
    data = driver.get("Data") or {}
    dirs = [data.get("UpperDir", "")] + [d for d in (data.get("LowerDir") or "").split(":") if d]
    paths = [Path(d) for d in dirs if d]
    try:
        if not paths or not all(p.is_dir() and os.access(p, os.R_OK | os.X_OK) for p in paths):
            raise NotLocal("layer directories are not readable from here")
    except OSError as exc:
        raise NotLocal(str(exc)) from None
    return paths


def _is_whiteout(mode: int, rdev: int) -> bool:
    return stat.S_ISCHR(mode) and rdev == 0


def _is_opaque(directory: Path) -> bool:
    for name in OPAQUE_XATTRS:
        try:
            if os.getxattr(directory, name, follow_symlinks=False) == b"y":
                return True
        except OSError:
            continue
    return False


def read_file(dirs: list[Path], path: str) -> bytes:
    """The bytes of `path` as a container would see them (symlinks followed)."""
    path = posixpath.normpath(posixpath.join("/", path))
    for _ in range(MAX_SYMLINKS):
        parts = [p for p in PurePosixPath(path).parts if p not in ("/", "", "..")]
        found = layer_entry(dirs, parts)
        if found is None:
            raise FileNotFoundError(path)
        layer_path, depth = found
        info = os.lstat(layer_path)
        if stat.S_ISLNK(info.st_mode):
            target = os.readlink(layer_path)
            # A relative target is relative to the link's directory; `..` never leaves `/`.
            directory = posixpath.join("/", *parts[:depth])
            resolved = posixpath.join(directory, target)
            path = posixpath.normpath(posixpath.join(resolved, *parts[depth + 1 :]))
            continue
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        return layer_path.read_bytes()
    raise FileNotFoundError(f"{path}: too many levels of symbolic links")


def read_listed(dirs: list[Path], index: int, path: str) -> bytes:
    """The bytes of `path` as layer `index` (oldest first, as layer_listing counts) holds it,
    a regular file there. No link is followed, on the way or at the end: one in an image's
    layer could point anywhere on this machine."""
    current = dirs[len(dirs) - 1 - index]
    for part in PurePosixPath(path).parts[:-1]:
        current = current / part
        if not stat.S_ISDIR(os.lstat(current).st_mode):
            raise NotADirectoryError(f"{path}: {part} is no folder in layer {index + 1}")
    descriptor = os.open(current / PurePosixPath(path).name, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read()


def layer_entry(dirs: list[Path], parts: list[str]) -> tuple[Path, int] | None:
    """The top-most layer entry for `parts`, or the first symlink met on the way.

    Returns (path in a layer dir, index of the component it stands for)."""
    for layer in dirs:
        current = layer
        for index, part in enumerate(parts):
            candidate = current / part
            try:
                info = os.lstat(candidate)
            except FileNotFoundError:
                # Not in this layer. An opaque directory on the way hides every lower layer.
                if any(_is_opaque(layer.joinpath(*parts[:i])) for i in range(1, index + 1)):
                    return None
                break
            if _is_whiteout(info.st_mode, info.st_rdev):
                return None  # deleted in this layer
            if stat.S_ISLNK(info.st_mode) or index == len(parts) - 1:
                return candidate, index
            if not stat.S_ISDIR(info.st_mode):
                return None  # a file where a directory is expected
            current = candidate
    return None


def _unreadable(error: OSError) -> None:
    # A folder this user cannot list (rootless engines, other users' files) would silently
    # drop its files from the listing; the API path sees them all.
    raise NotLocal(f"cannot list {error.filename}: {error.strerror}")


def layer_listing(dirs: list[Path]) -> list[dict[str, int]]:
    """Per layer, oldest first: path -> size, whiteouts as `.wh.` entries of size -1 (the
    layout `layers.layer_files` reads from an exported image)."""
    listings: list[dict[str, int]] = []
    for layer in reversed(dirs):
        files: dict[str, int] = {}
        for root, dirnames, filenames in os.walk(layer, onerror=_unreadable):
            rel_root = os.path.relpath(root, layer)
            prefix = "" if rel_root == "." else rel_root + "/"
            if prefix and _is_opaque(Path(root)):
                files[f"{prefix}.wh..wh..opq"] = -1
            for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(root, d))]:
                info = os.lstat(os.path.join(root, name))
                if _is_whiteout(info.st_mode, info.st_rdev):
                    files[f"{prefix}.wh.{name}"] = -1
                elif stat.S_ISREG(info.st_mode):
                    files[prefix + name] = info.st_size
        listings.append(files)
    return listings
