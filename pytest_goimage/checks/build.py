"""`build`: the image builds with BuildKit; a failure names the step, command and Go errors."""

from __future__ import annotations

from ..config import ImageConfig
from ..engine.image import steps_text
from ..session import GoImageSession


def run(session: GoImageSession, image: ImageConfig) -> str:
    # BuildFailed carries the diagnosed message and is reported as is.
    built = session.built(image)
    counts = steps_text(built.steps, built.cached_steps, built.shared_steps)
    return f"built {built.tag} in {built.build_seconds:.1f} s ({counts})"
