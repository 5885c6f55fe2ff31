"""`user`: the image runs as a non-root USER, when `require_non_root` asks for it."""

from __future__ import annotations

from ..config import ImageConfig
from ..session import GoImageSession
from .base import CheckFailed, CheckSkipped, require_image


def run(session: GoImageSession, image: ImageConfig) -> str:
    if not image.require_non_root:
        raise CheckSkipped(
            f"{image.dockerfile}: require_non_root is not set in [tool.goimage], so any USER is "
            "accepted."
        )
    built = require_image(session, image)
    user = built.config.user.split(":", 1)[0]
    if user in ("", "0", "root"):
        shown = f"USER {built.config.user}" if built.config.user else "no USER instruction"
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} runs as root ({shown}); add a non-root "
            "`USER 65532:65532` (or a named user) to the final stage."
        )
    return f"{built.tag} runs as USER {built.config.user}"
