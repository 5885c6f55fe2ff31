"""`health`: GET health_path on the API port answers 2xx within startup_timeout."""

from __future__ import annotations

import time

from ..config import ImageConfig
from ..session import GoImageSession
from .base import CheckFailed, require_image


def run(session: GoImageSession, image: ImageConfig) -> None:
    require_image(session, image)
    running = session.service(image)
    if running.port_error:
        raise CheckFailed(running.port_error)
    container = running.container
    spent = time.monotonic() - container.started_at
    healthy, probe = container.poll_health(
        image.health_path, max(0.0, image.startup_timeout - spent)
    )
    if healthy:
        return
    if container.exited():
        why = container.exit_summary()
    else:
        why = f"within startup_timeout ({image.startup_timeout:g}s) {probe.describe()}"
        why += running.health_hint(probe).rstrip(".")
    where = f"{container.url}{image.health_path}" if container.host_port else "never published"
    raise CheckFailed(
        f"{image.dockerfile}: GET {image.health_path} on container port {container.port} "
        f"({where}) never answered 2xx: {why}."
        f"{running.minio.stopped_note()}\n{container.last_logs()}"
    )
