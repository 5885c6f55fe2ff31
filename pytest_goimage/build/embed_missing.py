"""A `//go:embed` pattern that matches nothing in the build: a built frontend's `dist/` or a
generated file that git ignores is on the laptop and in no clean checkout, so CI's build fails
with `pattern dist: no matching files found`, which reads like a compile error."""

from __future__ import annotations

import re
from pathlib import Path

from .context import excluding_rule
from .tracking import ignore_rule_for

# Go 1.16-1.26: `<file>.go:<line>:<col>: pattern <pattern>: no matching files found`.
_NO_MATCH = re.compile(r"(\S+\.go):(\d+):\d+: pattern (\S+): no matching files found")
_GLOB = re.compile(r"[*?\[\\]")


def missing_embed(output: str) -> tuple[str, int, str] | None:
    """(Go file as the go command named it, line, pattern) of a pattern that matched nothing."""
    found = _NO_MATCH.search(output)
    return (found.group(1), int(found.group(2)), found.group(3)) if found else None


def embed_hint(go_file: str, line: int, pattern: str, context: Path, dockerfile: Path) -> str:
    """Which file embeds what, and why the build has none of it: a git ignore rule, the
    .dockerignore, or nowhere at all, with the fix."""
    source = _in_context(go_file, context)
    shown = source.relative_to(context).as_posix() if source else go_file
    said = f"{shown}:{line} embeds `{pattern.removeprefix('all:')}` (//go:embed)"
    if source is None:
        return f"{said}, and the build has no file it matches: commit them, or build them."
    # The folder or file the pattern names, up to its first wildcard.
    literal: list[str] = []
    for part in pattern.removeprefix("all:").split("/"):
        if _GLOB.search(part):
            break
        literal.append(part)
    target = source.parent.joinpath(*literal) if literal else source.parent
    relative = target.relative_to(context).as_posix()
    make_it = (
        "if the build is meant to make it (a frontend stage), COPY --from that stage into "
        f"{relative} before `go build`"
    )
    rule = ignore_rule_for(target / "x") if target.parent.exists() else None
    if rule:
        return (
            f"{said}, and a git ignore rule hides {relative} ({rule}), so a clean checkout (CI) "
            f"lacks it even where your working tree has it. Commit it (narrow the rule), or, "
            f"{make_it}."
        )
    if target.exists():
        kept_out = excluding_rule(context, dockerfile, relative)
        if kept_out:
            return (
                f"{said}, and {kept_out} keeps {relative} out of the build context: remove or "
                f"narrow that rule, or, {make_it}."
            )
        return (
            f"{said}; {relative} is in your working tree: check that it is committed and that "
            f"the Dockerfile copies it into the builder before `go build`."
        )
    return f"{said}, and {relative} does not exist in the build context: commit it, or, {make_it}."


def _in_context(go_file: str, context: Path) -> Path | None:
    """The context's file the go command named, relative to its working folder in the builder
    (a WORKDIR anywhere in the context) or absolute there: the one sharing the longest tail."""
    parts = Path(go_file).parts
    best, shared = None, 0
    for found in context.rglob(parts[-1]):
        relative = found.relative_to(context).parts
        tail = next(
            (
                n
                for n in range(min(len(parts), len(relative)), 0, -1)
                if relative[-n:] == parts[-n:]
            ),
            0,
        )
        if found.is_file() and tail > shared:
            best, shared = found, tail
    # One name alone says little where the go command named a folder too.
    return best if best is not None and (shared >= 2 or len(parts) == 1) else None
