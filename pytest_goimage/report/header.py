"""What the report header says about the configuration a run uses."""

from __future__ import annotations

from ..config import GoImageConfig
from ..gofacts.units import format_size


def defaults_note(config: GoImageConfig) -> str:
    """The settings a run without `[tool.goimage]` uses, as the report header shows them."""
    image = config.images[0]
    return (
        f"project . (go.mod at {config.project / 'go.mod'}), dockerfiles discovered below it, "
        f"context ., size_budget {format_size(image.size_budget)}, size_tolerance "
        f"{image.size_tolerance:.0%}, health_path {image.health_path}, startup_timeout "
        f"{image.startup_timeout:g}s, port: the one the image EXPOSEs, no bucket (the bucket "
        "check is skipped), no env"
    )
