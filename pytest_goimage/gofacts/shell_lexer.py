"""A POSIX shell lexer: a script's words (quotes removed, run-time expansions marked) and
operators, with their lines and offsets; here-document bodies are skipped as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ARGS_FORMS = frozenset({"$@", '"$@"', "${@}", '"${@}"'})
# Longest first, so `&&` is not read as two `&`.
_OPERATORS = sorted(
    [
        "&&",
        "||",
        ";;",
        ";&",
        "|&",
        "&>>",
        "&>",
        ">>",
        "<<-",
        "<<",
        ">&",
        "<&",
        "<>",
        ">|",
        ";",
        "&",
        "|",
        "(",
        ")",
        "<",
        ">",
    ],
    key=len,
    reverse=True,
)


class Unbalanced(ValueError):
    """The script's quoting or substitution never closes: the shell refuses it."""


@dataclass
class Token:
    """A word (quotes removed) or an operator, where it stands in the script."""

    text: str
    operator: bool = False
    dynamic: bool = False
    args: bool = False  # exactly "$@": the script's arguments
    line: int = 1
    raw: str = ""  # as written, quotes and all
    start: int = 0  # offsets in the script text
    end: int = 0


@dataclass
class Lexer:
    """POSIX shell tokens: words (quotes removed, expansions marked) and operators."""

    source: str
    index: int = 0
    line: int = 1
    tokens: list[Token] = field(default_factory=list)
    heredocs: list[tuple[str, bool]] = field(default_factory=list)
    _word: list[str] = field(default_factory=list)
    _started: int = -1
    _dynamic: bool = False
    _delimiter_next: bool = False
    _delimiter_strip: bool = False

    def run(self) -> list[Token]:
        text = self.source
        while self.index < len(text):
            char = text[self.index]
            if char in " \t":
                self._flush()
                self.index += 1
            elif char == "\n":
                self._flush()
                self.tokens.append(Token("\n", operator=True, line=self.line))
                self.index += 1
                self.line += 1
                self._skip_heredocs()
            elif char == "#" and self._started < 0:
                end = text.find("\n", self.index)
                self.index = len(text) if end < 0 else end
            elif char == "\\":
                if text[self.index + 1 : self.index + 2] == "\n":  # a continued line
                    self.line += 1
                else:
                    self._begin()
                    self._word.append(text[self.index + 1 : self.index + 2])
                self.index += 2
            elif char == "'":
                self._begin()
                end = text.find("'", self.index + 1)
                if end < 0:
                    raise Unbalanced(f"a ' quote opened on line {self.line} never closes")
                self._take(text[self.index + 1 : end])
                self.index = end + 1
            elif char == '"':
                self._begin()
                self._double_quoted()
            elif char == "$" or char == "`":
                self._begin()
                self._expansion()
            elif char in ";&|()<>":
                self._operator()
            else:
                self._begin()
                self._word.append(char)
                self.index += 1
        self._flush()
        return self.tokens

    def _begin(self) -> None:
        if self._started < 0:
            self._started = self.index

    def _take(self, text: str) -> None:
        self._word.append(text)
        self.line += text.count("\n")

    def _flush(self) -> None:
        if self._started < 0:
            return
        raw = self.source[self._started : self.index]
        word = "".join(self._word)
        if self._delimiter_next:
            self.heredocs.append((word, self._delimiter_strip))
            self._delimiter_next = False
        is_args = raw in _ARGS_FORMS
        dynamic = self._dynamic or (word.startswith("~") and not raw.startswith(("'", '"')))
        line = self.line - raw.count("\n")
        self.tokens.append(
            Token(
                word,
                dynamic=dynamic and not is_args,
                args=is_args,
                line=line,
                raw=raw,
                start=self._started,
                end=self.index,
            )
        )
        self._word, self._started, self._dynamic = [], -1, False

    def _double_quoted(self) -> None:
        text = self.source
        self.index += 1
        while self.index < len(text) and text[self.index] != '"':
            char = text[self.index]
            if char == "\\" and text[self.index + 1 : self.index + 2] in (
                '"',
                "\\",
                "$",
                "`",
                "\n",
            ):
                if text[self.index + 1] == "\n":  # a continued line: no character, a line
                    self.line += 1
                else:
                    self._take(text[self.index + 1])
                self.index += 2
            elif char in "$`":
                self._expansion()
            else:
                self._take(char)
                self.index += 1
        if self.index >= len(text):
            raise Unbalanced(f'a " quote never closes (line {self.line})')
        self.index += 1

    def _expansion(self) -> None:
        """`$NAME`, `${...}`, `$(...)`, `$((...))` or a backquote: computed at run time."""
        text = self.source
        start = self.index
        char = text[start]
        nxt = text[start + 1 : start + 2]
        if char == "`" or nxt in ("(", "{"):
            opened = "`" if char == "`" else f"${nxt}"
            end = _closing(text, start + (1 if char == "`" else 2), opened)
            if end < 0:
                raise Unbalanced(f"a {opened} opened on line {self.line} never closes")
            self.index = end
        elif nxt and (nxt.isalnum() or nxt in "_@*#?$!-"):
            self.index = start + 2
            if nxt.isalpha() or nxt == "_":
                while self.index < len(text) and (
                    text[self.index].isalnum() or text[self.index] == "_"
                ):
                    self.index += 1
        else:  # a lone `$` is itself
            self._take("$")
            self.index += 1
            return
        self._take(text[start : self.index])
        self._dynamic = True

    def _operator(self) -> None:
        text = self.source
        operator = next(op for op in _OPERATORS if text.startswith(op, self.index))
        if operator[0] in "<>" and self._started >= 0 and "".join(self._word).isdigit():
            self._word, self._started = [], -1  # `2>&1`: the 2 is a file descriptor
        self._flush()
        end = self.index + len(operator)
        self.tokens.append(
            Token(operator, operator=True, line=self.line, start=self.index, end=end)
        )
        self.index = end
        if operator in ("<<", "<<-"):
            self._delimiter_next, self._delimiter_strip = True, operator == "<<-"

    def _skip_heredocs(self) -> None:
        """Here-document bodies are data, not commands: skip to each delimiter line."""
        for delimiter, strip in self.heredocs:
            while self.index < len(self.source):
                end = self.source.find("\n", self.index)
                end = len(self.source) if end < 0 else end
                line = self.source[self.index : end]
                self.index = end + 1
                self.line += 1
                if (line.lstrip("\t") if strip else line) == delimiter:
                    break
        self.heredocs.clear()


_MAX_NESTING = 100  # substitutions inside substitutions; Python's stack would end first


def _closing(text: str, index: int, opened: str, nesting: int = 0) -> int:
    """The offset just after what closes `opened` (`$(`, `${` or a backquote) from `index`, or
    -1. Quotes, escapes and nested substitutions inside are skipped as the shell skips them:
    `$(echo "a)b")` ends at its last `)`."""
    if nesting > _MAX_NESTING:
        raise Unbalanced(f"substitutions nest more than {_MAX_NESTING} deep")
    closer = {"$(": ")", "${": "}", "`": "`"}[opened]
    depth = 1
    heredocs: list[tuple[str, bool]] = []  # delimiters whose bodies start at the next newline
    word_start = True  # after a blank or an operator, not after a quote or a substitution
    while index < len(text):
        char, after = text[index], index + 1
        starts_word, word_start = word_start, char in " \t\n;&|()<>"
        if char == "\\":
            after = index + 2
        elif opened == "$(" and char == "#" and starts_word:
            after = text.find("\n", index)  # a comment, to the end of its line
            after = len(text) if after < 0 else after
        elif opened == "$(" and text.startswith("<<", index) and not text.startswith("<<<", index):
            delimiter = _HEREDOC_DELIMITER.match(text, index)
            if delimiter is not None:
                name = re.sub(r"[\\'\"]", "", delimiter.group("name"))  # <<E'O'F is EOF
                heredocs.append((name, delimiter.group("dash") == "-"))
                after = delimiter.end()
        elif char == "\n" and heredocs:
            after = _after_heredoc_bodies(text, index + 1, heredocs)
            heredocs = []
        elif opened == "`":
            if char == "`":
                return after
        elif char == "'":
            after = text.find("'", index + 1) + 1
        elif char == '"':
            after = _after_double_quotes(text, index + 1, nesting)
        elif inner := _opened_at(text, index):
            after = _closing(text, index + len(inner), inner, nesting + 1)
        elif char == "(" and closer == ")":
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return after
        if after <= 0:
            return -1  # a quote or substitution inside never closes
        index = after
    return -1


def _opened_at(text: str, index: int) -> str:
    """The substitution that opens at `index` (`$(`, `${` or a backquote), else ""."""
    if text.startswith("`", index):
        return "`"
    return text[index : index + 2] if text.startswith(("$(", "${"), index) else ""


_HEREDOC_DELIMITER = re.compile(
    r"<<(?P<dash>-?)[ \t]*(?P<name>'[^'\n]*'|\"[^\"\n]*\"|[^\s;&|()<>]+)"
)


def _after_heredoc_bodies(text: str, index: int, heredocs: list[tuple[str, bool]]) -> int:
    """The offset after the here-document bodies that start at `index`, one per delimiter,
    each up to a line that is its delimiter (`<<-`: after leading tabs); 0 when one never
    ends."""
    for name, dash in heredocs:
        while True:
            end = text.find("\n", index)
            line = text[index : len(text) if end < 0 else end]
            if (line.lstrip("\t") if dash else line) == name:
                index = len(text) if end < 0 else end + 1
                break
            if end < 0:
                return 0
            index = end + 1
    return index


def _after_double_quotes(text: str, index: int, nesting: int = 0) -> int:
    """The offset just after the `"` that closes a double-quoted string begun before `index`,
    or -1; substitutions inside may hold quotes of their own."""
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
        elif char == '"':
            return index + 1
        elif opened := _opened_at(text, index):
            index = _closing(text, index + len(opened), opened, nesting + 1)
            if index < 0:
                return -1
        else:
            index += 1
    return -1
