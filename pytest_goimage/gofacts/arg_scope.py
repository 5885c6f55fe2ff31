"""Where a Dockerfile reads an ARG outside its scope, as BuildKit scopes them: a FROM sees only
the ARGs declared before the first FROM; an instruction in a stage sees a global ARG only after
an `ARG NAME` of its own stage re-declares it. Out of scope, `${NAME}` is empty, and nothing
says so: the build fails on `golang:-alpine`, or a LABEL is empty."""

from __future__ import annotations

from dataclasses import dataclass

from .dockerfile import Dockerfile, Instruction, Stage
from .shell_script import VARIABLE


@dataclass(frozen=True)
class OutOfScope:
    """`name`, read at line `used`, declared by the ARG at `declared` (0: by none)."""

    name: str
    used: int
    declared: int
    declaration: str = ""  # that ARG as written


def _declares(instruction: Instruction) -> list[str]:
    return (
        [word.split("=", 1)[0] for word in instruction.args] if instruction.keyword == "ARG" else []
    )


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) or m.group(2) for m in VARIABLE.finditer(text)))


# BuildKit declares these in the global scope itself: every FROM sees them
# (`FROM --platform=$BUILDPLATFORM golang`, `FROM base-${TARGETARCH}`).
PLATFORM_ARGS = frozenset(
    f"{side}{part}"
    for side in ("BUILD", "TARGET")
    for part in ("PLATFORM", "OS", "ARCH", "VARIANT")
)


def from_out_of_scope(parsed: Dockerfile) -> list[OutOfScope]:
    """The variables FROM lines read that no ARG before the first FROM declares, with the ARG
    inside a stage that does (if one does). BuildKit's platform ARGs are always in scope."""
    global_names = PLATFORM_ARGS.union(n for i in parsed.global_instructions for n in _declares(i))
    found: list[OutOfScope] = []
    for stage in parsed.stages:
        for name in _names(stage.base):
            if name in global_names:
                continue
            arg = next((i for i in parsed.instructions if name in _declares(i)), None)
            found.append(
                OutOfScope(name, stage.line, arg.line if arg else 0, arg.text if arg else "")
            )
    return found


def stage_out_of_scope(
    parsed: Dockerfile, stage: Stage, instruction: Instruction
) -> list[OutOfScope]:
    """The variables `instruction` (in `stage`) reads that a global ARG declares but neither
    an ARG of the stages it is built from (its own before it) nor an ENV of them sets."""
    globals_ = {n: i for i in parsed.global_instructions for n in _declares(i)}
    chain = parsed.built_stages(stage.name or f"stage-{stage.index}")
    seen: set[str] = set()
    for each in chain:
        for before in each.instructions:
            if each is stage and before.line >= instruction.line:
                break
            seen.update(_declares(before))
            if before.keyword == "ENV":  # its args are name, value pairs
                seen.update(before.args[0::2])
    return [
        OutOfScope(name, instruction.line, globals_[name].line, globals_[name].text)
        for name in _names(instruction.text)
        if name in globals_ and name not in seen
    ]
