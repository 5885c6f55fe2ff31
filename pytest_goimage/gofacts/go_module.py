"""go.mod's directives as the go command reads them (its `module` path, whether it `require`s
anything), and the go.mod files of the modules below a folder (a monorepo's services, each its
own module)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .discover import project_folders


@dataclass(frozen=True)
class Directive:
    line: int  # 1-based
    verb: str  # `module`, `go`, `require`...: a block's lines carry its verb
    args: tuple[str, ...]
    text: str  # the line as written


def directives(lines: list[str]) -> Iterator[Directive]:
    """go.mod's directives in order, comments dropped. A factored block (`require (` ... `)`)
    gives one directive per line inside it, with the block's verb, as golang.org/x/mod's
    modfile parser reads it."""
    block = ""  # the verb of the open `verb (` block, "" outside one
    for number, line in enumerate(lines, start=1):
        words = _strip_gomod_comment(line).split()
        if not words:
            continue
        if block:
            if words == [")"]:
                block = ""
            else:
                yield Directive(number, block, tuple(words), line)
        elif words[-1] == "(":
            block = words[0]
        else:
            yield Directive(number, words[0], tuple(words[1:]), line)


def module_path(go_mod: Path) -> str | None:
    """The module path go.mod declares (`module example.com/x`, quoted or not); None when the
    file cannot be read or has no module line."""
    found = _first(go_mod, "module")
    return found.args[0].strip('"`') if found and found.args else None


def requires_modules(go_mod: Path) -> bool | None:
    """Whether go.mod requires any module; None when it cannot be read."""
    if not go_mod.is_file():
        return None
    return _first(go_mod, "require") is not None


def local_replacements(go_mod: Path) -> list[Path]:
    """The folders go.mod's `replace` directives put in place of a module (`=> ../svc`,
    `=> ./lib`, an absolute path), as the go command resolves them from go.mod's folder; []
    when the file cannot be read."""
    try:
        text = go_mod.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for directive in directives(text.splitlines()):
        if directive.verb != "replace" or "=>" not in directive.args:
            continue
        words = directive.args[directive.args.index("=>") + 1 :][:1]
        target = words[0].strip('"`') if words else ""  # go.mod may quote a path
        # golang.org/x/mod's IsDirectoryPath: a local path starts with ./ or ../ or is absolute.
        if target.startswith(("./", "../", "/")) or target in (".", ".."):
            found.append(go_mod.parent / target)
    return found


def _first(go_mod: Path, verb: str) -> Directive | None:
    try:
        text = go_mod.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return next((d for d in directives(text.splitlines()) if d.verb == verb), None)


def _strip_gomod_comment(line: str) -> str:
    # `//` starts a comment unless inside a quoted module path.
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in '"`':
            quote = char
        elif line.startswith("//", index):
            return line[:index]
    return line


def go_mods_below(root: Path, depth: int = 4) -> list[Path]:
    """The go.mod files in `root` and up to `depth` folders below it, the shallowest first,
    in the folders Dockerfile discovery walks (no hidden, vendor/, node_modules/, testdata/)."""
    found = [
        folder / "go.mod" for folder, files in project_folders(root, depth) if "go.mod" in files
    ]
    return sorted(found, key=lambda path: len(path.parts))
