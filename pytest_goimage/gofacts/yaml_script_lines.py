"""The line of a CI file that holds each character of a script written as a YAML scalar (a
workflow's `run:`, a GitLab job's script line), whatever its style: a block scalar (`|`, `>`)
starts on the line after its indicator, and a folded one (`>`, a plain or quoted scalar over
several lines, which YAML joins into one line) still names the line of each word."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import yaml


@dataclass(frozen=True)
class LineMap:
    """`line_map(offset)`: the line (1-based) of a character of the scalar's value. `starts`
    are where each written line's text begins in the value, with its line, in order; an offset
    before the first is on `first`, the line the value starts on."""

    first: int
    starts: tuple[tuple[int, int], ...] = ()

    def __call__(self, offset: int) -> int:
        return max((line for at, line in self.starts if at <= offset), default=self.first)

    def shifted(self, edits: Sequence[tuple[int, int]]) -> LineMap:
        """The map of the value once parts of it are replaced: each edit is (where the
        replaced part ended in the value, how many characters longer the value is for it)."""
        return replace(
            self,
            starts=tuple(
                (at + sum(longer for end, longer in edits if end <= at), line)
                for at, line in self.starts
            ),
        )


def scalar_line_map(node: yaml.ScalarNode, source: str) -> LineMap:
    """The lines of `node`'s value in `source`, the text it was read from. Each written line
    is found in the value in turn (a block scalar's header, `|-` and any comment, holds none of
    it; a quoted scalar's quotes are not in it)."""
    written = source[node.start_mark.index : node.end_mark.index].split("\n")
    first = node.start_mark.line + 1
    if node.style in ("|", ">"):
        written, first = written[1:], first + 1
    starts: list[tuple[int, int]] = []
    cursor = 0
    for line, text in enumerate(written, start=first):
        text = _as_in_value(text.strip(), node.style)
        at = node.value.find(text, cursor) if text else -1
        if at >= 0:
            starts.append((at, line))
            cursor = at + len(text)
    return LineMap(first, tuple(starts))


def _as_in_value(written: str, style: str | None) -> str:
    """A written line of a scalar as its value holds it: without the quotes, and a quoted
    scalar's escapes (`\\"`, `\\\\`, `''`) read, as far as the line alone can be read."""
    if style == "'":
        return written.strip("'").replace("''", "'")
    if style != '"':
        return written
    text = written.removeprefix('"')
    if text.endswith('"') and not text.endswith('\\"'):
        text = text[:-1]
    text = text.removesuffix("\\")  # an escaped line break: the value goes on on the next line
    try:
        return str(yaml.safe_load(f'"{text}"'))
    except yaml.YAMLError:
        return text.split("\\", 1)[0]  # the part before an escape this line cannot read
