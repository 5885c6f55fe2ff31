"""The USER instruction behind an image's user, read from its Dockerfile: which one set it,
why `USER ${RUNAS}` came out empty, and a USER written in a stage the image is not built FROM.
The `user` check and the metadata policy's `user = "non-root"` say the same."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .dockerfile import Dockerfile, Instruction, Stage, parse_dockerfile

VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class WrittenUser:
    """The USER instruction that set the image's user, and the ARG defaults it could see."""

    instruction: Instruction
    args: dict[str, str | None]  # ARG name -> its default (None: declared without one)

    @property
    def variables(self) -> list[str]:
        return list(dict.fromkeys(VARIABLE.findall(self.instruction.value)))


def user_instruction(dockerfile: Path, target: str | None) -> WrittenUser | None:
    """The last USER of the built stage, or of the earlier stage it is built FROM."""
    parsed = _parsed(dockerfile)
    found = parsed.last_setting("USER", target) if parsed is not None else None
    if parsed is None or found is None:
        return None
    stage, user = found
    return WrittenUser(user, _stage_args(parsed, stage, user.line))


def unset_variable(
    written: WrittenUser, build_args: Mapping[str, str], env: Mapping[str, str]
) -> tuple[str, str]:
    """The variable of `USER ${RUNAS}` to set, and why it came out empty (", because RUNAS is
    not set (...)"; "" when that is not known)."""
    unset = [
        name
        for name in written.variables
        if name not in build_args and name not in env and written.args.get(name) is None
    ]
    if not unset:
        return written.variables[0], ""
    name = unset[0]
    if name in written.args:
        return name, (
            f", because {name} is not set (`ARG {name}` has no default and build_args does "
            "not set it)"
        )
    return name, f", because {name} is neither an ARG nor an ENV of that stage"


def user_in_another_stage(dockerfile: Path, target: str | None, file_name: str) -> str:
    """The words for a USER written in a stage the image is not built FROM (a builder's): a
    USER sets the user of its own stage and the stages built FROM it, not of a stage that
    copies files out of it. "" where there is none."""
    parsed = _parsed(dockerfile)
    if parsed is None:
        return ""
    built = parsed.built_stages(target)
    for stage in reversed(parsed.stages):
        found = [i for i in stage.instructions if i.keyword == "USER"]
        if stage in built or not found:
            continue
        name = stage.name or f"stage {stage.index}"
        return (
            f"`USER {found[-1].value}` ({file_name}:{found[-1].line}) is in the stage "
            f"{name}, which the image is not built FROM, and a USER sets the user of its own "
            "stage only (COPY --from takes files, not the user); "
        )
    return ""


def _parsed(dockerfile: Path) -> Dockerfile | None:
    try:
        return parse_dockerfile(dockerfile.read_text(errors="replace"))
    except OSError:
        return None


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
