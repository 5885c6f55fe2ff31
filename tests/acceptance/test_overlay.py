"""Reading files and layers from local overlay2 directories agrees with the engine API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from pytest_goimage.build.engine_build import BuildRequest, build_image
from pytest_goimage.engine import overlay
from pytest_goimage.engine.image import BuiltImage, load_image
from pytest_goimage.gofacts.layers import final_files, layer_files
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
        run_id="test-overlay",
    )
    client.images.remove(tag, force=True)


def test_engine_layers_are_local_here(image: BuiltImage) -> None:
    dirs = overlay.layer_dirs(image._inspect)
    assert len(dirs) >= 3 and all(isinstance(d, Path) for d in dirs)


@pytest.mark.parametrize(
    "path", ["/usr/local/bin/app", "/srv-link/bin/app", "/data/new/y", "/etc/passwd"]
)
def test_read_file_matches_the_container_path(image: BuiltImage, path: str) -> None:
    local = overlay.read_file(overlay.layer_dirs(image._inspect), path)
    assert local == image._read_through_container([path])[path]


@pytest.mark.parametrize("path", ["/tmp/gone", "/data/old/x", "/nowhere"])
def test_deleted_files_are_gone(image: BuiltImage, path: str) -> None:
    with pytest.raises(FileNotFoundError):
        overlay.read_file(overlay.layer_dirs(image._inspect), path)
    with pytest.raises(FileNotFoundError):
        image._read_through_container([path])


def test_layer_listing_matches_the_export(image: BuiltImage) -> None:
    local = overlay.layer_listing(overlay.layer_dirs(image._inspect))
    exported = layer_files(
        __import__("io").BytesIO(b"".join(image._client.api.get_image(image.id)))
    )
    assert [sorted(layer) for layer in local] == [sorted(layer) for layer in exported]
    assert local == exported
    final = final_files(local)
    assert "data/new/y" in final and "data/old/x" not in final and "tmp/gone" not in final
