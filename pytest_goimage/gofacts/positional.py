"""A script's positional parameters ("$@") along each way through its if and case branches.

`set -- filesvc "$@"` inside `if [ "${1#-}" != "$1" ]` (the docker-library entrypoint) gives
the paths that take the branch other arguments than those that skip it, so `exec "$@"` after
it runs the program each path names. Conditions are not evaluated: every arm is a path, but
an absolute path as $1 is taken to pass no test (a `then`, a case arm other than `*)`, after
`&&`/`||`), as such tests look for an option or a subcommand's name. A path that leaves the
script inside a branch (`exec`, `exit`) is not followed further, as other branch commands are
not; a function body or subshell has "$@" of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .shell_script import Command, Expansion, assignments, expanded

UNKNOWN = Expansion('"$@"')
_LOOPS = frozenset({"while", "until", "for"})
_OWN_ARGS = frozenset({"function", "("})  # a function body, a subshell: their own "$@"
# Each branch that appends an optional flag doubles the paths: 8 such branches make 256.
_MAX_PATHS = 256


@dataclass(frozen=True)
class Args:
    """One path's positional parameters, and the `set --` that gave it its first word (None:
    the script's own arguments) or made it unknown, with `note` saying how."""

    words: tuple[str, ...]
    origin: Command | None = None
    note: str = ""


def items(commands: list[Command], level: int) -> Iterator[Command | list[Command]]:
    """`commands` as they stand at nesting `level`: each simple command there, and the simple
    commands of each compound command there, together."""
    group: list[Command] = []
    for command in commands:
        if command.depth == level or (
            group and group[0].frames[level].serial != command.frames[level].serial
        ):
            if group:
                yield group
            group = []
        if command.depth == level:
            yield command
        else:
            group.append(command)
    if group:
        yield group


def rewritten(paths: list[Args], command: Command, *, tested: bool) -> list[Args]:
    """`paths` after `command`, where it is `set -- WORDS` or `shift [N]`. After `&&`/`||`
    it may not run: the paths that skip it stay as they were. `tested`: see compound."""
    conditional = command.after in ("&&", "||")
    out: list[Args] = []
    for path in paths:
        changed = _rewritten(path, command, tested or conditional)
        if changed is None:  # the test before it does not fire on this path
            out += [path] if conditional else []
        else:
            out += [changed, path] if conditional and changed is not path else [changed]
    return _distinct(out, command)


def compound(
    commands: list[Command], paths: list[Args], level: int, tested: bool = False
) -> list[Args]:
    """`paths` after the compound command whose simple commands (all at or below `level`)
    are `commands`: every arm of an if or case is a path, the skipped branch one more.
    `tested`: it stands where a test fired (a `then` or a case arm), maybe on $1."""
    frame = commands[0].frames[level]
    if frame.kind in _OWN_ARGS:
        out = paths
    elif frame.kind in _LOOPS:
        out = [_looped(path, commands, level) for path in paths]
    elif frame.kind in ("if", "case"):
        out = _arms(commands, paths, level, tested or frame.after in ("&&", "||"))
    else:  # `{ ...; }`: the commands run in turn, in this shell
        out = _sequence(commands, paths, level + 1, tested or frame.after in ("&&", "||"))
    if frame.after in ("&&", "||"):
        out = [*out, *paths]
    return _distinct(out, commands[0])


def _sequence(commands: list[Command], paths: list[Args], level: int, tested: bool) -> list[Args]:
    for item in items(commands, level):
        if not paths:
            break  # every path has left the script
        if isinstance(item, list):
            paths = compound(item, paths, level, tested)
        else:
            paths = [p for p in rewritten(paths, item, tested=tested) if not _ends(item, p)]
    return paths


def _ends(command: Command, path: Args) -> bool:
    """`exec PROGRAM` or `exit` in a branch, not after `&&`/`||`: the path leaves the script
    there (`exec "$@"` with no arguments only redirects, and the script goes on)."""
    if command.after in ("&&", "||"):
        return False
    words = expanded(command.words, list(path.words))[assignments(command) :]
    return words[:1] == ["exit"] or (words[:1] == ["exec"] and len(words) > 1)


def _arms(commands: list[Command], paths: list[Args], level: int, tested: bool) -> list[Args]:
    """An if: its condition runs, then one of then/elif/else (or none). A case: one of its
    arms, or none unless one matches anything (`*)`). An else or `*)` arm runs where no test
    fired: there `set --` runs whatever $1 is."""
    parts: dict[int, list[Command]] = {}
    for command in commands:
        parts.setdefault(command.frames[level].part, []).append(command)
    out: list[Args] = []
    rest = paths  # the paths no arm has taken yet
    for number in sorted(parts):
        role = parts[number][0].frames[level].role
        taken = _sequence(parts[number], rest, level + 1, tested or role in ("then", ")"))
        if role in ("if", "elif"):
            rest = taken  # a condition runs on every path still looking for its arm
        else:
            out += taken
            if role in ("else", "*"):
                rest = []
    return out + rest


def _looped(path: Args, commands: list[Command], level: int) -> Args:
    """A loop runs its body a number of times known only at run time: `set --` or `shift`
    in it leaves "$@" unknown."""
    for command in commands:
        if any(frame.kind in _OWN_ARGS for frame in command.frames[level:]):
            continue
        changed = _rewritten(path, command, True)
        if changed is not None and changed is not path:
            return Args(
                (UNKNOWN,),
                command,
                " in a loop, which runs a number of times known only at run time",
            )
    return path


def _rewritten(path: Args, command: Command, tested: bool) -> Args | None:
    """`path` after `command` where it is `set [OPTIONS] -- WORDS` or `shift [N]`, else
    `path` itself; None where the test it stands behind does not fire."""
    tokens = command.words[assignments(command) :]
    literal = [t.text if not (t.dynamic or t.args) else "" for t in tokens]
    head = literal[0] if literal else ""
    dash = literal.index("--") if "--" in literal else 0
    if head != "shift" and not (head == "set" and dash):
        return path
    # `if [ "$1" = server ]; then set -- vault "$@"; fi`: an absolute path as $1 is what no
    # such test fires on (never an option, nor a subcommand's name).
    if tested and path.words and path.words[0].startswith("/"):
        return None
    if head == "shift":
        if tested:  # `[ "$1" = serve ] && shift` drops a subcommand: seldom a program follows
            return Args((UNKNOWN,))
        count = tokens[1].text if len(tokens) > 1 else "1"
        return Args(path.words[int(count) if count.isdigit() else 1 :], path.origin, path.note)
    new = tuple(expanded(tokens[dash + 1 :], list(path.words)))
    if dash + 1 < len(tokens) and tokens[dash + 1].args and path.words:
        return Args(new, path.origin, path.note)  # `set -- "$@" --flag`: $1 stays
    return Args(new, command)


def _distinct(paths: list[Args], command: Command) -> list[Args]:
    """`paths` without repeats; past _MAX_PATHS, one whose "$@" is unknown."""
    seen: dict[tuple[tuple[str, bool], ...], Args] = {}
    for path in paths:
        seen.setdefault(tuple((w, isinstance(w, Expansion)) for w in path.words), path)
    if len(seen) > _MAX_PATHS:
        note = f", one of more than {_MAX_PATHS} ways through the script's branches"
        return [Args((UNKNOWN,), command, note)]
    return list(seen.values())


def origin(path: Args) -> str:
    """Where `path`'s "$@" got its first word, for messages."""
    if path.origin is None:
        return "the script's arguments"
    return f"`{path.origin.text}`, line {path.origin.line}"


def run_time_note(path: Args) -> str:
    """The `set --` (or loop) that put a word known only at run time into "$@", if one did."""
    if path.origin is None or not any(isinstance(word, Expansion) for word in path.words):
        return ""
    return f", after `{path.origin.text}` (line {path.origin.line}){path.note}"
