"""What a service's image can run, for the HEALTHCHECK advice: a file it holds, a program on its
PATH, busybox's wget, or else a healthcheck subcommand of its Go binary to write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docker.errors import DockerException

from ..errors import GoImageError

if TYPE_CHECKING:
    from .running_service import RunningService

_WGET = ("/usr/bin/wget", "/bin/wget")


def has_wget(running: RunningService) -> bool:
    """Whether the image has a wget (busybox's, on alpine and busybox images)."""
    return any(image_has(running, path) for path in _WGET)


def exec_get(running: RunningService, url: str, keyword: str) -> str:
    """A command the image can run to GET `url`, in exec form."""
    if has_wget(running):
        return f'use its wget (busybox\'s): `{keyword} CMD ["wget", "-q", "-O-", "{url}"]`.'
    return go_subcommand(running, url, keyword)


def has_program(running: RunningService, program: str) -> bool:
    """Whether exec finds `program` in the image (a bare name on its PATH); True where the
    image cannot be read (a hint only)."""
    if "/" in program:
        return image_has(running, program)
    try:
        return running.built.on_path(program) is not None
    except (GoImageError, DockerException, OSError, ValueError):
        return True


def go_subcommand(running: RunningService, url: str, keyword: str) -> str:
    """The advice to ship a healthcheck subcommand in the Go binary and run it in exec form."""
    try:
        binary = running.built.binary_path
    except (GoImageError, DockerException, OSError, ValueError):
        binary = "/app"
    return (
        f"ship a tiny healthcheck subcommand in the Go binary (`{binary} healthcheck` GETs "
        f"{url} and exits 1 unless it answers 2xx) and write "
        f'`{keyword} CMD ["{binary}", "healthcheck"]` (exec form: no shell needed).'
    )


def image_has(running: RunningService, path: str) -> bool:
    """Whether the image holds `path`; False where its layers cannot be read (a hint only)."""
    try:
        return running.built.exists(path)
    except (DockerException, OSError, ValueError):
        return False
