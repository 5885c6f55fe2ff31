"""The value `$NAME` has where a RUN's `go build` reads it, as BuildKit sets its environment:
an ENV of its stage or of the stages it is built FROM, else an ARG of its stage, or of those
stages where no ENV of theirs sets the name (build_args, else its default, else the global
ARG's default). Variables the script sets itself, and those only CI passes, stay unknown."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .dockerfile import Dockerfile, Instruction
from .go_build_command import GoBuild, unquoted
from .shell_script import VARIABLE

# Where a script assigns NAME itself (`V=$(cat VERSION)`, `export V=...`, `read V`).
_ASSIGNED = (
    r"(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare)\s+)?{name}=|\bread\b[^;&|\n]*\b{name}\b"
)


def expand_in_run(
    text: str,
    build: GoBuild,
    build_args: Mapping[str, str],
    global_instructions: Sequence[Instruction] = (),
    script: str = "",
) -> tuple[str, bool]:
    """`text` with every variable whose value is known replaced; whether all were. A name the
    RUN's `script` assigns is the script's value, not known here."""
    known = True

    def one(match: re.Match[str]) -> str:
        nonlocal known
        name = match.group(1) or match.group(2)
        value = None
        if not re.search(_ASSIGNED.format(name=re.escape(name)), script):
            value = value_in_run(name, build, build_args, global_instructions)
        if value is None or "$" in value:
            known = False
            return match.group(0)
        return value

    return VARIABLE.sub(one, text), known


# `-ldflags '-X main.v=${V}'`: in single quotes the shell expands nothing; Go gets `${V}`
# itself, and the binary holds it.
_SINGLE_QUOTED_LDFLAGS = re.compile(r"-?-ldflags(?:=|\s+)'[^']*\$")


def ldflags_in_run(
    build: GoBuild, parsed: Dockerfile, build_args: Mapping[str, str]
) -> tuple[str, bool]:
    """`build`'s -ldflags as the go build receives them ("" for none): the variables the
    Dockerfile sets expanded (build_args, ARG defaults, ENV); whether every variable was."""
    run = next((i for i in parsed.instructions if i.line == build.line), None)
    script = run.text if run is not None else ""
    if _SINGLE_QUOTED_LDFLAGS.search(script):
        return build.ldflags or "", True
    return expand_in_run(build.ldflags or "", build, build_args, parsed.global_instructions, script)


def value_in_run(
    name: str,
    build: GoBuild,
    build_args: Mapping[str, str],
    global_instructions: Sequence[Instruction] = (),
) -> str | None:
    """The value `name` has in the RUN of `build`; None when it is not known here. The later
    of an ENV (of its stage or one it is built FROM) and an ARG of its own stage sets it, as
    BuildKit does (`ENV V=dev` then `ARG V`: the RUN sees the ARG's value; checked on the
    engine); an ARG of a stage it is built FROM, where no ENV there sets the name (GoBuild.
    arg_applies). An ARG takes build_args, else its default, else the global ARG's default, and
    without any of them leaves the variable as it was."""
    for index in reversed(range(len(build.before))):
        instruction = build.before[index]
        if instruction.keyword == "ENV":
            value = _env_value(instruction, name)
            if value is not None:
                return _env_expanded(value, build, index, build_args, global_instructions)
        elif instruction.keyword == "ARG" and build.arg_applies(index, name):
            declared, default = _declared(instruction, name)
            if not declared:
                continue
            if name in build_args:
                return build_args[name]
            value = default if default is not None else global_default(name, global_instructions)
            if value is not None:
                return value
    return None


def _env_expanded(
    value: str,
    build: GoBuild,
    index: int,
    build_args: Mapping[str, str],
    global_instructions: Sequence[Instruction],
) -> str:
    """An ENV's value with its variables expanded as BuildKit expands them when it reads that
    ENV: with the ARGs and ENVs before it (`ARG GOTOOLCHAIN=local` then `ENV
    GOTOOLCHAIN=${GOTOOLCHAIN}` is the ARG's value, build_args included); one not known here
    stays as written."""
    if "$" not in value:
        return value
    earlier = replace(build, before=build.before[:index])

    def one(match: re.Match[str]) -> str:
        found = value_in_run(
            match.group(1) or match.group(2), earlier, build_args, global_instructions
        )
        return match.group(0) if found is None else found

    return VARIABLE.sub(one, value)


def _declared(instruction: Instruction, name: str) -> tuple[bool, str | None]:
    """Whether an ARG declares `name`, and its default (None: declared without one)."""
    for arg in instruction.args:
        key, has_default, default = arg.partition("=")
        if key == name:
            return True, unquoted(default) if has_default else None
    return False, None


def global_default(name: str, global_instructions: Sequence[Instruction]) -> str | None:
    """The default the last global ARG (before the first FROM) gives `name`; None: none."""
    default = None
    for instruction in global_instructions:
        if instruction.keyword == "ARG":
            declared, value = _declared(instruction, name)
            if declared:
                default = value
    return default


def _env_value(instruction: Instruction, name: str) -> str | None:
    """An ENV's value for `name`; BuildKit's parser gives name, value, name, value ..."""
    args = instruction.args
    for key, value in zip(args[::2], args[1::2], strict=False):
        if key == name:
            return unquoted(value)
    return None
