"""What checks share: the built image every image check starts with, and the project's Go
version pins (go-version and static both compare them)."""

from __future__ import annotations

from collections.abc import Iterable

from ..config import GoImageConfig, ImageConfig
from ..engine.image import BuiltImage
from ..errors import BuildFailed, CheckSkipped
from ..gofacts.project_pins import project_pins
from ..gofacts.versions import Pin
from ..session import GoImageSession


def require_image(session: GoImageSession, image: ImageConfig) -> BuiltImage:
    """The built image, or a skip that names the failed build (never a silent pass)."""
    try:
        return session.built(image)
    except BuildFailed as exc:
        first = str(exc).splitlines()[0]
        raise CheckSkipped(
            f"{image.dockerfile} did not build, so this check cannot run (see "
            f"{image.dockerfile}::build): {first}"
        ) from None


def config_pins(config: GoImageConfig, images: Iterable[ImageConfig]) -> list[Pin]:
    """project_pins of the configured project and `images`."""
    dockerfiles = [(image.dockerfile_path, image.build_args) for image in images]
    return project_pins(config.rootdir, config.project, dockerfiles, config.go_version_ignore)


def require_go_binary(session: GoImageSession, image: ImageConfig) -> BuiltImage:
    """The built image, or a skip when it runs no Go program (a docs or proxy image)."""
    built = require_image(session, image)
    reason = session.no_go_binary(image)
    if reason:
        raise CheckSkipped(reason)
    return built
