"""A `docker save` archive read in place: each layer's file listing, and any file's bytes as a
container of the image would see them (whiteouts, opaque folders and symlinks applied).

One export serves every read of an image on the API path (an engine whose overlay2 folders are
not readable from here), where a created container per read cost 0.1-0.3 s each. The archive
must be a seekable file: layers are opened in place, a gzip layer (Docker 25+ OCI layout) is
unpacked into a temporary file once.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import shutil
import tarfile
import tempfile
from typing import IO

__all__ = ["SavedImage"]

_OPAQUE = ".wh..wh..opq"
_WHITEOUT = ".wh."
_MAX_SYMLINKS = 40  # Linux's limit when resolving a path
_GZIP_MAGIC = b"\x1f\x8b"


class SavedImage:
    """The layers of one saved image, oldest first. Raises tarfile.TarError when the archive
    has no manifest or misses a layer it names."""

    def __init__(self, archive: IO[bytes]) -> None:
        # Open as long as this object: every read seeks into them (SIM115).
        self._outer = tarfile.open(fileobj=archive, mode="r:")  # noqa: SIM115
        members = {member.name: member for member in self._outer.getmembers()}
        manifest_member = members.get("manifest.json")
        handle = self._outer.extractfile(manifest_member) if manifest_member else None
        if handle is None:
            raise tarfile.TarError("the image export has no manifest.json")
        manifest = json.loads(handle.read())
        order: list[str] = manifest[0].get("Layers", []) if manifest else []
        self._layers: list[tarfile.TarFile] = []
        for name in order:
            member = members.get(name)
            blob = self._outer.extractfile(member) if member is not None else None
            if blob is None:
                raise tarfile.TarError(f"the image export has no readable layer {name}")
            self._layers.append(tarfile.open(fileobj=_unpacked(blob), mode="r:"))  # noqa: SIM115
        self._members = [layer.getmembers() for layer in self._layers]
        self._merged = _merged(self._members)

    def entry(self, path: str) -> tarfile.TarInfo | None:
        """The top-most layer's entry for `path` (no leading `/`; whiteouts applied), if any."""
        found = self._merged.get(path)
        return found[1] if found is not None else None

    def close(self) -> None:
        """Close the archive and the unpacked layers (their temporary files go with them)."""
        for layer in self._layers:
            if layer.fileobj is not None:
                layer.fileobj.close()
            layer.close()
        self._outer.close()
        if self._outer.fileobj is not None:
            self._outer.fileobj.close()

    def read_listed(self, index: int, path: str) -> bytes:
        """The bytes of `path` as layer `index` (oldest first) holds it, a regular file
        layer_files listed there: also one a later layer deleted or replaced."""
        for member in self._members[index]:
            if member.name.removeprefix("./") == path and member.isfile():
                data = self._layers[index].extractfile(member)
                if data is not None:
                    return data.read()
        raise FileNotFoundError(f"{path} is not a file of layer {index + 1}")

    def layer_files(self) -> list[dict[str, int]]:
        """Per layer, oldest first: path -> size, whiteouts as `.wh.` entries of size -1 (as
        layers.layer_files lists them from a stream)."""
        listing: list[dict[str, int]] = []
        for members in self._members:
            files: dict[str, int] = {}
            for member in members:
                name = member.name.removeprefix("./")
                if name.rsplit("/", 1)[-1].startswith(_WHITEOUT):
                    files[name] = -1
                elif member.isfile():
                    files[name] = member.size
            listing.append(files)
        return listing

    def read(self, path: str) -> bytes:
        """The bytes of `path` (symlinks followed). Raises FileNotFoundError, or
        IsADirectoryError for a folder."""
        path = posixpath.normpath(posixpath.join("/", path))
        for _ in range(_MAX_SYMLINKS):
            parts = [part for part in path.split("/") if part not in ("", ".", "..")]
            redirected = None
            for depth in range(len(parts)):
                key = "/".join(parts[: depth + 1])
                found = self._merged.get(key)
                last = depth == len(parts) - 1
                if found is None:
                    if last:
                        raise FileNotFoundError(path)
                    continue  # a folder the layer tars do not list on its own
                layer, member = found
                if member.issym():
                    # A relative target is relative to the link's folder; `..` never leaves `/`.
                    target = posixpath.join("/", *parts[:depth], member.linkname)
                    redirected = posixpath.normpath(posixpath.join(target, *parts[depth + 1 :]))
                    break
                if not last and not member.isdir():
                    raise FileNotFoundError(path)  # a file where a folder is expected
                if last:
                    if member.isdir():
                        raise IsADirectoryError(path)
                    data = self._layers[layer].extractfile(member)
                    if data is None:
                        raise FileNotFoundError(f"{path} is not a regular file")
                    return data.read()
            if redirected is None:
                raise IsADirectoryError(path)  # no parts: the root folder
            path = redirected
        raise FileNotFoundError(f"{path}: too many levels of symbolic links")


def _unpacked(blob: IO[bytes]) -> IO[bytes]:
    """The layer tar itself: a gzip blob unpacked into a temporary file (seekable, unlike a
    gzip stream read out of order)."""
    start = blob.read(2)
    blob.seek(0)
    if start != _GZIP_MAGIC:
        return blob
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - read as the layer from now on
    with gzip.GzipFile(fileobj=blob) as unzipped:
        shutil.copyfileobj(unzipped, spool)
    spool.seek(0)
    return spool


def _merged(layers: list[list[tarfile.TarInfo]]) -> dict[str, tuple[int, tarfile.TarInfo]]:
    """Path -> (layer index, entry) of what a container sees: each layer over the ones below,
    `.wh.NAME` deleting NAME (and what is under it), `.wh..wh..opq` hiding a folder's lower
    content."""
    merged: dict[str, tuple[int, tarfile.TarInfo]] = {}

    def drop_below(index: int, folder: str, itself: bool) -> None:
        prefix = folder + "/"
        for key in [k for k, (i, _) in merged.items() if i < index and k.startswith(prefix)]:
            del merged[key]
        if itself and folder in merged and merged[folder][0] < index:
            del merged[folder]

    for index, members in enumerate(layers):
        for member in members:
            name = member.name.removeprefix("./").rstrip("/")
            if not name or name == ".":
                continue
            folder, _, base = name.rpartition("/")
            if base == _OPAQUE:
                drop_below(index, folder, itself=False)
            elif base.startswith(_WHITEOUT):
                deleted = f"{folder}/{base[len(_WHITEOUT) :]}" if folder else base[len(_WHITEOUT) :]
                drop_below(index, deleted, itself=True)
            else:
                # A file over a lower folder needs no pruning: read() stops at a file where a
                # folder is expected.
                merged[name] = (index, member)
    return merged
