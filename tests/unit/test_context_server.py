"""The loopback copy of a build context: the same bytes each time the engine asks."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import pytest

from pytest_goimage.build.context_server import needs_second_read, served_context


def test_the_context_is_served_whole_as_often_as_asked() -> None:
    tar = io.BytesIO(b"tar bytes " * 10_000)
    with served_context(tar) as url:
        reads = [urllib.request.urlopen(url, timeout=5).read() for _ in range(2)]
    assert reads == [b"tar bytes " * 10_000] * 2


def test_no_other_path_is_served() -> None:
    with (
        served_context(io.BytesIO(b"x")) as url,
        pytest.raises(urllib.error.HTTPError) as refused,
    ):
        urllib.request.urlopen(url.rsplit("/", 1)[0] + "/other.tar", timeout=5)
    assert refused.value.code == 404


@pytest.mark.parametrize(
    ("error", "again"),
    [
        (  # recorded on Docker 20.10 with a local docker/dockerfile:1
            "failed to solve with frontend dockerfile.v0: failed to solve with frontend "
            "gateway.v0: rpc error: code = Unknown desc = failed to read downloaded context: "
            'failed to load cache key: Get "http://build-context-j2ixjajickeagxqen505q2zsg": '
            "context not found",
            True,
        ),
        (  # the directive's image could not be pulled: serving the context again won't help
            "failed to solve with frontend dockerfile.v0: failed to solve with frontend "
            "gateway.v0: docker.io/docker/dockerfile:1: not found",
            False,
        ),
    ],
)
def test_only_a_frontend_that_found_the_context_gone_builds_again(error: str, again: bool) -> None:
    assert needs_second_read(error) is again
