"""`health`: GET health_path on the API port answers 2xx within startup_timeout, and then the
image's own HEALTHCHECK, where it has one, exits 0 inside the running container."""

from __future__ import annotations

import time

from ..config import ImageConfig
from ..engine.health import health_verdict
from ..engine.healthcheck_cmd import healthcheck_verdict
from ..errors import CheckFailed, CheckSkipped
from ..session import GoImageSession
from .base import require_go_binary


def run(session: GoImageSession, image: ImageConfig) -> str:
    if not image.health:
        raise CheckSkipped(
            f"{image.dockerfile}: health = false for this image in {session.config.source}: "
            "the image serves no HTTP API to ask."
        )
    require_go_binary(session, image)
    running = session.service(image)
    reason, probe = health_verdict(running, image)
    if reason:
        raise CheckFailed(reason)
    seconds = time.monotonic() - running.container.started_at
    failed, healthcheck = healthcheck_verdict(running, probe.status)
    if failed:
        raise CheckFailed(failed)
    polled = running.container.polled_port or "?"  # "8081/tcp": health_port or the API's
    asked = f"GET {image.health_path} on {polled.split('/', 1)[0]} -> {probe.status}"
    if image.min_ready:  # the verdict watched it that long: it still answered then
        return (
            f"{asked}, and still running and answering "
            f"{seconds:.1f} s after the service started (min_ready {image.min_ready:g}s)"
            f"{healthcheck}"
        )
    return f"{asked}, {seconds:.1f} s after the service started{healthcheck}"
