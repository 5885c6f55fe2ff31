"""The labels that mark what this plugin creates, and who created it: plain data, no engine
client, so that a run folder can be made and judged without importing docker-py."""

from __future__ import annotations

import os
import socket
import time
import uuid

LABEL_PREFIX = "io.github.pytest-goimage"
LABEL_RUN = f"{LABEL_PREFIX}.run"  # the pytest run (shared by its xdist workers)
LABEL_OWNER = f"{LABEL_PREFIX}.owner"  # the process that created it: "<run>-<worker>"
LABEL_CREATED = f"{LABEL_PREFIX}.created"
LABEL_ROLE = f"{LABEL_PREFIX}.role"
LABEL_PID = f"{LABEL_PREFIX}.pid"  # the creating process, to tell a killed run from a live one
LABEL_HOST = f"{LABEL_PREFIX}.host"
# The creator's PID namespace: CI jobs in containers on the host network share a hostname but
# not their PIDs, so a pid is only judged dead from inside the namespace that made it.
LABEL_PIDNS = f"{LABEL_PREFIX}.pidns"
LABEL_PROJECT = f"{LABEL_PREFIX}.project"  # the Go module root under test
LABEL_KEEP = f"{LABEL_PREFIX}.keep"  # made by a --goimage-keep run: no later run sweeps it
# Stamped on each built image: the Dockerfile as configured (relative to the project) and the
# target stage built, so messages about the image can point at its lines.
LABEL_DOCKERFILE = f"{LABEL_PREFIX}.dockerfile"
LABEL_TARGET = f"{LABEL_PREFIX}.target"


# A killed run's resources are swept only once they are this old (GOIMAGE_STALE_AFTER overrides):
# it guards against creators in another PID namespace that merely look dead from here.
STALE_AFTER_SECONDS = 60


def new_run_id() -> str:
    """A short id shared by everything one pytest run creates (xdist workers share it)."""
    return uuid.uuid4().hex[:12]


def image_labels(dockerfile: str, target: str | None, project: str) -> dict[str, str]:
    """The labels a build stamps on an image: its Dockerfile, its target stage (when one is
    configured) and the project, by which the run-end cleanup picks the images it removes."""
    labels = {LABEL_DOCKERFILE: dockerfile, LABEL_PROJECT: project}
    if target:
        labels[LABEL_TARGET] = target
    return labels


def resource_labels(
    owner: str, role: str, project: str = "", *, keep: bool = False
) -> dict[str, str]:
    """Labels for a container, network or volume: which process of which run made it, and when;
    `keep` (--goimage-keep) marks it for no sweep to take."""
    labels = {
        LABEL_PROJECT: project,
        LABEL_RUN: owner.split("-", 1)[0],
        LABEL_OWNER: owner,
        LABEL_ROLE: role,
        **creator_labels(),
    }
    if keep:
        labels[LABEL_KEEP] = "1"
    return labels


def creator_labels() -> dict[str, str]:
    """Who made something and when: what `creator_gone` judges a killed run by."""
    return {
        LABEL_CREATED: str(int(time.time())),
        LABEL_PID: str(os.getpid()),
        LABEL_HOST: socket.gethostname(),
        LABEL_PIDNS: pid_namespace(),
    }


def pid_namespace() -> str:
    """This process's PID namespace ("pid:[4026531836]"), or "" where /proc does not say."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def run_age(labels: dict[str, str]) -> float:
    """Seconds since the run that labelled a resource started (0 when it does not say)."""
    created = labels.get(LABEL_CREATED)
    if not created:
        return 0.0
    try:
        return time.time() - int(created)
    except (TypeError, ValueError):
        return 0.0


def creator_gone(labels: dict[str, str]) -> bool:
    """True when the process that labelled a resource has died (on this host) a while ago."""
    if labels.get(LABEL_KEEP):
        return False  # kept on purpose for debugging; the user removes it
    try:
        created = int(labels.get(LABEL_CREATED, "0"))
        pid = int(labels.get(LABEL_PID, "0"))
    except ValueError:
        return False
    try:
        min_age = float(os.environ.get("GOIMAGE_STALE_AFTER", STALE_AFTER_SECONDS))
    except ValueError:
        min_age = STALE_AFTER_SECONDS
    if time.time() - created < min_age or labels.get(LABEL_HOST) != socket.gethostname():
        return False  # too young to judge, or made on another machine sharing the engine
    if LABEL_PIDNS in labels and labels[LABEL_PIDNS] != pid_namespace():
        return False  # made in another PID namespace: its pid means nothing here
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    return False
