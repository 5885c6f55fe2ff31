"""`build`: the image builds with BuildKit; a failure names the step, command and Go errors."""

from __future__ import annotations

from ..config import ImageConfig
from ..session import GoImageSession


def run(session: GoImageSession, image: ImageConfig) -> None:
    # BuildFailed carries the diagnosed message and is reported as is.
    session.built(image)
