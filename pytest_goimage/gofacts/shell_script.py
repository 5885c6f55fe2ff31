"""A shell script read as its simple commands, each with how deep in if/case/loop/brace,
subshell or function body it stands, and their words expanded with the script's arguments."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from .shell_lexer import Lexer, Token

_SEPARATORS = frozenset({";", "&", "&&", "||", ";;", ";&", "|", "|&", "\n"})
_OPENERS = frozenset({"if", "while", "until", "for", "case", "{"})
_CLOSERS = frozenset({"fi", "done", "esac", "}"})
_NEUTRAL = frozenset({"then", "else", "elif", "do", "!"})


class Expansion(str):
    """A word whose value the shell computes at run time (`$APP`, `$(cat f)`, `~`)."""

    __slots__ = ()


@dataclass
class Command:
    """One simple command: its words, nesting depth, first line and text as written."""

    words: list[Token]
    depth: int
    line: int
    text: str
    pipeline: bool = False
    after: str = ""  # the operator before it: `||` and `&&` make it conditional


def simple_commands(source: str) -> list[Command]:
    """The script's simple commands, each with how deep in if/case/loop/brace/subshell or
    function body it is. Raises Unbalanced for quoting the shell would refuse."""
    commands: list[Command] = []
    stack: list[str] = []
    words: list[Token] = []
    span = [0, 0]  # the command as written, redirections included
    piped_from = -1  # where the pipeline this command ends started
    after = ""
    redirect = function = name_next = False

    def finish(operator: str = "") -> None:
        nonlocal words, piped_from, after
        piped = operator in ("|", "|&")
        if words:
            start = piped_from if piped_from >= 0 else span[0]
            commands.append(
                Command(
                    words=words,
                    depth=len(stack),
                    line=words[0].line,
                    text=source[start : span[1]].strip(),
                    pipeline=piped or piped_from >= 0,
                    after=after,
                )
            )
            piped_from = (piped_from if piped_from >= 0 else span[0]) if piped else -1
        words, after = [], operator

    for token in Lexer(source).run():
        if stack and stack[-1] == "case":
            if not token.operator and token.text == "esac":
                stack.pop()
            continue  # case arms run only when their pattern matches
        if token.operator:
            # A redirection's file is the next word: an operator there (a newline, or the `(`
            # of bash's `< <(cmd)`) ends it, and what follows is a command again.
            redirect = False
            if token.text in _SEPARATORS:
                finish(token.text)
            elif token.text == "(":
                if words:  # `name() { ...; }`: a function definition, run only when called
                    words, function = [], True
                else:
                    stack.append("(")
            elif token.text == ")":
                if function:
                    function = False
                else:
                    finish()
                    if stack:
                        stack.pop()
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
        if not words and not token.dynamic and not token.args:
            if token.text in _OPENERS:
                stack.append(token.text)
                continue
            if token.text in _CLOSERS:
                if stack:
                    stack.pop()
                continue
            if token.text in _NEUTRAL:
                continue
            if token.text == "function":  # `function name { ...; }`: the name is no command
                name_next = True
                continue
        if name_next:
            name_next = False
            continue
        if not words:
            span[0] = token.start
        span[1] = token.end
        words.append(token)
    finish()
    return commands


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
