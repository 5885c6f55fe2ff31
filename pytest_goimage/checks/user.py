"""`user`: the image runs as a non-root USER, when `require_non_root` asks for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import ImageConfig
from ..engine.image import BuiltImage
from ..engine.image_users import PasswdUser, is_root_spelling, named_user_problem, service_user
from ..errors import CheckFailed, CheckSkipped
from ..gofacts.dockerfile import Dockerfile, Instruction, Stage, parse_dockerfile
from ..session import GoImageSession
from .base import require_image

_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def run(session: GoImageSession, image: ImageConfig) -> str:
    if not image.require_non_root:
        raise CheckSkipped(
            f"{image.dockerfile}: require_non_root is not set in [tool.goimage], so any USER is "
            "accepted."
        )
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
    written = _user_instruction(image)
    if written is not None and _VARIABLE.search(written.instruction.value):
        raise CheckFailed(_unresolved_message(image, built, written, suggested))
    shown = f"USER {built.config.user}" if built.config.user else "no USER instruction"
    if suggested is None:
        fix = "add a non-root `USER 65532:65532` (or a named user) to the final stage."
    else:
        fix = (
            f"add `USER {suggested.name}` to the final stage: the image's /etc/passwd already "
            f"defines that user (uid {suggested.uid})."
        )
    elsewhere = _user_in_another_stage(image) if written is None else ""
    raise CheckFailed(
        f"{image.dockerfile}: image {built.tag} runs as root ({shown}); {elsewhere}{fix}"
    )


def _user_in_another_stage(image: ImageConfig) -> str:
    """The words for a USER written in a stage the image is not built FROM (a builder's): a
    USER sets the user of its own stage and the stages built FROM it, not of a stage that
    copies files out of it."""
    try:
        dockerfile = parse_dockerfile(image.dockerfile_path.read_text(errors="replace"))
    except OSError:
        return ""
    built = dockerfile.built_stages(image.target)
    for stage in reversed(dockerfile.stages):
        found = [i for i in stage.instructions if i.keyword == "USER"]
        if stage in built or not found:
            continue
        name = stage.name or f"stage {stage.index}"
        return (
            f"`USER {found[-1].value}` ({image.file_name}:{found[-1].line}) is in the stage "
            f"{name}, which the image is not built FROM, and a USER sets the user of its own "
            "stage only (COPY --from takes files, not the user); "
        )
    return ""


@dataclass(frozen=True)
class _Written:
    """The USER instruction that set the image's user, and the ARG defaults it could see."""

    instruction: Instruction
    args: dict[str, str | None]  # ARG name -> its default (None: declared without one)


def _unresolved_message(
    image: ImageConfig, built: BuiltImage, written: _Written, suggested: PasswdUser | None
) -> str:
    """`USER ${RUNAS}` that resolved to root or to nothing: which variable, and how to set it."""
    value = written.instruction.value
    resolved = f"{built.config.user!r}" if built.config.user else "an empty user"
    unset = [
        name
        for name in dict.fromkeys(_VARIABLE.findall(value))
        if name not in image.build_args
        and name not in built.config.env
        and written.args.get(name) is None
    ]
    why = ""
    if unset:
        name = unset[0]
        if name in written.args:
            why = (
                f", because {name} is not set (`ARG {name}` has no default and build_args does "
                "not set it)"
            )
        else:
            why = f", because {name} is neither an ARG nor an ENV of that stage"
    variable = unset[0] if unset else _VARIABLE.findall(value)[0]
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


def _user_instruction(image: ImageConfig) -> _Written | None:
    """The last USER of the built stage, or of the earlier stage it is built FROM."""
    try:
        dockerfile = parse_dockerfile(image.dockerfile_path.read_text(errors="replace"))
    except OSError:
        return None
    found = dockerfile.last_setting("USER", image.target)
    if found is None:
        return None
    stage, user = found
    return _Written(user, _stage_args(dockerfile, stage, user.line))


def _stage_args(dockerfile: Dockerfile, stage: Stage, before: int) -> dict[str, str | None]:
    """ARGs a stage declares before line `before`; `ARG NAME` alone takes the global default."""
    global_defaults: dict[str, str | None] = {}
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            global_defaults.update(_arg_words(instruction))
    declared: dict[str, str | None] = {}
    for instruction in stage.instructions:
        if instruction.keyword == "ARG" and instruction.line < before:
            for name, default in _arg_words(instruction).items():
                declared[name] = default if default is not None else global_defaults.get(name)
    return declared


def _arg_words(instruction: Instruction) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for word in instruction.words():
        name, equals, default = word.partition("=")
        found[name] = default.strip("\"'") if equals else None
    return found
