"""A registry error in words: which registry could not be reached and why, and the engine's
error cut so that its end, the cause, stays."""

from __future__ import annotations

import pytest

from pytest_goimage.build.base_image_hint import digest_pin_hint, one_line, unreachable_registry

HEAD = 'failed to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/1.26"'
DIGEST = "1a4c4cd576141b631c2b964e977bec9ed1fff0352eb6ecabc718cf22e98ebb2b"

# (the engine's error, what the message says of it)
UNREACHABLE = [
    (
        HEAD + ": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host",
        "the registry registry-1.docker.io could not be reached, its DNS lookup failed (dial "
        "tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host)",
    ),
    (
        HEAD + ": dial tcp 54.227.20.253:443: i/o timeout",
        "the registry registry-1.docker.io could not be reached, the connection timed out "
        "(dial tcp 54.227.20.253:443: i/o timeout)",
    ),
    (
        HEAD + ": net/http: TLS handshake timeout",
        "the registry registry-1.docker.io could not be reached, the connection timed out "
        "(net/http: TLS handshake timeout)",
    ),
    (
        HEAD + ": dial tcp [2600:1f18::1]:443: connect: network is unreachable",
        "the registry registry-1.docker.io could not be reached, no network route leads to it "
        "(dial tcp [2600:1f18::1]:443: connect: network is unreachable)",
    ),
    # Without the request: the host comes from the lookup.
    (
        "failed to resolve source metadata for docker.io/library/alpine:3.22: lookup "
        "registry-1.docker.io: Temporary failure in name resolution",
        "the registry registry-1.docker.io could not be reached, its DNS lookup failed (failed "
        "to resolve source metadata for docker.io/library/alpine:3.22: lookup "
        "registry-1.docker.io: Temporary failure in name resolution)",
    ),
]


@pytest.mark.parametrize(
    ("error", "words"), UNREACHABLE, ids=[w.split(", ")[1] for _, w in UNREACHABLE]
)
def test_an_unreachable_registry_is_said_in_words(error: str, words: str) -> None:
    assert unreachable_registry(error) == words


@pytest.mark.parametrize(
    "error",
    [
        "failed to create LLB definition: docker.io/library/golang:9.99-alpine: not found",
        "pull access denied, repository does not exist or may require authorization: server "
        "message: insufficient_scope: authorization failed",
    ],
    ids=["no-such-tag", "needs-a-login"],
)
def test_a_registry_that_answered_is_not_unreachable(error: str) -> None:
    assert unreachable_registry(error) is None


def test_a_long_error_keeps_its_end_and_fits() -> None:
    error = (
        "failed to solve with frontend dockerfile.v0: failed to create LLB definition: failed "
        'to do request: Head "https://registry-1.docker.io/v2/library/golang/manifests/sha256:'
        f'{DIGEST}": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host'
    )
    # Shortening the digest is enough for 300 characters.
    assert one_line(error, 300) == error.replace(DIGEST, DIGEST[:12] + "…")
    # For 120 the middle gives way, between words.
    assert one_line(error, 120) == (
        "failed to solve with frontend … dial tcp: lookup registry-1.docker.io on "
        "10.255.255.53:53: no such host"
    )
    assert one_line("  short\n  error ", 20) == "short error"


def test_a_digest_pin_the_registry_refuses_says_to_log_in_or_drop_the_pin() -> None:
    error = (
        "pull access denied, repository does not exist or may require authorization: server "
        "message: insufficient_scope: authorization failed"
    )
    hint = digest_pin_hint(f"acme/base:1.0@sha256:{DIGEST}", error)
    assert hint.startswith(
        f"base image acme/base:1.0@sha256:{DIGEST[:12]}… is pinned by digest, and BuildKit "
        f"resolves a digest pin against the registry: the pinned manifest must be fetched, or be "
        f"in the engine's content store under that digest. Here fetching it failed ({error}). "
        "An image tagged acme/base:1.0 on the engine does not satisfy the pin unless it was "
        "pulled by that digest "
    ), hint
    assert hint.endswith(
        f"`docker pull acme/base:1.0@sha256:{DIGEST}` where a registry answers (after `docker "
        "login` if it asks for one), or drop the pin for an offline build."
    ), hint
