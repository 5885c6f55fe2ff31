"""A `# syntax=` frontend that found no build context: the engine gave it to its own frontend.

Docker 20.10 hands a context sent with the build request to the first frontend that asks, its
own (which reads the Dockerfile for the directive), and forgets it: the directive's frontend then
fails with `context not found`. The engine build serves a local engine the context again from
loopback (context_server.py); this explains the failure where that cannot help: an engine that
does not share this machine's loopback (TCP, SSH, rootless, Docker Desktop).
"""

from __future__ import annotations

import re

from .base_image_hint import syntax_directive
from .failed_build import FailedBuild

_SERVED = re.compile(r"goimage-context-[0-9a-f]+\.tar")


def frontend_context_lost(build: FailedBuild) -> str | None:
    """The message for a frontend image that could not read the build context, else None."""
    error = build.trace_error
    served = _SERVED.search(error)  # the engine could not fetch the loopback copy either
    if not served and not ("frontend gateway" in error and "context not found" in error):
        return None
    directive = syntax_directive(build.text)
    named = (
        f"{build.dockerfile_label}:{directive[0]}: the `# syntax={directive[1]}` directive hands "
        f"the Dockerfile to the frontend image {directive[1]}"
        if directive
        else f"{build.dockerfile_label}: the BUILDKIT_SYNTAX build argument hands the Dockerfile "
        "to a frontend image"
    )
    loopback = (
        "; pytest-goimage serves it again from this machine's loopback, and this engine could "
        "not reach that (an engine on another machine, rootless or in a VM)"
        if served
        else ""
    )
    return (
        f"{named}, which reads the build context itself, and found none: this engine gives a "
        "context sent with the build request only to the first frontend that asks (its own, "
        f"which reads the Dockerfile to find the directive; Docker 20.10){loopback}. Build "
        'through buildx, where the directive works (`builder = "<name>"` in [tool.goimage] or '
        'GOIMAGE_BUILDER; see the README\'s "Remote engines and buildx builders"), or drop the '
        "directive where the engine's own frontend reads this Dockerfile (Docker 20.10's reads "
        "RUN --mount; heredocs and COPY --link need docker/dockerfile:1.4)."
        f"{build.log_note}"
    )
