"""The words of a CI script's command as written, and its options read as a CLI reads them
(`--name value`, `--name=value`, `-f value`, `-fvalue`, `--` ending the options): what the
image build and bake readers share."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

# The checkout's own folder in a path (`$GITHUB_WORKSPACE/Dockerfile`): the readers put this
# marker where CI names it, and `checkout_path` reads a path that starts with it from the root.
WORKSPACE = "\x00workspace"
# The shell's own folder in a word: `$PWD`, `${PWD}`, `$(pwd)`, `` `pwd` ``.
_PWD = re.compile(r"\$\{PWD\}|\$PWD(?![A-Za-z0-9_])|\$\(pwd\)|`pwd`")


@dataclass(frozen=True)
class Word:
    """A word of a build as written: `shell` where a shell expands it (a script's word
    with `$`), not where an action takes it as it is (build-push-action's inputs)."""

    text: str
    line: int
    shell: bool = False
    splits: bool = False  # an unquoted `$NAME`: the shell splits its value into words
    file: str = ""  # the CI file it is written in, where a job's lines come from several


class Option(NamedTuple):
    """An option as read: its long name, its value (None for a switch) and the index of its
    first word among the words read (a later one of a name wins, as in docker)."""

    name: str
    value: Word | None
    at: int


def read_options(
    words: list[Word], takes_value: Container[str], short: Mapping[str, str]
) -> tuple[list[Option], list[tuple[int, Word]]]:
    """The options of `words` and the words that are no option, each with its index, in order.
    `takes_value` names the long options that take the next word; `short` maps each short
    option that takes one to its long name (`f` -> `file`); any other short option is a switch
    named by its letter, also several bundled in one word (`-dt 5`: `d`, then `t` takes 5)."""
    options: list[Option] = []
    positional: list[tuple[int, Word]] = []
    index = 0
    while index < len(words):
        word = words[index]
        text = word.text
        start, value = index, None
        if text == "--":
            positional += list(enumerate(words))[index + 1 :]
            break
        if text.startswith("--"):
            name, equals, rest = text[2:].partition("=")
            if equals:
                value = replace(word, text=rest)
            elif name in takes_value and index + 1 < len(words):
                index += 1
                value = words[index]
            options.append(Option(name, value, start))
        elif text.startswith("-") and len(text) > 1:
            # Bundled letters (`-dt 5`, `-Te CI=1`): switches up to the first that takes a
            # value, which is the rest of the word or else the next one.
            for offset, letter in enumerate(text[1:], start=2):
                if letter not in short:
                    options.append(Option(letter, None, start))
                    continue
                if offset < len(text):  # `-fDockerfile`, `-f=Dockerfile`
                    value = replace(word, text=text[offset:].removeprefix("="))
                elif index + 1 < len(words):
                    index += 1
                    value = words[index]
                options.append(Option(short[letter], value, start))
                break
        else:
            positional.append((index, word))
        index += 1
    return options, positional


def with_folder(word: Word, cwd: str | None) -> Word:
    """`word` with the shell's folder (`$PWD`, `$(pwd)`) written out from the checkout's root,
    where the folder is known (`"$PWD"` as a build context is the folder the build runs in)."""
    if cwd is None or not _PWD.search(word.text):
        return word
    folder = WORKSPACE if cwd == "." else f"{WORKSPACE}/{cwd}"
    text = _PWD.sub(lambda match: folder, word.text)
    return replace(word, text=text, shell=word.shell and "$" in text.replace("\x00", ""))
