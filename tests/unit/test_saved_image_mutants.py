"""More of what the `docker save` reader (gofacts/saved_image.py) must get right, each case one
a container of the image would show differently if the reader got it wrong: layer tars written
with a `./` prefix (as `tar -C rootfs .` writes them), links relative to their own folder,
whiteouts that apply to lower layers only (OCI image spec), and errors that name the path."""

from __future__ import annotations

import bz2
import io
import json
import tarfile

import pytest

from pytest_goimage.gofacts.saved_image import SavedImage
from tests.unit.test_saved_image import BASE, TOP, Entry, Link, layer_tar, saved


def export(manifest: object, blobs: dict[str, bytes] | None = None) -> io.BytesIO:
    """A `docker save` archive: these blobs, then manifest.json holding `manifest`."""
    outer = io.BytesIO()
    with tarfile.open(fileobj=outer, mode="w") as archive:
        for name, blob in {**(blobs or {}), "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
    outer.seek(0)
    return outer


def special(name: str, kind: bytes) -> bytes:
    """A layer tar holding one entry of tar type `kind` (a device, a FIFO)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo(name)
        info.type = kind
        archive.addfile(info)
    return buffer.getvalue()


def test_an_export_without_a_manifest_says_exactly_that() -> None:
    empty = io.BytesIO()
    with tarfile.open(fileobj=empty, mode="w"):
        pass
    empty.seek(0)
    with pytest.raises(tarfile.TarError) as refused:
        SavedImage(empty)
    assert str(refused.value) == "the image export has no manifest.json"


def test_a_manifest_that_lists_no_image_has_no_layers() -> None:
    assert SavedImage(export([])).layer_files() == []


def test_a_manifest_entry_without_a_layers_list_has_no_layers() -> None:
    assert SavedImage(export([{"Config": "config.json"}])).layer_files() == []


def test_a_layer_compressed_other_than_gzip_is_refused() -> None:
    """The engine writes layers as tar or gzip; what else a blob is, is not guessed."""
    blob = bz2.compress(layer_tar({"app": b"\x7fELF"}))
    with pytest.raises(tarfile.ReadError):
        SavedImage(export([{"Layers": ["00/layer.tar"]}], {"00/layer.tar": blob}))


DOT_SLASH: dict[str, Entry] = {
    "./": None,
    "./etc": None,
    "./etc/app.conf": b"12345",
    "./usr/share/doc/.wh.README": b"",
    "./app": b"\x7fELF",
}


def test_a_layer_written_with_dot_slash_names_is_listed_without_them() -> None:
    assert saved([DOT_SLASH]).layer_files() == [
        {"etc/app.conf": 5, "usr/share/doc/.wh.README": -1, "app": 4}
    ]


def test_a_whiteout_deep_in_a_folder_is_listed_as_a_whiteout() -> None:
    listed = saved([BASE, {"usr/share/doc/.wh.README": b"", "etc/motd": b""}]).layer_files()
    assert listed[1] == {"usr/share/doc/.wh.README": -1, "etc/motd": 0}


def test_files_after_the_dot_slash_folder_entry_are_read() -> None:
    image = saved([DOT_SLASH])
    assert (image.read("/etc/app.conf"), image.read("/app")) == (b"12345", b"\x7fELF")


def test_a_relative_link_is_relative_to_its_own_folder() -> None:
    """Debian's /usr/bin/X is a link to Xorg beside it."""
    image = saved([{"usr/bin": None, "usr/bin/Xorg": b"XORG", "usr/bin/X": Link("Xorg")}])
    assert image.read("/usr/bin/X") == b"XORG"


def test_a_file_name_ending_in_a_space_is_read_by_that_name() -> None:
    image = saved([{"srv/notes ": b"spaced", "srv/notes": b"plain"}])
    assert (image.read("/srv/notes "), image.read("/srv/notes")) == (b"spaced", b"plain")


def test_a_file_entry_named_with_a_trailing_slash_is_that_file() -> None:
    """Docker cleans each entry's name (Go's filepath.Clean) before applying a layer."""
    assert saved([{"etc/hostname/": b"box\n"}]).read("/etc/hostname") == b"box\n"


def test_an_opaque_folder_keeps_what_its_own_layer_wrote_before_the_marker() -> None:
    image = saved([{"data/old": b"old"}, {"data/new": b"new", "data/.wh..wh..opq": b""}])
    assert image.read("/data/new") == b"new"


def test_an_opaque_folder_stays_a_folder() -> None:
    image = saved([{"data": None, "data/old": b"old"}, {"data/.wh..wh..opq": b""}])
    with pytest.raises(IsADirectoryError) as caught:
        image.read("/data")
    assert str(caught.value) == "/data"


def test_a_whiteout_hides_lower_layers_only_not_its_own() -> None:
    image = saved([{"etc/motd": b"old"}, {"etc/motd": b"new", "etc/.wh.motd": b""}])
    assert image.read("/etc/motd") == b"new"


def test_a_whiteout_of_a_name_no_lower_layer_has_changes_nothing() -> None:
    image = saved([BASE, {".wh.nothing": b"", "etc/.wh.nothing": b""}])
    assert image.read("/etc/passwd") == b"root:x:0:0\n"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tmp/gone", "/tmp/gone"),  # deleted by a whiteout; named from the root
        ("/nowhere", "/nowhere"),
        ("/etc/passwd/x", "/etc/passwd/x"),  # a file where a folder is expected
    ],
)
def test_a_missing_file_error_names_its_path_from_the_root(path: str, message: str) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        saved([BASE, TOP]).read(path)
    assert str(caught.value) == message


def test_a_dangling_relative_link_error_names_where_it_points() -> None:
    image = saved([{"usr/local/bin/tool": Link("../lib/tool/run")}])
    with pytest.raises(FileNotFoundError) as caught:
        image.read("/usr/local/bin/tool")
    assert str(caught.value) == "/usr/local/lib/tool/run"


def test_a_folder_error_names_the_folder() -> None:
    with pytest.raises(IsADirectoryError) as caught:
        saved([BASE, TOP]).read("/usr/lib")
    assert str(caught.value) == "/usr/lib"


def test_the_root_is_a_folder() -> None:
    with pytest.raises(IsADirectoryError) as caught:
        saved([BASE]).read("/")
    assert str(caught.value) == "/"


def test_a_device_node_is_not_a_regular_file() -> None:
    image = SavedImage(
        export(
            [{"Layers": ["00/layer.tar"]}],
            {"00/layer.tar": special("dev/console", tarfile.CHRTYPE)},
        )
    )
    with pytest.raises(FileNotFoundError) as caught:
        image.read("/dev/console")
    assert str(caught.value) == "/dev/console is not a regular file"
