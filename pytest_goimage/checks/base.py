"""What a check raises, and the shared step every image check starts with."""

from __future__ import annotations

from ..config import ImageConfig
from ..errors import BuildFailed, GoImageError
from ..image import BuiltImage
from ..session import GoImageSession


class CheckFailed(GoImageError):
    """The check ran and found a problem; the message says what and what to do."""


class CheckSkipped(Exception):
    """The check does not apply here; the message says why."""


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


def require_go_binary(session: GoImageSession, image: ImageConfig) -> BuiltImage:
    """The built image, or a skip when it runs no Go program (a docs or proxy image)."""
    built = require_image(session, image)
    reason = session.no_go_binary(image)
    if reason:
        raise CheckSkipped(reason)
    return built
