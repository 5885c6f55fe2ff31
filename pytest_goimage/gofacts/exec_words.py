"""How a shell and `exec` read a command's words: a wrapper's options, what `exec` runs, where
a `cd` goes and a relative program is found, and what a script's command runs given its "$@"."""

from __future__ import annotations

import posixpath
import re

from .positional import Args
from .shell_script import Command, Expansion, assignments, expanded

_EXEC_OPTIONS = re.compile(r"^(--|-[acl]+)$")


def wrapper_options(
    words: list[str], short: str, long: frozenset[str]
) -> tuple[list[str], list[tuple[str, str]]]:
    """getopt with `+` (stop at the first operand): (operands, [(option, value)])."""
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            return words[index + 1 :], found
        if word == "-":  # env's `-` is -i
            index += 1
            continue
        if not word.startswith("-"):
            break
        if word.startswith("--"):
            name, equals, value = word.partition("=")
            if name in long and not equals:
                value = words[index + 1] if index + 1 < len(words) else ""
                index += 1
            found.append((name, value))
            index += 1
            continue
        index += 1
        for position, letter in enumerate(word[1:], 1):
            if letter in short:
                value = word[position + 1 :]
                if not value:
                    value = words[index] if index < len(words) else ""
                    index += 1
                found.append((f"-{letter}", value))
                break
            found.append((f"-{letter}", ""))
    return words[index:], found


def keeps_alive(words: list[str]) -> bool:
    """`sleep infinity`, `tail -f /dev/null`: run after the program to keep the container up,
    never the program itself."""
    name = posixpath.basename(words[0])
    return name == "sleep" or (name == "tail" and any(w in ("-f", "-F") for w in words[1:]))


def exec_arguments(words: list[str]) -> list[str]:
    """What `exec [-cl] [-a NAME] [--] COMMAND...` runs."""
    while words and _EXEC_OPTIONS.match(words[0]) and not isinstance(words[0], Expansion):
        flags, words = words[0], words[1:]
        if flags == "--":
            break
        if flags.endswith("a"):  # -a NAME: the name shown as argv[0]
            words = words[1:]
    return words


def cd_target(words: list[str]) -> str | None:
    words = [w for w in words if w not in ("-L", "-P", "-e", "-@")]
    if not words or words[0] == "-" or isinstance(words[0], Expansion):
        return None  # $HOME, $OLDPWD or a variable: known only at run time
    return words[0]


def changed(cwd: str | None, target: str | None) -> str | None:
    if target is None or (cwd is None and not target.startswith("/")):
        return None
    return posixpath.normpath(posixpath.join(cwd or "/", target))


def located(word: str, cwd: str | None) -> str | None:
    """`word` as exec finds it: absolute as is, a bare name for PATH, else joined to cwd."""
    if word.startswith("/") or "/" not in word:
        return word
    return None if cwd is None else posixpath.normpath(posixpath.join(cwd, word))


def execs_arguments(command: Command) -> bool:
    """Whether `command` is `exec "$@"` (or `exec "$@"` after options): it runs what the
    script was given."""
    words = command.words[assignments(command) :]
    return bool(words) and words[0].text == "exec" and any(word.args for word in words[1:])


def run_words(command: Command, path: Args) -> list[str]:
    """What `command` runs where "$@" is `path`: its words after assignments and `exec`."""
    words = expanded(command.words, list(path.words))[assignments(command) :]
    return exec_arguments(words[1:]) if words[:1] == ["exec"] else words
