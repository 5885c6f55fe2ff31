"""Command-line arguments that name built-in checks, as the run prints them.

`pytest --goimage Dockerfile.prod::static` (or `Dockerfile.prod` for all its checks) is what
users copy from a failure. pytest cannot resolve these itself (a Dockerfile holds no tests),
so they are taken out of its arguments and select the checks instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import ImageConfig
from .errors import SelectionError


@dataclass(frozen=True)
class CheckArgs:
    selected: frozenset[str]  # node ids `<dockerfile>::<check>`; empty: no argument named one
    rest: list[str]  # the arguments left for pytest


def take_check_args(
    args: Sequence[str], images: Sequence[ImageConfig], checks: Sequence[str], cwd: Path
) -> CheckArgs:
    ids = {image.dockerfile for image in images}
    by_path = {_resolved(image.dockerfile_path): image.dockerfile for image in images}
    selected: set[str] = set()
    rest: list[str] = []
    for arg in args:
        name, sep, check = arg.partition("::")
        # Like any pytest argument, a path is relative to where pytest was started (`cd
        # backend && pytest --goimage Dockerfile` means backend/Dockerfile); a node id as the
        # run printed it (relative to `project`) works from anywhere else.
        dockerfile = by_path.get(_resolved(cwd / name)) or (name if name in ids else None)
        if dockerfile is None:
            rest.append(arg)
        elif not sep:
            selected.update(f"{dockerfile}::{c}" for c in checks)
        elif check in checks:
            selected.add(f"{dockerfile}::{check}")
        else:
            raise SelectionError(
                f"{arg}: {dockerfile} has no check {check!r}; its checks are "
                f"{', '.join(checks)} (`{dockerfile}::<check>`, or `{dockerfile}` for all)."
            )
    return CheckArgs(frozenset(selected), rest)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
