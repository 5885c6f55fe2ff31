"""`tracked`: every Go build input in the context is tracked by git, so CI builds what you test."""

from __future__ import annotations

from ..build.tracking import NotARepository, untracked_inputs
from ..config import ImageConfig
from ..errors import CheckFailed, CheckSkipped
from ..session import GoImageSession

MAX_LISTED = 15


def run(session: GoImageSession, image: ImageConfig) -> str:
    try:
        missing = untracked_inputs(image.context_path, image.dockerfile_path)
    except NotARepository as exc:
        raise CheckSkipped(
            f"{image.dockerfile}: {exc}, so there is no clean checkout to compare with."
        ) from None
    if not missing:
        return f"every Go build input in build context {image.context!r} is tracked by git"
    ignored = [m for m in missing if m.rule]
    lines = [f"    {m.describe()}" for m in missing[:MAX_LISTED]]
    if len(missing) > MAX_LISTED:
        lines.append(f"    ... and {len(missing) - MAX_LISTED} more")
    advice = (
        "Narrow the ignore rule (anchor it, e.g. `/storage/` for runtime data) and `git add` the "
        "files"
        if ignored
        else "`git add` them"
    )
    raise CheckFailed(
        f"{image.dockerfile}: {len(missing)} Go build input(s) in build context "
        f"{image.context!r} are not tracked by git, so a clean checkout (CI) builds something "
        f"else than this machine does. {advice}:\n" + "\n".join(lines)
    )
