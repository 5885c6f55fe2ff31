"""`user`: the image runs as a non-root USER, when `require_non_root` asks for it."""

from __future__ import annotations

from ..config import ImageConfig
from ..engine.image import BuiltImage
from ..engine.image_users import PasswdUser, is_root_spelling, named_user_problem, service_user
from ..errors import CheckFailed, CheckSkipped, GoImageError
from ..gofacts.user_instruction import (
    WrittenUser,
    unset_variable,
    user_in_another_stage,
    user_instruction,
)
from ..session import GoImageSession
from .base import require_image


def run(session: GoImageSession, image: ImageConfig) -> str:
    if not image.require_non_root:
        return _starts_as_named(session, image)
    built = require_image(session, image)
    user, _, group = built.config.user.partition(":")
    if not is_root_spelling(user):
        problem = named_user_problem(built, user, group)
        if problem is not None:
            raise CheckFailed(
                f"{image.dockerfile}: image {built.tag} runs as USER {built.config.user}, "
                f"{problem.why}. {problem.fix}"
            )
        return f"{built.tag} runs as USER {built.config.user}"
    suggested = service_user(built)
    written = user_instruction(image.dockerfile_path, image.target)
    if written is not None and written.variables:
        raise CheckFailed(_unresolved_message(image, built, written, suggested))
    shown = f"USER {built.config.user}" if built.config.user else "no USER instruction"
    if suggested is None:
        fix = "add a non-root `USER 65532:65532` (or a named user) to the final stage."
    else:
        fix = (
            f"add `USER {suggested.name}` to the final stage: the image's /etc/passwd already "
            f"defines that user (uid {suggested.uid})."
        )
    elsewhere = (
        user_in_another_stage(image.dockerfile_path, image.target, image.file_name)
        if written is None
        else ""
    )
    raise CheckFailed(
        f"{image.dockerfile}: image {built.tag} runs as root ({shown}); {elsewhere}{fix}"
    )


def _starts_as_named(session: GoImageSession, image: ImageConfig) -> str:
    """Without require_non_root any user is accepted, but a USER name (or group) the image's
    own files do not define is no user at all: the engine refuses every container of it, which
    a run with `health` and `bucket` off never sees (trial 20: `USER nonroot` on scratch)."""
    accepted = (
        f"{image.dockerfile}: require_non_root is not set in [tool.goimage], so any USER is "
        "accepted"
    )
    try:
        built = session.built(image)
    except GoImageError:  # a failed build or engine: their own checks say so
        raise CheckSkipped(f"{accepted}.") from None
    user, _, group = built.config.user.partition(":")
    names = (user and not user.isdigit()) or (group and not group.isdigit())
    # `root` too is a name: an image without /etc/passwd (scratch) cannot start as it.
    problem = named_user_problem(built, user, group) if names else None
    if problem is not None and not problem.is_root:
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} runs as USER {built.config.user}, "
            f"{problem.why}. {problem.fix}"
        )
    raise CheckSkipped(f"{accepted}." if not names else f"{accepted} (the names it gives exist).")


def _unresolved_message(
    image: ImageConfig, built: BuiltImage, written: WrittenUser, suggested: PasswdUser | None
) -> str:
    """`USER ${RUNAS}` that resolved to root or to nothing: which variable, and how to set it."""
    value = written.instruction.value
    resolved = f"{built.config.user!r}" if built.config.user else "an empty user"
    variable, why = unset_variable(written, image.build_args, built.config.env)
    user = suggested.name if suggested is not None else "65532"
    where = (
        f", a user the image's /etc/passwd already defines (uid {suggested.uid})"
        if suggested is not None
        else ""
    )
    return (
        f"{image.dockerfile}: image {built.tag} runs as root: `USER {value}` "
        f"({image.file_name}:{written.instruction.line}) resolved to {resolved}{why}; set "
        f"{variable} to a non-root user such as {user}{where}: "
        f'`build_args = {{ {variable} = "{user}" }}` in [tool.goimage], or '
        f"`ARG {variable}={user}`."
    )
