"""How a layer is named in the size check's largest layers: its instruction, else what the
image history says in its place (trial 13 F9: a `docker import` base had a blank line)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.image import Layer


@pytest.mark.parametrize(
    ("created_by", "comment", "label"),
    [
        (
            "/bin/sh -c go build -o /app . # buildkit",
            "buildkit.dockerfile.v0",
            "RUN go build -o /app .",
        ),
        ("COPY app /app # buildkit", "", "COPY app /app"),
        (
            "",
            "Imported from -",
            "(no instruction in the image history; its comment: Imported from -)",
        ),
        (
            "  ",
            "",
            "(no instruction in the image history: a layer of the base image or its builder)",
        ),
    ],
)
def test_a_layer_is_named_by_its_instruction_else_by_the_history(
    created_by: str, comment: str, label: str
) -> None:
    assert Layer(3_000_000, created_by, False, comment).label == label
