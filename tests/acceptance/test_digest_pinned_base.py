"""A builder pinned by digest (`FROM golang:1.26-alpine@sha256:...`) that BuildKit cannot
fetch fails naming the pin and why a local tag does not satisfy it, with or without a
registry (without one, as on this repository's CI machines, the digest is never fetched)."""

from __future__ import annotations

import docker
import pytest

RANDOM = "1a4c4cd576141b631c2b964e977bec9ed1fff0352eb6ecabc718cf22e98ebb2b"


@pytest.mark.parametrize("pin", ["image-id", "random"])
def test_a_digest_pinned_builder_that_cannot_be_fetched(
    pytester: pytest.Pytester, docker_client: docker.DockerClient, no_leaks: None, pin: str
) -> None:
    # The mistake from a user trial: the local image's ID taken for its manifest digest.
    digest = (
        docker_client.images.get("golang:1.26-alpine").id.removeprefix("sha256:")
        if pin == "image-id"
        else RANDOM
    )
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text(
        f"FROM golang:1.26-alpine@sha256:{digest} AS build\nRUN go version\n"
        'FROM scratch\nCOPY --from=build /usr/local/go/VERSION /VERSION\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "build")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*Dockerfile:1: base image golang:1.26-alpine@sha256:{digest[:12]}… is pinned by "
            "digest, and BuildKit resolves a digest pin against the registry: *. Here * An image "
            "tagged golang:1.26-alpine on the engine does not satisfy the pin unless it was pulled "
            "by that digest (then `docker image inspect --format '{{.RepoDigests}}' "
            "golang:1.26-alpine` lists it); an image ID (`docker images -q`) is not a manifest "
            "digest (`docker images --digests` shows those). *drop the pin*"
        ]
    )
