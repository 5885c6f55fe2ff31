"""What each layer of a saved image holds, what a container sees, and the bytes later layers
waste (gofacts/layers.py), read from real tar archives laid out as `docker save` writes them:
`<id>/layer.tar` before Docker 25, an OCI layout with gzip blobs from 25 on. Whiteouts follow
the OCI image spec: `.wh.<name>` deletes name, `.wh..wh..opq` empties its folder."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile

import pytest

from pytest_goimage.gofacts.layers import Waste, final_files, hidden_versions, layer_files, wasted


def tar(entries: dict[str, bytes | None]) -> bytes:
    """A tar of files (bytes) and folders (None), in the order given."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def saved(layers: list[dict[str, bytes | None]], *, oci: bool) -> io.BytesIO:
    """`docker save` output of an image with these layers, oldest first; the layers are
    stored newest first, so only the manifest gives their order."""
    outer: dict[str, bytes | None] = {}
    names = []
    for index, entries in enumerate(layers):
        blob = tar(entries)
        if oci:
            blob = gzip.compress(blob)
            names.append(f"blobs/sha256/{hashlib.sha256(blob).hexdigest()}")
        else:
            names.append(f"{index:02d}/layer.tar")
    blobs = {name: tar(entries) for name, entries in zip(names, layers, strict=True)}
    if oci:
        blobs = {name: gzip.compress(blob) for name, blob in blobs.items()}
        outer["blobs/sha256/" + "c" * 64] = b'{"architecture": "amd64"}'
    for name in reversed(names):
        outer[name] = blobs[name]
    outer["manifest.json"] = json.dumps([{"Layers": names}]).encode()
    return io.BytesIO(tar(outer))


LAYERS: list[dict[str, bytes | None]] = [
    {"./etc": None, "./etc/app.conf": b"12345", "./app": b"1234567890", "./empty": b""},
    {"etc/.wh.app.conf": b"", "app": b"12", "tmp/.wh..wh..opq": b"", "tmp/x": b"1"},
]
LISTED = [
    {"etc/app.conf": 5, "app": 10, "empty": 0},
    {"etc/.wh.app.conf": -1, "app": 2, "tmp/.wh..wh..opq": -1, "tmp/x": 1},
]


@pytest.mark.parametrize("oci", [False, True], ids=["docker-save", "oci-layout"])
def test_each_layer_lists_its_files_and_whiteouts_in_manifest_order(oci: bool) -> None:
    assert layer_files(saved(LAYERS, oci=oci)) == LISTED


def test_an_export_without_a_manifest_is_refused() -> None:
    with pytest.raises(tarfile.TarError) as refused:
        layer_files(io.BytesIO(tar({"00/layer.tar": tar({"a": b"1"})})))
    assert str(refused.value) == "the image export has no readable layer for its manifest"


def test_an_export_missing_a_layer_names_it() -> None:
    manifest = json.dumps([{"Layers": ["00/layer.tar", "01/layer.tar"]}]).encode()
    export = tar({"00/layer.tar": tar({"a": b"1"}), "manifest.json": manifest})
    with pytest.raises(tarfile.TarError) as refused:
        layer_files(io.BytesIO(export))
    assert str(refused.value) == "the image export has no readable layer for 01/layer.tar"


def test_a_layer_that_is_no_tar_is_missing_not_a_crash() -> None:
    manifest = json.dumps([{"Layers": ["00/layer.tar"]}]).encode()
    export = tar({"00/layer.tar": b"not a tar at all", "manifest.json": manifest})
    with pytest.raises(tarfile.TarError) as refused:
        layer_files(io.BytesIO(export))
    assert str(refused.value) == "the image export has no readable layer for 00/layer.tar"


def test_a_manifest_without_layers_is_an_image_with_none() -> None:
    assert layer_files(io.BytesIO(tar({"manifest.json": b'[{"Config": "c.json"}]'}))) == []


@pytest.mark.parametrize(
    ("layers", "seen"),
    [
        (LISTED, {"app": 2, "empty": 0, "tmp/x": 1}),
        # A whiteout of a folder hides everything under it, and nothing that only starts alike.
        (
            [{"srv/a": 1, "srv/b/c": 2, "srv2/d": 3, "srvx": 4}, {".wh.srv": -1}],
            {"srv2/d": 3, "srvx": 4},
        ),
        # An opaque folder hides what earlier layers put there, not what its own layer adds.
        (
            [
                {"data/old": 1, "data/sub/older": 2, "database": 3},
                {"data/.wh..wh..opq": -1},
                {"data/new": 4},
            ],
            {"database": 3, "data/new": 4},
        ),
        ([{"a/.wh..wh..opq": -1, "a/b": 1}], {"a/b": 1}),
        # An opaque marker at the root hides the whole earlier file system.
        ([{"a": 1, "d/e": 2}, {".wh..wh..opq": -1, "f": 3}], {"f": 3}),
        ([{"nested/deep/file": 7}, {"nested/deep/.wh.file": -1}], {}),
        ([{"keep": 1}, {".wh.other": -1}], {"keep": 1}),
    ],
    ids=[
        "example",
        "folder-whiteout",
        "opaque-folder",
        "opaque-same-layer",
        "opaque-root",
        "nested-file",
        "unrelated-whiteout",
    ],
)
def test_the_final_files_are_what_a_container_sees(
    layers: list[dict[str, int]], seen: dict[str, int]
) -> None:
    assert final_files(layers) == seen


@pytest.mark.parametrize(
    ("layers", "waste"),
    [
        (
            LISTED,
            [Waste("app", 10, 0, 1, "overwritten"), Waste("etc/app.conf", 5, 0, 1, "deleted")],
        ),
        # The first later layer that touches the file is the one named.
        (
            [{"f": 4}, {"g": 1}, {".wh.f": -1}, {"f": 9}],
            [Waste("f", 4, 0, 2, "deleted")],
        ),
        (
            [{"f": 4}, {"f": 6}, {"f": 1}],
            [Waste("f", 6, 1, 2, "overwritten"), Waste("f", 4, 0, 1, "overwritten")],
        ),
        # Deleted through a parent folder, or an opaque parent or grandparent.
        ([{"a/b/c": 3}, {"a/.wh.b": -1}], [Waste("a/b/c", 3, 0, 1, "deleted")]),
        ([{"a/b/c": 3}, {"a/b/.wh..wh..opq": -1}], [Waste("a/b/c", 3, 0, 1, "deleted")]),
        ([{"a/b/c": 3}, {"a/.wh..wh..opq": -1}], [Waste("a/b/c", 3, 0, 1, "deleted")]),
        # Empty files waste nothing; a whiteout is no file that a later layer can overwrite.
        ([{"e": 0}, {".wh.e": -1}], []),
        ([{"x": 5}, {"x/.wh.y": -1}], []),
        ([{"ab": 5}, {".wh.a": -1}], []),
        ([{"x": 5}, {"y": 5}], []),
        ([{"d/x": 5}, {"d/y": 5}], []),
    ],
    ids=[
        "example",
        "first-later-layer",
        "twice-overwritten",
        "parent-whiteout",
        "opaque-parent",
        "opaque-grandparent",
        "empty-file",
        "whiteout-below-file",
        "prefix-name",
        "untouched",
        "untouched-in-folder",
    ],
)
def test_wasted_bytes_are_files_a_later_layer_deletes_or_overwrites_largest_first(
    layers: list[dict[str, int]], waste: list[Waste]
) -> None:
    assert wasted(layers) == waste


def test_a_waste_says_what_happened_in_which_layer() -> None:
    assert Waste("app", 10, 0, 3, "overwritten").reason == "overwritten in layer 3"


class _Unseekable(io.RawIOBase):
    """A stream that can only be read forward, as the engine's HTTP body of `docker save`."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_an_export_is_read_from_a_stream_that_cannot_seek() -> None:
    export = io.BufferedReader(_Unseekable(saved(LAYERS, oci=True).getvalue()))
    assert layer_files(export) == LISTED


def test_folders_and_symlinks_in_the_export_are_passed_over() -> None:
    """Docker 25 writes the legacy `<id>/layer.tar` as symlinks to the OCI blobs."""
    blob = tar({"app": b"12345"})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name in ("blobs/", "legacy/"):
            folder = tarfile.TarInfo(name)
            folder.type = tarfile.DIRTYPE
            archive.addfile(folder)
        link = tarfile.TarInfo("legacy/layer.tar")
        link.type = tarfile.SYMTYPE
        link.linkname = "../blobs/sha256/" + "a" * 64
        archive.addfile(link)
        for name, data in (
            ("blobs/sha256/" + "a" * 64, blob),
            ("manifest.json", json.dumps([{"Layers": ["blobs/sha256/" + "a" * 64]}]).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert layer_files(io.BytesIO(buffer.getvalue())) == [{"app": 5}]


def test_a_whiteout_deep_in_a_layer_is_a_whiteout() -> None:
    layers = [{"a/b/c/file": b"1"}, {"a/b/c/.wh.file": b""}]
    assert layer_files(saved(layers, oci=False)) == [{"a/b/c/file": 1}, {"a/b/c/.wh.file": -1}]


def test_an_export_missing_two_layers_names_both() -> None:
    manifest = json.dumps([{"Layers": ["00/layer.tar", "01/layer.tar"]}]).encode()
    with pytest.raises(tarfile.TarError) as refused:
        layer_files(io.BytesIO(tar({"manifest.json": manifest})))
    assert str(refused.value) == (
        "the image export has no readable layer for 00/layer.tar, 01/layer.tar"
    )


@pytest.mark.parametrize(
    ("layers", "seen"),
    [
        # A whiteout listed after a file of its own layer still applies.
        ([{"a": 1, "c": 1}, {"b": 1, ".wh.a": -1, "d": 1, ".wh.c": -1}], {"b": 1, "d": 1}),
        # An empty file is a file, whatever its name looks like.
        ([{"x": 1}, {"....x": 0}], {"x": 1, "....x": 0}),
    ],
    ids=["whiteout-after-a-file", "empty-file"],
)
def test_whiteouts_apply_wherever_they_stand_in_their_layer(
    layers: list[dict[str, int]], seen: dict[str, int]
) -> None:
    assert final_files(layers) == seen


@pytest.mark.parametrize(
    ("layers", "waste"),
    [
        ([{"one": 1}, {"one": 2}], [Waste("one", 1, 0, 1, "overwritten")]),
        ([{"e": 0, "f": 3}, {"f": 1}], [Waste("f", 3, 0, 1, "overwritten")]),
        ([{"f": 3}, {"f": 0}], [Waste("f", 3, 0, 1, "overwritten")]),
    ],
    ids=["one-byte-file", "after-an-empty-file", "by-an-empty-file"],
)
def test_every_byte_a_later_layer_replaces_is_wasted(
    layers: list[dict[str, int]], waste: list[Waste]
) -> None:
    assert wasted(layers) == waste


def test_hidden_versions_are_the_deleted_and_the_replaced_ones() -> None:
    layers = [
        {"etc/os-release": 10},
        {"root/.ssh/id_ed25519": 400, "app/.env": 30, "app/config.json": 20},
        {"root/.ssh/.wh.id_ed25519": -1, "app/.env": 12},
        {"app/.wh..wh..opq": -1, "app/server": 100},
    ]
    wanted = ["root/.ssh/id_ed25519", "app/.env", "app/config.json", "etc/os-release"]
    assert hidden_versions(layers, wanted) == [
        (1, "root/.ssh/id_ed25519"),  # deleted by a whiteout
        (1, "app/.env"),  # replaced, then hidden by the opaque folder with its replacement
        (2, "app/.env"),
        (1, "app/config.json"),  # hidden by the opaque folder
    ]
