"""The program a container runs, read from its ENTRYPOINT and CMD as the engine joins them."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import PurePosixPath

SHELLS = frozenset({"sh", "ash", "bash", "dash"})
# Init wrappers that run the rest of the command line as a child (`tini -- /app`).
INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_MAX_WRAPPERS = 4  # `tini -- sh -c 'exec /app'` is two; a loop guard, not a limit users meet


def program_of(entrypoint: Sequence[str], cmd: Sequence[str]) -> str | None:
    """The first word of what runs, looking through `sh -c '...'` (its `exec` and VAR=value
    prefixes) and init wrappers such as tini and dumb-init; None when nothing runs."""
    # An exec-form ENTRYPOINT gets CMD as arguments; a shell-form one is `sh -c` and drops it.
    words = [*entrypoint, *cmd] if entrypoint else list(cmd)
    for _ in range(_MAX_WRAPPERS):
        if not words:
            return None
        name = PurePosixPath(words[0]).name
        script = _shell_script(words) if name in SHELLS else None
        if script is not None:
            text, arguments = script
            words = shell_words(text)
            while words and (words[0] == "exec" or _ASSIGNMENT.match(words[0])):
                words = words[1:]
            if words[:1] in (["$@"], ["${@}"]):  # `exec "$@"`: run the arguments
                words = arguments + words[1:]
        elif name in INITS:
            rest = words[1:]
            words = rest[rest.index("--") + 1 :] if "--" in rest else _without_flags(rest)
        else:
            return words[0]
    return words[0] if words else None


def shell_words(text: str) -> list[str]:
    """`text` split as a POSIX shell splits it; on unbalanced quotes (which the shell would
    refuse) at whitespace."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _shell_script(words: list[str]) -> tuple[str, list[str]] | None:
    """For `sh [options] -c STRING [$0 [$1 ...]]`: STRING and the script's arguments ($1 on);
    None when the shell runs no string (a script file, or stdin)."""
    index = 1
    while index < len(words) and words[index][:1] in ("-", "+") and words[index] not in ("-", "--"):
        flags = words[index]
        long_option = flags.startswith(("--", "++"))
        if not long_option and flags[0] == "-" and "c" in flags[1:]:  # -c, -ec, -euxc
            if index + 1 >= len(words):
                return None
            return words[index + 1], words[index + 3 :]
        # `-o pipefail`, `-euo pipefail`, `+o posix`: the option's name is the next word.
        index += 2 if not long_option and "o" in flags[1:] else 1
    return None


def _without_flags(words: list[str]) -> list[str]:
    # tini and dumb-init flags come first; those taking a value (`-r 15:2`, `-e 143`) are
    # written with the value as the next word.
    takes_value = {"-r", "--rewrite", "-e", "-p"}
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in takes_value else 1
    return words[index:]
