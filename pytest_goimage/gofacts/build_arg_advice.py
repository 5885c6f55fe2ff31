"""How to give a CI build an argument it leaves at its ARG default, as that build takes one:
`--build-arg` on a command, build-push-action's `build-args` input, a bake target's `args` (or
`--set`), a compose service's `build.args` (or `--build-arg`). An ImageBuild says which in
`passes_args`: `--build-arg`, `build-args`, `bake:<target>` or `compose:<service>`."""

from __future__ import annotations


def bake_passes(compose: bool, target: str) -> str:
    """`passes_args` of a bake call's target, or of a compose call's service."""
    return f"{'compose' if compose else 'bake'}:{target}"


def pass_argument(passes: str, name: str, value: str) -> str | None:
    """The phrase that passes `name`=`value` (or newer) as `passes` says, to be followed by
    where (`on <file>:<line>`); None for a `passes` this does not know."""
    kind, _, target = passes.partition(":")
    if kind == "--build-arg":
        return f"pass `--build-arg {name}={value}` or newer"
    if kind == "build-args":
        return f"add `{name}={value}` (or newer) to the step's `build-args`"
    if kind == "bake" and target:
        return (
            f"set {name} to '{value}' or newer in the `args` of bake target {target}, or pass "
            f"`--set {target}.args.{name}={value}`"
        )
    if kind == "compose" and target:
        return (
            f"set {name} to '{value}' or newer in service {target}'s `build.args`, or pass "
            f"`--build-arg {name}={value}`"
        )
    return None
