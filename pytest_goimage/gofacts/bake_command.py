"""`docker buildx bake` in a CI script, read as its command line gives it: the bake files
(`-f`), the `--set` overrides and the targets, as written. Which images that builds, with
which arguments, only buildx can say (bake_builds); this reads the words it is given."""

from __future__ import annotations

from dataclasses import dataclass

from .command_words import Word, read_options

# bake's options that take a value; any other is a switch (`--push`, `--load`, `--print`).
_VALUES = frozenset(
    {"file", "set", "progress", "builder", "metadata-file", "call", "allow", "provenance",
     "sbom", "list", "var"}
)  # fmt: skip


@dataclass(frozen=True)
class BakeCommand:
    """One `docker buildx bake` of a script, in the folder it runs in (None: not known)."""

    line: int
    cwd: str | None
    files: tuple[Word, ...] = ()
    sets: tuple[Word, ...] = ()  # each `KEY=VALUE` as written
    targets: tuple[Word, ...] = ()
    prefix: tuple[tuple[str, Word], ...] = ()  # `NAME=value docker buildx bake`
    # What the script assigned before it (None: not known), and which of those it exported:
    # bake reads its variables from the environment, where only exported ones are.
    assigned: tuple[tuple[str, Word | None], ...] = ()
    exported: tuple[str, ...] = ()


def bake_options(
    words: list[Word], line: int, cwd: str | None, prefix: tuple[tuple[str, Word], ...]
) -> BakeCommand:
    """The words after `bake`: `-f`/`--file`, `--set`, and the targets (the rest)."""
    options, targets = read_options(words, _VALUES, {"f": "file"})
    files = tuple(value for name, value in options if name == "file" and value is not None)
    sets = tuple(value for name, value in options if name == "set" and value is not None)
    return BakeCommand(line, cwd, files, sets, tuple(targets), prefix)
