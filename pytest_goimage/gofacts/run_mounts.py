"""The `--mount=` options of a RUN instruction: the mount as written, its type (bind when none
is given, as BuildKit defaults) and its options. The build's failure messages name them, and
`context_sources` reads which context folders a RUN sees through them."""

from __future__ import annotations

from dataclasses import dataclass

from .dockerfile import Instruction


@dataclass(frozen=True)
class Mount:
    written: str  # the flag as written: `--mount=type=secret,id=netrc`
    options: tuple[tuple[str, str], ...]  # (lower-case key, value) in order

    def option(self, *names: str) -> str | None:
        """The value of the first of `names` the mount sets ("" for a bare `required`)."""
        found = dict(self.options)
        return next((found[name] for name in names if name in found), None)

    @property
    def type(self) -> str:
        return (self.option("type") or "bind").lower()

    @property
    def source(self) -> str:
        """A bind mount's source in the build context (or in `from=`): the whole of it unless
        `source=`/`src=` names a part."""
        return self.option("source", "src") or "."

    @property
    def required(self) -> bool:
        """`required` or `required=true` (BuildKit's default for secret and ssh: false)."""
        value = self.option("required")
        return value is not None and value.lower() in ("", "1", "t", "true")


def run_mounts(instruction: Instruction) -> list[Mount]:
    """The mounts of a RUN, in order (none for other instructions)."""
    if instruction.keyword != "RUN":
        return []
    mounts: list[Mount] = []
    for flag in instruction.flags:
        if flag.startswith("--mount="):
            pairs = [part.partition("=") for part in flag.removeprefix("--mount=").split(",")]
            options = tuple((key.strip().lower(), value.strip()) for key, _, value in pairs)
            mounts.append(Mount(flag, options))
    return mounts


def context_binds(instruction: Instruction) -> list[Mount]:
    """The RUN's bind mounts of the build context (not `from=` another stage or image)."""
    return [m for m in run_mounts(instruction) if m.type == "bind" and m.option("from") is None]
