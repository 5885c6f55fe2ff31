"""`bucket`: started beside an empty MinIO, the service creates its bucket (or each of its
buckets) in time."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from ..config import ImageConfig
from ..engine.connection import short_reason
from ..engine.outside_errors import outside_errors
from ..engine.poll import backoff
from ..errors import CheckFailed, CheckSkipped
from ..session import GoImageSession
from .base import require_go_binary


def run(session: GoImageSession, image: ImageConfig) -> str:
    if image.bucket_off:
        raise CheckSkipped(
            f"{image.dockerfile}: bucket = false is set for this image in [tool.goimage]: the "
            "service creates no bucket at startup, so there is none to check."
        )
    if not image.buckets:
        raise CheckSkipped(
            f"{image.dockerfile}: no `bucket` configured in [tool.goimage], so there is no bucket "
            "the service must create; set `bucket` to enable this check."
        )
    require_go_binary(session, image)
    running = session.service(image)
    existed = [b for b in image.buckets if b in running.buckets_before]
    if existed:
        raise CheckFailed(
            f"{image.dockerfile}: bucket {_names(existed)} existed before the service started, "
            "so this run cannot prove the service creates it."
        )
    client = running.minio.client
    started = time.monotonic()
    remaining = max(0.0, image.startup_timeout - (started - running.container.started_at))
    exited = False
    missing = list(image.buckets)
    try:
        for _ in backoff(remaining):
            missing = [b for b in missing if not client.bucket_exists(b)]
            if not missing:
                seconds = time.monotonic() - running.container.started_at
                plural = "s" if len(image.buckets) > 1 else ""
                return (
                    f"the service created bucket{plural} {_names(image.buckets)} in {seconds:.1f} s"
                )
            if running.container.exited():
                exited = True
                break
        buckets = sorted(b.name for b in client.list_buckets())
    except outside_errors() as exc:
        note = running.minio.stopped_note()
        if not note:
            raise  # MinIO runs but did not answer: the plugin reports it as an outside failure
        raise CheckFailed(
            f"{image.dockerfile}: the bucket check could not ask MinIO ({short_reason(exc)}).{note}"
        ) from None
    why = (
        running.container.exit_summary()
        if exited
        else f"it did not appear within startup_timeout ({image.startup_timeout:g}s)"
    )
    # Storage advice only helps a service that ran; one that exited has its cause above,
    # with a dependency it could not reach where its log shows one.
    dependency = running.dependency_hint()
    refused = "" if exited else running.credentials_hint()
    untold = [b for b in missing if not _told(image, b)]
    advice = (
        dependency
        if exited
        else refused
        or dependency
        + " Check the storage settings in [tool.goimage.env] and the bucket-creation code "
        "at startup."
        + (
            ""
            if not untold
            else " No variable in [tool.goimage.env] passes "
            + (f"{{bucket}} (or {_names(untold)})" if image.bucket in untold else _names(untold))
            + ", so the service may not know which bucket to create."
        )
    )
    raise CheckFailed(
        f"{image.dockerfile}: the service did not create bucket {_names(missing)}: {why}. "
        f"Buckets in its MinIO: {', '.join(buckets) or 'none'}.{running.stopped_notes()}"
        f"{advice}\n"
        f"{running.container.last_logs()}"
    )


def _told(image: ImageConfig, bucket: str) -> bool:
    """Whether the service's env passes `bucket`: `{bucket}` for the first, or the name itself
    as a whole word (not `bookmarks` inside `bookmarks-v2`)."""
    named = re.compile(rf"(?<![\w.-]){re.escape(bucket)}(?![\w.-])")
    placeholder = bucket == image.bucket
    return any(
        (placeholder and "{bucket}" in value) or named.search(value) for value in image.env.values()
    )


def _names(buckets: Sequence[str]) -> str:
    return ", ".join(repr(b) for b in buckets)
