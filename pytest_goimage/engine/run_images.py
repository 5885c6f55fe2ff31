"""The images a run built, removed at its end, or by a later run when it ended before that
(killed, interrupted twice, an image still in use): by the tags its build records list and
by the `goimage/…:<run id>` tags the engine holds. Only this module connects to the engine
for a run's folder."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EngineError
from .labels import LABEL_PROJECT, LABEL_RUN, creator_gone, run_age
from .locks import lock_if_free
from .run_dirs import (
    GIVEN_UP,
    IMAGE_REPOSITORY,
    OWNER_FILE,
    REMOVED,
    close_run_dir,
    closed_how,
    closed_or_unowned,
    engine_used,
    run_of,
    subfolders,
    untrusted_reason,
)


def built_tags(shared_dir: Path) -> list[str]:
    """Tags of the images a run built (all workers), from its shared build records."""
    return [tag for tag, _, _ in _built_images(shared_dir)]


def _built_images(shared_dir: Path) -> list[tuple[str, str, str]]:
    # (tag, project, engine) per build record; a record from before images were labelled has
    # no project, one from before engines were recorded no engine.
    built = []
    for record in sorted(shared_dir.glob("*.build.json")):
        with contextlib.suppress(OSError, ValueError):
            outcome = json.loads(record.read_text())
            if isinstance(outcome, dict) and "tag" in outcome:
                tag, project = str(outcome["tag"]), str(outcome.get("project", ""))
                built.append((tag, project, str(outcome.get("engine", ""))))
    return built


@dataclass(frozen=True)
class LeftImage:
    """An image a run's removal could not take: its tag, why, and the engine that holds it."""

    tag: str
    why: str
    engine: str


@dataclass(frozen=True)
class Removal:
    """What removing a run's images did: the tags removed, and those left (in use by a
    container, or built on another engine); a folder with any left stays open for a later
    run to finish."""

    removed: list[str]
    left: list[LeftImage]

    @property
    def complete(self) -> bool:
        return not self.left


def remove_images(client: Any, shared_dir: Path) -> Removal | None:
    """Untag and remove the images the run of `shared_dir` built (BuildKit's cache keeps the next
    build fast); None when the engine stopped answering first.

    Only tags the plugin makes for that run (`goimage/…:<run id>`) are touched: those its build
    records list, on images labelled with the project a record names, and those no record lists
    (a build that the run's end cut short may still have tagged its image) on images labelled
    with any project.
    """
    import docker.errors

    from .connection import engine_address
    from .outside_errors import CLEANUP_ERRORS

    run_id = run_of(shared_dir)
    removed: list[str] = []
    left: list[LeftImage] = []
    recorded = _built_images(shared_dir)
    try:
        listed = tagged_images(client, run_id)
    except docker.errors.APIError:
        listed = []  # an engine without the reference filter: the records alone
    except CLEANUP_ERRORS:
        return None
    known = {tag for tag, _, _ in recorded}
    unrecorded = [(tag, None, "") for tag in listed if tag not in known]
    for tag, project, engine in [*recorded, *unrecorded]:
        if not (tag.startswith(IMAGE_REPOSITORY) and tag.endswith(f":{run_id}") and project != ""):
            continue  # a record from before images were labelled names no project
        try:
            labelled = (client.images.get(tag).labels or {}).get(LABEL_PROJECT)
            if not labelled or (project is not None and labelled != project):
                continue  # not an image this plugin built (for the project a record names)
            client.images.remove(tag, noprune=False)
            removed.append(tag)
        except docker.errors.NotFound:  # any 404 (Podman says "image not known")
            if engine and engine != engine_address():  # asked only here: it reads files
                left.append(LeftImage(tag, "this run uses another engine", engine))
            # else already gone
        except docker.errors.APIError as exc:
            # In use (409): a container of that run, too young to be swept yet, still runs
            # it. Closing the folder now would leave the image for good.
            why = str(exc.explanation or exc).strip().rstrip(".")
            left.append(LeftImage(tag, f"the engine said: {why}", engine or engine_address()))
        except CLEANUP_ERRORS:
            return None  # the engine went away: the rest would fail the same way
    return Removal(removed, left)


def tagged_images(client: Any, run_id: str = "*") -> list[str]:
    """The `goimage/…:<run_id>` tags on the engine's images that carry a project label (a
    plugin build's), sorted; every run's with the default `*`."""
    images = client.images.list(
        filters={"reference": f"{IMAGE_REPOSITORY}*:{run_id}", "label": LABEL_PROJECT}
    )
    return sorted(
        tag for image in images for tag in image.tags or () if tag.startswith(IMAGE_REPOSITORY)
    )


def remove_run_resources(shared_dir: Path) -> None:
    """At the end of a run, once every process of it has ended its own cleanup: remove the
    containers, networks and volumes labelled with the run's id that are left (an xdist worker
    interrupted or killed during its cleanup leaves them), then the images the run built, then
    mark the run closed (unless an image is still in use: a later run removes it, see
    remove_abandoned_images)."""
    used = engine_used(shared_dir)
    if used or built_tags(shared_dir):
        from .connection import connect, remove_labelled
        from .outside_errors import CLEANUP_ERRORS

        try:
            client = connect()
        except EngineError:
            return  # left for the next run (see remove_abandoned_images)
        if used:
            run_id = run_of(shared_dir)
            try:
                remove_labelled(client, f"{LABEL_RUN}={run_id}")
            except CLEANUP_ERRORS:
                return  # the engine went away: the next run sweeps by label
        removal = remove_images(client, shared_dir)
        if removal is None or not removal.complete:
            return
    close_run_dir(shared_dir)


# An earlier run's image that no later run could remove for this long (a container the plugin
# did not start holds it, or its engine is never used again) is left, said once, and its
# folder closed: else every run would retry it, silently, for good.
GIVE_UP_AFTER_SECONDS = 7 * 86400


def given_up_message(left: LeftImage) -> str:
    days = GIVE_UP_AFTER_SECONDS // 86400
    return (
        f"left {left.tag} on the engine at {left.engine}: the run that built it started more "
        f"than {days} days ago and ended without removing it, and this run could not either "
        f"({left.why}). No run will try again: remove it yourself (`docker image rm "
        f"{left.tag}` there) once nothing uses it."
    )


@dataclass(frozen=True)
class Sweep:
    """Earlier runs' images: those removed, and those given up on."""

    removed: list[str]
    given_up: list[LeftImage]


def remove_abandoned_images(
    client: Any, base: Path, own: Path, give_up_after: float = GIVE_UP_AFTER_SECONDS
) -> Sweep:
    """Images built by earlier runs that ended before removing them (killed, or an image still
    in use at their end; their owner process is gone): remove them, and mark those runs
    closed. Never a live run's images. A run started more than `give_up_after` seconds ago is
    closed with what is left of it. Runs that sweep at once take turns per folder, so each
    image is removed, or given up on, by one of them."""
    removed: list[str] = []
    given_up: list[LeftImage] = []
    for folder in subfolders(base):
        if folder == own or closed_or_unowned(folder) or untrusted_reason(folder):
            continue
        with lock_if_free(folder) as turn:  # concurrent sweeps take turns per folder
            if not turn or closed_or_unowned(folder):
                continue  # another run is at it, or has just closed it
            try:
                owner = json.loads((folder / OWNER_FILE).read_text())
            except (OSError, ValueError):
                continue
            if not isinstance(owner, dict) or not creator_gone(owner):
                continue
            removal = remove_images(client, folder)
            if removal is None:
                continue
            removed += removal.removed
            if removal.complete or run_age(owner) > give_up_after:
                given_up += removal.left
                close_run_dir(folder, REMOVED if removal.complete else GIVEN_UP)
    return Sweep(removed + _remove_late_tags(client, base, own), given_up)


def _remove_late_tags(client: Any, base: Path, own: Path) -> list[str]:
    """Tags of earlier runs that closed having removed their images, made after that: a build
    the run's end cut short (a second Ctrl-C) may tag its image once the end has looked. One
    listing of every run's tags; a kept run's, or a run's this user has no folder of, stay."""
    import docker.errors

    from .outside_errors import CLEANUP_ERRORS

    try:
        tags = tagged_images(client)
    except (docker.errors.APIError, *CLEANUP_ERRORS):
        return []
    folders = {run_of(folder): folder for folder in subfolders(base) if folder != own}
    removed = []
    for tag in tags:
        folder = folders.get(tag.rsplit(":", 1)[-1])
        if folder is None or untrusted_reason(folder) or closed_how(folder) != REMOVED:
            continue
        try:
            client.images.remove(tag, noprune=False)
            removed.append(tag)
        except docker.errors.APIError:
            continue  # in use by a container, or gone meanwhile: not this sweep's to force
        except CLEANUP_ERRORS:
            break
    return removed
