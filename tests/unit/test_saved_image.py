"""The API path's reader of a `docker save` archive (gofacts/saved_image.py), on archives laid
out as the engine writes them (`<id>/layer.tar` before Docker 25, an OCI layout with gzip blobs
from 25 on): files as a container sees them, whiteouts and opaque folders applied, symlinks and
hardlinks followed."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import dataclass

import pytest

from pytest_goimage.gofacts.layers import layer_files
from pytest_goimage.gofacts.saved_image import SavedImage


@dataclass(frozen=True)
class Link:
    target: str
    hard: bool = False


Entry = bytes | Link | None  # a file, a link, or a folder


def layer_tar(entries: dict[str, Entry]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, value in entries.items():
            info = tarfile.TarInfo(name)
            if value is None:
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            elif isinstance(value, Link):
                info.type = tarfile.LNKTYPE if value.hard else tarfile.SYMTYPE
                info.linkname = value.target
                archive.addfile(info)
            else:
                info.size = len(value)
                archive.addfile(info, io.BytesIO(value))
    return buffer.getvalue()


def saved(layers: list[dict[str, Entry]], *, oci: bool = False) -> SavedImage:
    outer = io.BytesIO()
    names = [f"blobs/sha256/{i:064x}" if oci else f"{i:02d}/layer.tar" for i in range(len(layers))]
    with tarfile.open(fileobj=outer, mode="w") as archive:
        # Newest first, as the engine may write them: only the manifest gives the order.
        for name, entries in reversed(list(zip(names, layers, strict=True))):
            blob = layer_tar(entries)
            blob = gzip.compress(blob) if oci else blob
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
        manifest = json.dumps([{"Config": "config.json", "Layers": names}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    outer.seek(0)
    return SavedImage(outer)


BASE: dict[str, Entry] = {
    "bin": None,
    "bin/busybox": b"BUSYBOX",
    "bin/sh": Link("/bin/busybox"),
    "usr": None,
    "usr/lib": None,
    "usr/lib/libc.so": b"LIBC",
    "lib": Link("usr/lib"),  # merged /usr, a relative link
    "etc/passwd": b"root:x:0:0\n",
    "data/old/x": b"old",
    "tmp/gone": b"gone",
    "app/config": None,
    "app/config/a.yaml": b"a",
}
TOP: dict[str, Entry] = {
    "tmp/.wh.gone": b"",
    "data/.wh..wh..opq": b"",
    "data/new/y": b"new",
    "opt/app/bin/app": b"\x7fELF-app",
    "usr/local/bin/app": Link("../../../opt/app/bin/app"),
    "usr/local/bin/app2": Link("opt/app/bin/app", hard=True),
    "app/config": b"now a file",  # a file over a lower folder hides the folder's content
}


@pytest.mark.parametrize("oci", [False, True], ids=["docker-save", "oci-layout"])
@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/bin/sh", b"BUSYBOX"),
        ("/lib/libc.so", b"LIBC"),  # through a folder symlink
        ("/usr/local/bin/app", b"\x7fELF-app"),  # relative, climbing
        ("usr/local/bin/app2", b"\x7fELF-app"),  # a hardlink; no leading slash
        ("/data/new/y", b"new"),
        ("/etc/passwd", b"root:x:0:0\n"),
        ("/app/config", b"now a file"),
        ("/bin/../etc/./passwd", b"root:x:0:0\n"),
    ],
)
def test_reads_what_a_container_sees(oci: bool, path: str, content: bytes) -> None:
    assert saved([BASE, TOP], oci=oci).read(path) == content


@pytest.mark.parametrize(
    "path",
    [
        "/tmp/gone",  # whiteout
        "/data/old/x",  # under an opaque folder
        "/app/config/a.yaml",  # under a folder a file replaced
        "/etc/passwd/x",  # a file where a folder is expected
        "/nowhere",
        "/lib/nowhere.so",
    ],
)
def test_deleted_and_missing_files_are_not_found(path: str) -> None:
    with pytest.raises(FileNotFoundError):
        saved([BASE, TOP]).read(path)


def test_a_folder_is_not_a_file() -> None:
    with pytest.raises(IsADirectoryError):
        saved([BASE, TOP]).read("/usr/lib")


def test_a_symlink_loop_stops() -> None:
    image = saved([{"a": Link("/b"), "b": Link("/a")}])
    with pytest.raises(FileNotFoundError, match="too many levels of symbolic links"):
        image.read("/a")


def test_a_whiteout_of_a_folder_deletes_what_is_under_it_and_a_later_layer_adds_back() -> None:
    image = saved([BASE, {".wh.usr": b""}, {"usr/lib/libc.so": b"NEW"}])
    assert image.read("/usr/lib/libc.so") == b"NEW"
    deleted = saved([BASE, {".wh.usr": b""}])
    with pytest.raises(FileNotFoundError):
        deleted.read("/lib/libc.so")


@pytest.mark.parametrize("oci", [False, True], ids=["docker-save", "oci-layout"])
def test_layer_listing_is_the_streaming_readers(oci: bool) -> None:
    """Both readers list the same: the secrets and size checks see one truth on both paths."""
    image = saved([BASE, TOP], oci=oci)
    outer = io.BytesIO()
    names = [f"{i:02d}/layer.tar" for i in range(2)]
    with tarfile.open(fileobj=outer, mode="w") as archive:
        for name, entries in zip(names, [BASE, TOP], strict=True):
            blob = layer_tar(entries)
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
        manifest = json.dumps([{"Layers": names}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    outer.seek(0)
    assert image.layer_files() == layer_files(outer)
    assert image.layer_files()[1]["tmp/.wh.gone"] == -1


def test_an_archive_without_a_manifest_or_a_layer_is_refused() -> None:
    empty = io.BytesIO()
    with tarfile.open(fileobj=empty, mode="w"):
        pass
    empty.seek(0)
    with pytest.raises(tarfile.TarError, match=r"no manifest\.json"):
        SavedImage(empty)
    partial = io.BytesIO()
    with tarfile.open(fileobj=partial, mode="w") as archive:
        manifest = json.dumps([{"Layers": ["00/layer.tar"]}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    partial.seek(0)
    with pytest.raises(tarfile.TarError, match=r"no readable layer 00/layer\.tar"):
        SavedImage(partial)


@pytest.mark.parametrize("oci", [False, True], ids=["docker-save", "oci-layout"])
def test_close_lets_go_of_the_archive_and_the_unpacked_layers(oci: bool) -> None:
    image = saved([BASE, TOP], oci=oci)
    assert image.read("/bin/sh") == b"BUSYBOX"
    files = [layer.fileobj for layer in image._layers] + [image._outer.fileobj]
    image.close()
    assert all(file is not None and file.closed for file in files)


class _Exports:
    """An engine API that answers `docker save` with bytes that are no image archive (as a
    zstd-layered export would be to this reader), counting the requests."""

    def __init__(self) -> None:
        self.requests = 0

    def get_image(self, image_id: str) -> list[bytes]:
        self.requests += 1
        return [b"\x28\xb5\x2f\xfd not a tar archive"]


def test_an_export_that_cannot_be_read_is_a_message_once() -> None:
    from types import SimpleNamespace

    from pytest_goimage.engine.image import BuiltImage, ImageConfigView
    from pytest_goimage.errors import BinaryError

    api = _Exports()
    image = BuiltImage(
        dockerfile="Dockerfile",
        tag="goimage/x:1",
        id="sha256:" + "0" * 64,
        size=0,
        config=ImageConfigView("", {}, ["/app"], [], [], {}, None, ""),
        layers=[],
        architecture="amd64",
        os="linux",
        build_seconds=0.0,
        cached_steps=0,
        steps=0,
        log_path="",
        _client=SimpleNamespace(api=api),
        _inspect={"GraphDriver": {"Name": "zfs"}},  # not overlay2: the API path
    )
    for _ in range(2):
        with pytest.raises(BinaryError) as caught:
            image.read_file("/app")
        assert str(caught.value) == (
            "Dockerfile: the export of image goimage/x:1 cannot be read (truncated header), so "
            "its files cannot be read without the engine's overlay2 folders; this plugin reads "
            "layers stored as tar or gzip (zstd layers are not supported yet)."
        )
    assert api.requests == 1
