"""What each layer of an image holds, and the bytes wasted on files later layers remove or replace.

"Wasted" follows dive's meaning: a file that a later layer deletes (a whiteout) or overwrites
still ships in the earlier layer.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any


@dataclass(frozen=True)
class Waste:
    path: str
    size: int
    layer: int  # index of the layer that ships the bytes
    later: int  # index of the layer that deletes or overwrites it
    action: str  # "deleted" or "overwritten"

    @property
    def reason(self) -> str:
        """ "deleted in layer N" or "overwritten in layer N"."""
        return f"{self.action} in layer {self.later}"


def layer_files(image_tar: IO[bytes]) -> list[dict[str, int]]:
    """Per layer (oldest first): path -> size, with whiteouts as `.wh.` entries of size -1."""
    with tarfile.open(fileobj=image_tar, mode="r|") as outer:
        layers: dict[str, dict[str, int]] = {}
        manifest: list[dict[str, Any]] = []
        for member in outer:
            handle = outer.extractfile(member) if member.isfile() else None
            if handle is None:
                continue
            if member.name == "manifest.json":
                manifest = json.loads(handle.read())
            elif member.name.endswith(".tar") or member.name.startswith("blobs/"):
                # Docker < 25 names layers <id>/layer.tar; 25+ writes an OCI layout
                # (blobs/sha256/<hex>), possibly gzip-compressed.
                try:
                    layers[member.name] = _files_of(handle)
                except (tarfile.TarError, EOFError, OSError):
                    continue  # the image config and other non-layer blobs
    order = manifest[0].get("Layers", []) if manifest else []
    missing = [name for name in order if name not in layers]
    if not manifest or missing:
        raise tarfile.TarError(
            f"the image export has no readable layer for {', '.join(missing) or 'its manifest'}"
        )
    return [layers[name] for name in order]


def _files_of(handle: IO[bytes]) -> dict[str, int]:
    files: dict[str, int] = {}
    with tarfile.open(fileobj=handle, mode="r|*") as inner:
        for member in inner:
            name = member.name.removeprefix("./")
            base = name.rsplit("/", 1)[-1]
            if base.startswith(".wh."):
                files[name] = -1
            elif member.isfile():
                files[name] = member.size
    return files


def wasted(layers: list[dict[str, int]]) -> list[Waste]:
    """Files shipped in one layer and deleted or overwritten by a later one, largest first."""
    found: list[Waste] = []
    for index, files in enumerate(layers):
        for path, size in files.items():
            if size <= 0:
                continue
            for later_index in range(index + 1, len(layers)):
                later = layers[later_index]
                if path in later and later[path] >= 0:
                    found.append(Waste(path, size, index, later_index, "overwritten"))
                    break
                if _whiteout_hits(path, later):
                    found.append(Waste(path, size, index, later_index, "deleted"))
                    break
    return sorted(found, key=lambda w: -w.size)


def _whiteout_hits(path: str, later: dict[str, int]) -> bool:
    """True when `later` deletes `path` or one of its parent directories, or makes one opaque."""
    parts = path.split("/")
    for depth in range(len(parts)):
        prefix = "".join(f"{part}/" for part in parts[:depth])
        if depth and later.get(f"{prefix}.wh..wh..opq") == -1:
            return True
        if later.get(f"{prefix}.wh.{parts[depth]}") == -1:
            return True
    return False


def final_files(layers: list[dict[str, int]]) -> dict[str, int]:
    """The files of the image as a container sees them: whiteouts applied, path -> size."""
    present: dict[str, int] = {}
    for files in layers:
        for path, size in files.items():
            if size >= 0:
                continue
            parent, _, base = path.rpartition("/")
            prefix = f"{parent}/" if parent else ""
            hidden = prefix if base == ".wh..wh..opq" else prefix + base[len(".wh.") :]
            for existing in [p for p in present if p == hidden or p.startswith(hidden + "/")]:
                present.pop(existing)
            if base == ".wh..wh..opq":
                for existing in [p for p in present if p.startswith(prefix)]:
                    present.pop(existing)
        present.update({path: size for path, size in files.items() if size >= 0})
    return present


def hidden_versions(layers: list[dict[str, int]], paths: Iterable[str]) -> list[tuple[int, str]]:
    """(layer index, path) of each version of `paths` that a container does not see: one a
    later layer deleted or replaced. The image still ships it, and `docker save` (or any
    registry pull) gives it to whoever asks."""
    top = {path: index for index, files in enumerate(layers) for path in files}
    present = final_files(layers)
    return [
        (index, path)
        for path in paths
        for index, files in enumerate(layers)
        if files.get(path, -1) >= 0 and (path not in present or index != top[path])
    ]
