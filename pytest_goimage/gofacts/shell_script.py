"""A shell script read as its simple commands, each with the compound commands (if, case,
loop, brace group, subshell, function body) it stands in, and their words expanded with the
script's arguments."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace

from .shell_lexer import Lexer, Token

_SEPARATORS = frozenset({";", "&", "&&", "||", ";;", ";&", "|", "|&", "\n"})
_OPENERS = frozenset({"if", "while", "until", "for", "case", "{"})
_CLOSERS = frozenset({"fi", "done", "esac", "}"})
_NEUTRAL = frozenset({"do", "!"})
_IF_PARTS = frozenset({"then", "elif", "else"})
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# A variable reference: `${NAME}` (group 1) or `$NAME` (group 2).
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# Any reference, `${NAME:-default}` and other modifiers included, without groups, so that
# `REFERENCE.split(word)` gives the literal parts around the references.
REFERENCE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


class Expansion(str):
    """A word whose value the shell computes at run time (`$APP`, `$(cat f)`, `~`)."""

    __slots__ = ()


@dataclass(frozen=True)
class Frame:
    """A compound command around a simple one: its keyword (`if`, `case`, `while`, `until`,
    `for`, `{`, `(`, or `function` for a function's body), which one in the script
    (`serial`), which part (`part`, from 0) with that part's keyword (`role`: an if's `if`,
    `then`, `elif`, `else`; a case arm's `*` when its patterns match anything, else `)`), and
    the operator before it: after `&&` or `||` it may not run at all."""

    kind: str
    serial: int
    part: int = 0
    role: str = ""
    after: str = ""


@dataclass
class Command:
    """One simple command: its words, nesting depth, first line and text as written."""

    words: list[Token]
    depth: int
    line: int
    text: str
    pipeline: bool = False
    after: str = ""  # the operator before it: `||` and `&&` make it conditional
    frames: tuple[Frame, ...] = ()  # the compound commands around it, outermost first


def simple_commands(source: str, *, case_arms: bool = False) -> list[Command]:
    """The script's simple commands, each with how deep in if/case/loop/brace/subshell or
    function body it is. A case's arms run only when their pattern matches: they are left
    out unless `case_arms`. Raises Unbalanced for quoting the shell would refuse."""
    commands = _read(source)
    if case_arms:
        return commands
    return [c for c in commands if all(frame.kind != "case" for frame in c.frames)]


def _read(source: str) -> list[Command]:
    commands: list[Command] = []
    frames: list[Frame] = []
    words: list[Token] = []
    span = [0, 0]  # the command as written, redirections included
    piped_from = -1  # where the pipeline this command ends started
    after = ""
    redirect = name_next = body_next = False
    skip = opened = 0

    def finish(operator: str = "") -> None:
        nonlocal words, piped_from, after
        piped = operator in ("|", "|&")
        if words:
            start = piped_from if piped_from >= 0 else span[0]
            commands.append(
                Command(
                    words=words,
                    depth=len(frames),
                    line=words[0].line,
                    text=source[start : span[1]].strip(),
                    pipeline=piped or piped_from >= 0,
                    after=after,
                    frames=tuple(frames),
                )
            )
            piped_from = (piped_from if piped_from >= 0 else span[0]) if piped else -1
        words, after = [], operator

    def push(kind: str, role: str = "", part: int = 0) -> None:
        nonlocal body_next, opened
        kind, body_next, opened = ("function" if body_next else kind), False, opened + 1
        frames.append(Frame(kind, opened, part, role, after))

    def part(role: str) -> None:
        frames[-1] = replace(frames[-1], part=frames[-1].part + 1, role=role)

    tokens = Lexer(source).run()
    for index, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        word = not token.operator and not token.dynamic and not token.args
        arm = frames[-1].role if frames and frames[-1].kind == "case" else ""
        if arm in ("subject", "pattern", "pattern*"):
            # `case WORD in PATTERN|PATTERN) ...`: the word and patterns are no commands.
            if word and token.text == "esac" and arm != "subject":
                frames.pop()
            elif word and token.raw == "in" and arm == "subject":
                frames[-1] = replace(frames[-1], role="pattern")
            elif word and token.raw == "*" and arm != "subject":
                frames[-1] = replace(frames[-1], role="pattern*")
            elif token.operator and token.text == ")" and arm != "subject":
                part("*" if arm == "pattern*" else ")")
                after = ""
            continue
        if token.operator:
            # A redirection's file is the next word: an operator there (a newline, or the `(`
            # of bash's `< <(cmd)`) ends it, and what follows is a command again.
            redirect = False
            if token.text in _SEPARATORS:
                finish(token.text)
                if arm and token.text in (";;", ";&"):
                    frames[-1] = replace(frames[-1], role="pattern")
            elif token.text == "(":
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                if following is not None and following.operator and following.text == ")":
                    # `name() { ...; }`: a function definition, run only when called
                    if not words:  # `function name()`: the name was read already
                        finish()
                    words, body_next, skip = [], True, 1
                else:
                    push("(")
            elif token.text == ")":
                finish()
                if frames:
                    frames.pop()
            else:
                if not words:
                    span[0] = token.start
                span[1] = token.end
                redirect = True
            continue
        if redirect:  # the file of `>log`, `2>&1`, `<<EOF`
            span[1] = token.end
            redirect = False
            continue
        if not words and word:
            if token.text in _OPENERS:
                if token.text == "case":  # its arms are parts 0, 1, ...: none before `)`
                    push("case", "subject", -1)
                else:
                    push(token.text, token.text)
                continue
            if token.text in _CLOSERS:
                if frames:
                    frames.pop()
                continue
            if token.text in _IF_PARTS:
                if frames and frames[-1].kind == "if":
                    part(token.text)
                continue
            if token.text in _NEUTRAL:
                continue
            if token.text == "function":  # `function name { ...; }`: the name is no command
                name_next = True
                continue
        if name_next:
            name_next, body_next = False, True
            continue
        if not words:
            span[0] = token.start
        span[1] = token.end
        words.append(token)
        body_next = False
    finish()
    return commands


def assignments(command: Command) -> int:
    """How many words lead `command` as assignments: an unquoted name and `=` as written,
    whatever the value (`PORT=${PORT:-8080} /app`); `"PORT=$PORT" /app` runs a program."""
    count = 0
    for token in command.words:
        if token.args or not ASSIGNMENT.match(token.raw or token.text):
            break
        count += 1
    return count


def line_of(script: str, command: Command) -> str:
    """Where `command` stands, for messages: a one-line `sh -c` script needs no line."""
    return f"line {command.line} of {script}" if command.line > 1 else script


def expanded(words: list[Token], args: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if word.args:
            out += args
        elif word.dynamic:
            out.append(Expansion(word.text))
        else:
            out.append(word.text)
    return out


def shell_words(text: str) -> list[str]:
    """`text` split as a POSIX shell splits it; on unbalanced quotes (which the shell would
    refuse) at whitespace."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
