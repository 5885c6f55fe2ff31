"""Image references as the engine reads them: valid or not, their repository, tag and digest,
and whether the repository is the official Go image (or a mirror of it)."""

from __future__ import annotations

import re


def is_golang_image(repository: str) -> bool:
    """`golang`, `docker.io/library/golang`, `mirror.example:5000/golang`: the official Go image
    or a mirror of it, by its last path component."""
    return repository.rsplit("/", 1)[-1].lower() == "golang"


# An image reference as the engine parses one (distribution/reference): an optional registry,
# lowercase path components, a tag of at most 128 word characters, dots and dashes that starts
# with a word character, and a digest.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"(?:[A-Za-z0-9.-]+(?::\d+)?/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::\w[\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z0-9]+)*:[0-9a-fA-F]{32,})?"
)


def valid_reference(reference: str) -> bool:
    """Whether the engine takes `reference` as an image name (`golang:-alpine`, what a FROM
    becomes when an argument without a default is not passed, it refuses)."""
    return _REFERENCE.fullmatch(reference) is not None


def split_reference(reference: str) -> tuple[str, str | None, str]:
    """`registry:5000/library/golang:1.26@sha256:..` -> (repository, tag or None, digest)."""
    name, _, digest = reference.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :], digest
    return name, None, digest
