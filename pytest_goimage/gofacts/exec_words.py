"""How a shell and `exec` read a command's words: a wrapper's options (and the chain of
programs wrappers execute), what `exec` runs, where a `cd` goes and a relative program is
found, and what a script's command runs given its "$@"."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from .positional import Args
from .shell_script import ASSIGNMENT, Command, Expansion, assignments, expanded

_EXEC_OPTIONS = re.compile(r"^(--|-[acl]+)$")

# Wrapper -> (short options taking a value, long options taking a value). Each stops reading
# options at `--` or at the first word that is not one, as their getopt strings say.
INITS: dict[str, tuple[str, frozenset[str]]] = {
    "tini": ("peR", frozenset()),
    "tini-static": ("peR", frozenset()),
    "catatonit": ("", frozenset()),
    "dumb-init": ("r", frozenset({"--rewrite"})),
}
ENV_VALUE_SHORT = "uCS"
ENV_VALUE_LONG = frozenset({"--unset", "--chdir", "--split-string"})
# `su-exec USER PROGRAM [ARGS]`; s6's and daemontools' setuidgid take the same words.
SWITCH_USER = frozenset({"su-exec", "gosu", "s6-setuidgid", "setuidgid"})
# util-linux's setpriv (`setpriv --reuid=app --regid=app --init-groups PROGRAM`, what the gosu
# README suggests on Debian): its options that take a value, as its getopt_long table says.
SETPRIV_VALUED = frozenset(
    {
        *("--ruid", "--euid", "--rgid", "--egid", "--reuid", "--regid", "--groups"),
        *("--inh-caps", "--ambient-caps", "--bounding-set", "--securebits", "--pdeathsig"),
        *("--selinux-label", "--apparmor-profile", "--landlock-access", "--landlock-rule"),
        "--seccomp-filter",
    }
)
MAX_WRAPPERS = 8  # wrappers in a row exec_chain follows: a loop guard


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


def exec_chain(words: Sequence[str]) -> list[str]:
    """The programs `words` has executed one after another through init and user-switching
    wrappers (`tini -- /entry.sh` -> tini, /entry.sh), each as written: the files the kernel
    is asked to execute. A shell's script is read, not executed, so a chain ends at a shell."""
    chain: list[str] = []
    rest = list(words)
    while rest and len(chain) <= MAX_WRAPPERS and not rest[0].startswith("-"):
        chain.append(rest[0])
        name = posixpath.basename(rest[0])
        if name in INITS:
            rest, _ = wrapper_options(rest[1:], *INITS[name])
        elif name in SWITCH_USER:
            rest = rest[2:]
        elif name == "setpriv":
            rest, _ = wrapper_options(rest[1:], "", SETPRIV_VALUED)
        elif name == "env":
            rest, _ = wrapper_options(rest[1:], ENV_VALUE_SHORT, ENV_VALUE_LONG)
            while rest and ASSIGNMENT.match(rest[0]):
                rest = rest[1:]
        else:
            break
    return chain
