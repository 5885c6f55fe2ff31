"""What the report header says about the configuration a run uses."""

from __future__ import annotations

import pytest

from ..config import GoImageConfig
from ..config_defaults import no_table_note
from ..gofacts.units import format_size

TESTS_ONLY_NOTE = (
    "goimage: the arguments name only tests, so no built-in check is collected: add a "
    "Dockerfile (`Dockerfile::static`), `goimage` or a folder to run them too"
)


def header_lines(
    config: pytest.Config, goconfig: GoImageConfig, *, tests_only: bool = False
) -> list[str]:
    """The images a run in a Go project has, the defaults it runs on, and with --goimage the
    engine (the plugin adds the run's folder), and that no check is collected where the
    arguments name only tests (`tests_only`)."""
    names = ", ".join(image.dockerfile for image in goconfig.images)
    defaults = (
        [
            f"goimage: {no_table_note(goconfig.source)}: running on the defaults",
            f"goimage: defaults: {defaults_note(goconfig)}",
        ]
        if goconfig.defaults
        else []
    )
    if not config.getoption("goimage"):
        # No run folder yet: a run without --goimage may never touch Docker.
        return [
            f"goimage: {len(goconfig.images)} image(s) configured: {names}; "
            "`pytest --goimage` runs the built-in checks",
            *defaults,
        ]
    from ..engine.connection import engine_address

    return [
        f"goimage: {len(goconfig.images)} image(s): {names}; engine: {engine_address()}",
        *defaults,
        *([TESTS_ONLY_NOTE] if tests_only else []),
    ]


def defaults_note(config: GoImageConfig) -> str:
    """The settings a run without `[tool.goimage]` uses, as the report header shows them."""
    image = config.images[0]
    return (
        f"project . (go.mod at {config.project / 'go.mod'}), dockerfiles discovered below it, "
        f"context ., size_budget {format_size(image.size_budget)}, size_tolerance "
        f"{image.size_tolerance:.0%}, health_path {image.health_path}, startup_timeout "
        f"{image.startup_timeout:g}s, no min_ready, port: the one the image EXPOSEs, no bucket (the bucket "
        "check is skipped), no env"
    )
