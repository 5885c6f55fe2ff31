"""pytest-goimage: container image acceptance tests for Go services.

The types a typed custom test needs are importable from here: `BuiltImage` (the `goimage`
fixture), `RunningService` (`goimage_service`), `MinioServer` (`goimage_minio`), `DependencyServer`
(what `goimage_dependency(name)` returns),
`GoImageConfig` and `ImageConfig` (`goimage_config`). They load on first use, so the pure
readers below (`pytest_goimage.gofacts`) import without the engine's client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import GoImageConfig, ImageConfig
    from .engine.dependency import DependencyServer
    from .engine.image import BuiltImage
    from .engine.minio_server import MinioServer
    from .engine.running_service import RunningService

__all__ = [
    "BuiltImage",
    "DependencyServer",
    "GoImageConfig",
    "ImageConfig",
    "MinioServer",
    "RunningService",
]

_HOMES = {
    "BuiltImage": ".engine.image",
    "DependencyServer": ".engine.dependency",
    "GoImageConfig": ".config",
    "ImageConfig": ".config",
    "MinioServer": ".engine.minio_server",
    "RunningService": ".engine.running_service",
}


def __getattr__(name: str) -> Any:
    """The public type `name`, imported from its module on first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value
