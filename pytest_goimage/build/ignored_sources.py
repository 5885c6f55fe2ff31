"""The files an image's own stage copies in by name that git ignores: a binary built
beforehand (`make build`, goreleaser's `dist/`), which a revision label naming the commit the
image was built at does not vouch for."""

from __future__ import annotations

from pathlib import Path

from ..gofacts.context_sources import EVERYTHING, image_sources
from ..gofacts.dockerfile import Dockerfile
from ..gofacts.git_head import tracked_under
from .tracking import ignore_rule_for

_MOST = 12  # paths one pattern may name: a goreleaser dist/ holds one folder per platform


def ignored_sources(context: Path, parsed: Dockerfile, target: str | None) -> list[str]:
    """The image's own COPY/ADD sources that name a file or folder git ignores and does not
    track, or a pattern matching such files (`dist/app_linux_*/app`), each with its rule
    ("uploader (.gitignore:6: /uploader)"). Only what a source names counts: ignored files
    inside a source that git tracks (`COPY . .`) are left alone."""
    found = []
    for source in dict.fromkeys(image_sources(parsed, target)):
        if source == EVERYTHING or "$" in source:
            continue
        for path in _named_paths(context, source):
            shown = path.relative_to(context).as_posix()
            rule = ignore_rule_for(path)
            if rule and not tracked_under(context, shown):
                found.append(f"{shown} ({rule})")
    return found


def _named_paths(context: Path, source: str) -> list[Path]:
    """The paths of the context a COPY source names: itself, or what its pattern matches
    (the first _MOST; a goreleaser dist/ holds one folder per platform)."""
    if not any(c in source for c in "*?["):
        path = context / source
        return [path] if path.exists() else []
    try:
        return sorted(context.glob(source))[:_MOST]
    except (ValueError, NotImplementedError, OSError):  # absolute or odd: BuildKit reports it
        return []
