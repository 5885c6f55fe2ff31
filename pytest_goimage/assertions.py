"""Assertion helpers for custom tests. pytest rewrites this module, so a failing helper reads
like a failing `assert`, with the values that made it fail."""

from __future__ import annotations

from .checks.base import config_pins, module_groups
from .config import GoImageConfig
from .engine.image import BuiltImage
from .gofacts.units import format_size, parse_size
from .gofacts.versions import format_misalignment, misaligned, required_version


def assert_static(image: BuiltImage) -> None:
    """The image's Go binary has no ELF interpreter, no shared libraries and CGO_ENABLED=0."""
    binary = image.binary
    facts = binary.facts
    assert facts.interpreter is None, (
        f"{binary.path} in {image.tag} asks for the ELF interpreter {facts.interpreter}"
    )
    assert not facts.needed, f"{binary.path} in {image.tag} needs {', '.join(facts.needed)}"
    info = facts.build_info
    # As the `static` check: CGO_ENABLED=0 must be recorded, not merely not contradicted.
    assert info is not None, (
        f"{binary.path} in {image.tag} carries no Go build info, so CGO_ENABLED=0 cannot be "
        "confirmed"
    )
    assert info.cgo_enabled is False, (
        f"{binary.path} in {image.tag} was built with CGO_ENABLED="
        f"{'1' if info.cgo_enabled else '(not recorded)'}"
    )


def assert_size_within(image: BuiltImage, budget: int | str) -> None:
    """The image is at most `budget` ("40MB", "1.5GiB" or bytes)."""
    limit = parse_size(budget)
    largest = sorted(image.layers, key=lambda layer: -layer.size)[:3]
    layers = "; ".join(f"{format_size(layer.size)} {layer.label[:80]}" for layer in largest)
    assert image.size <= limit, (
        f"{image.tag} is {format_size(image.size)}, over {format_size(limit)}; largest layers: "
        f"{layers}"
    )


def assert_go_versions_aligned(config: GoImageConfig) -> None:
    """go.mod, every configured Dockerfile's golang tag and every setup-go step agree."""
    policy = config.go_version_policy
    for images in module_groups(config):  # each against its own go.mod (a monorepo)
        pins = config_pins(config, images)
        bad = misaligned(pins, required_version(pins, policy))
        assert not bad, format_misalignment(bad, pins, policy)
