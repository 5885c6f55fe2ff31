"""The built-in checks, in the order they run. Each is one module with one `run` function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..config import ImageConfig
from ..session import GoImageSession
from . import build

CheckFunction = Callable[[GoImageSession, ImageConfig], None]


@dataclass(frozen=True)
class Check:
    name: str
    run: CheckFunction
    needs_docker: bool
    description: str


# Checks that need no Docker come first so a misconfiguration shows before minutes of building.
CHECKS: tuple[Check, ...] = (Check("build", build.run, True, "the image builds with BuildKit"),)


def check_names() -> list[str]:
    return [check.name for check in CHECKS]
