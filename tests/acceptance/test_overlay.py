"""Reading files and layers from local overlay2 directories agrees with the engine API."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from pytest_goimage.build.engine_build import BuildRequest, build_image
from pytest_goimage.engine import overlay
from pytest_goimage.engine.image import BuiltImage, load_image
from pytest_goimage.gofacts.layers import final_files, hidden_versions, layer_files
from pytest_goimage.gofacts.saved_image import SavedImage
from tests.conftest import go_app

DOCKERFILE = """\
FROM alpine:3.22
COPY app /opt/app/bin/app
RUN ln -s /opt/app/bin/app /usr/local/bin/app && ln -s ../opt/app /srv-link \\
 && mkdir -p /data/old && echo old > /data/old/x && echo gone > /tmp/gone
RUN rm /tmp/gone && rm -rf /data && mkdir -p /data/new && echo new > /data/new/y
ENTRYPOINT ["/usr/local/bin/app"]
"""


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltImage]:
    root = tmp_path_factory.mktemp("overlay")
    go_app(root)
    (root / "Dockerfile").write_text(DOCKERFILE)
    client = docker.from_env()
    tag = f"goimage/test-overlay:{os.getpid()}"  # one per xdist worker: each removes its own
    result, trace = build_image(client, BuildRequest(root / "Dockerfile", root, tag))
    assert result is not None, trace.error
    yield load_image(
        client,
        result.image_id,
        dockerfile="Dockerfile",
        tag=tag,
        build_seconds=0,
        steps=0,
        cached_steps=0,
        log_path="",
    )
    client.images.remove(tag, force=True)


def test_engine_layers_are_local_here(image: BuiltImage) -> None:
    dirs = overlay.layer_dirs(image._inspect)
    assert len(dirs) >= 3 and all(isinstance(d, Path) for d in dirs)


def container_read(image: BuiltImage, path: str) -> bytes:
    """The truth: what `docker cp -L` copies out of a created container of the image."""
    container = image._client.containers.create(image.id, command=["/x"], entrypoint=[])
    try:
        done = subprocess.run(
            ["docker", "cp", "-L", f"{container.id}:{path}", "-"], capture_output=True, check=False
        )
        if done.returncode != 0:
            raise FileNotFoundError(done.stderr.decode().strip())
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            member = archive.next()
            assert member is not None and member.isfile(), member
            data = archive.extractfile(member)
            assert data is not None
            return data.read()
    finally:
        container.remove(force=True)


@pytest.fixture(scope="module")
def saved(image: BuiltImage) -> Iterator[SavedImage]:
    """The API path's reader: one export of the image."""
    with tempfile.TemporaryFile() as spool:
        spool.write(b"".join(image._client.api.get_image(image.id)))
        spool.seek(0)
        yield SavedImage(spool)


@pytest.mark.parametrize(
    "path", ["/usr/local/bin/app", "/srv-link/bin/app", "/data/new/y", "/etc/passwd", "/bin/sh"]
)
def test_read_file_matches_the_container_path(
    image: BuiltImage, saved: SavedImage, path: str
) -> None:
    local = overlay.read_file(overlay.layer_dirs(image._inspect), path)
    assert local == container_read(image, path)
    assert saved.read(path) == local


@pytest.mark.parametrize("path", ["/tmp/gone", "/data/old/x", "/nowhere"])
def test_deleted_files_are_gone(image: BuiltImage, saved: SavedImage, path: str) -> None:
    with pytest.raises(FileNotFoundError):
        overlay.read_file(overlay.layer_dirs(image._inspect), path)
    with pytest.raises(FileNotFoundError):
        container_read(image, path)
    with pytest.raises(FileNotFoundError):
        saved.read(path)


def test_layer_listing_matches_the_export(image: BuiltImage, saved: SavedImage) -> None:
    local = overlay.layer_listing(overlay.layer_dirs(image._inspect))
    exported = layer_files(io.BytesIO(b"".join(image._client.api.get_image(image.id))))
    assert [sorted(layer) for layer in local] == [sorted(layer) for layer in exported]
    assert local == exported
    assert saved.layer_files() == local
    final = final_files(local)
    assert "data/new/y" in final and "data/old/x" not in final and "tmp/gone" not in final


def test_a_deleted_file_is_read_from_its_layer_on_both_paths(
    image: BuiltImage, saved: SavedImage
) -> None:
    """What a later layer deleted is still in the layer that added it (the secrets check reads
    it there): the overlay path and the export agree on its bytes and its layer."""
    local = overlay.layer_listing(overlay.layer_dirs(image._inspect))
    hidden = dict(
        (path, index) for index, path in hidden_versions(local, ["tmp/gone", "data/old/x"])
    )
    assert set(hidden) == {"tmp/gone", "data/old/x"}, hidden
    dirs = overlay.layer_dirs(image._inspect)
    for path, index in hidden.items():
        expected = b"gone\n" if path == "tmp/gone" else b"old\n"
        assert overlay.read_listed(dirs, index, path) == expected
        assert saved.read_listed(index, path) == expected
    # No link is followed, on the way or at the end: one could point anywhere on this machine.
    linked = next(i for i, files in enumerate(local) if "opt/app/bin/app" in files) + 1
    with pytest.raises(NotADirectoryError):
        overlay.read_listed(dirs, linked, "srv-link/bin/app")
    with pytest.raises(OSError):
        overlay.read_listed(dirs, linked, "usr/local/bin/app")
