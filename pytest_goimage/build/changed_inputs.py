"""The files that make an image's build differ from what a clean checkout of HEAD builds: in the
build context, changed since HEAD or untracked, that a stage the build runs takes in, and the
Dockerfile and ignore file where HEAD lacks them. The provenance check's evidence where no Go
stamp vouches for the files sent (a label or a linked `-X` names only a commit)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..config import ImageConfig
from ..gofacts.context_sources import context_sources, image_sources, takes, target_sources
from ..gofacts.dockerfile import read_dockerfile
from ..gofacts.git_head import modified_under, tracked_under, untracked_under
from .context import excluding_rule, ignore_file

# What a pytest run leaves in the checkout by itself (besides the plugin's own outputs): never
# part of a commit's content.
_RUN_BYPRODUCT = re.compile(r"(?:^|/)(?:__pycache__|\.pytest_cache)/")


def changed_inputs(
    image: ImageConfig, outputs: Sequence[Path] = (), reports_written: Sequence[Path] = ()
) -> list[str]:
    """Files in the build context that are not HEAD's and reach the build (sent, not ignored,
    and taken in by a COPY, ADD or RUN bind mount): tracked files that differ from HEAD, and
    files git does not track (a clean checkout of HEAD has none of them)."""
    parsed = read_dockerfile(image.dockerfile_path)[1]
    sources, shipped = context_sources(parsed), image_sources(parsed, image.target)

    def reaches(name: str, taken: list[str]) -> bool:
        sent = excluding_rule(image.context_path, image.dockerfile_path, name) is None
        return sent and takes(taken, name)

    changed = [name for name in modified_under(image.context_path) if reaches(name, sources)]
    # A tracked report of an earlier run that this run removed or rewrites: every run changes
    # it, so committing cannot help; say what does.
    reports = [path.resolve() for path in reports_written]
    rewritten = [n for n in changed if (image.context_path / n).resolve() in reports]
    changed = [n for n in changed if n not in rewritten]
    # The Dockerfile and its ignore file decide the build whatever the build copies, and may
    # sit outside the context.
    for file in _build_files(image):
        if file.name in modified_under(file.parent):
            shown = _relative(file, image.context_path)
            if shown not in changed:
                changed.append(shown)
    # Untracked files count where a stage the build runs takes them in, a builder's too (its
    # `cat VERSION` or `cp -r static/` reaches the image; Go's vcs.modified counts them
    # alike), leaving out what the test run writes itself (pytest's caches).
    written = [path.resolve() for path in [*outputs, *reports_written]]
    built_from = target_sources(parsed, image.target, image.build_args)
    untracked = [
        name
        for name in untracked_under(image.context_path)
        if not _RUN_BYPRODUCT.search(name)
        and not _written_by_run(image.context_path / name, written)
        and reaches(name, built_from)
    ]
    by_builder = [name for name in untracked if not takes(shipped, name)]
    problems = []
    if rewritten:
        problems.append(
            f"git tracks {listed(rewritten)}, which this run writes (--goimage-report, "
            "--junitxml, pytest's log_file) inside the build context, so every run changes the context the image "
            "is built from; stop tracking it (`git rm --cached`, and ignore it) or write it "
            "outside the build context"
        )
    if changed:
        # A deleted file is a change too, but "changed" alone sent a user looking for an edit
        # of a file that is not there (trial 35B).
        context = image.context_path
        named = [
            name
            if (context / name).exists() or (context / name).is_symlink()
            else f"{name}: deleted"
            for name in changed
        ]
        problems.append(
            f"its build context holds {len(changed)} tracked file(s) changed since HEAD "
            f"({listed(named)}), so the image is not HEAD's content whatever its label says; "
            "commit or stash them"
        )
    if untracked:
        how = (
            "that the image's own stage copies in"
            if not by_builder
            else f"that the build copies in ({listed(by_builder)} only in a builder stage, "
            "whose output the image takes)"
        )
        problems.append(
            f"its build context holds {len(untracked)} file(s) git does not track "
            f"({listed(untracked)}) {how}, which a clean checkout of HEAD does not have; "
            "commit them, or keep them out of the build context (.dockerignore)"
        )
    return problems


def build_files_not_in_head(image: ImageConfig, root: Path) -> list[str]:
    """The Dockerfile and its ignore file where HEAD has no copy of them (git does not track
    them, or they lie outside the repository): a clean checkout of HEAD cannot build this
    image, whatever commit the image names."""
    problems = []
    for file in _build_files(image):
        try:
            name = file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            problems.append(
                f"{file.resolve()} is outside the repository ({root}), so "
                "HEAD does not record how the image is built; keep it in the repository"
            )
            continue
        if not tracked_under(root, name, submodules=True):  # a clean clone checks those out
            problems.append(
                f"git does not track {name}, so a clean checkout of HEAD cannot build this "
                "image; commit it"
            )
    return problems


def _build_files(image: ImageConfig) -> list[Path]:
    """The Dockerfile and the ignore file the build applies (if any): they decide the build
    whatever it copies, and may sit outside the context."""
    ignore = ignore_file(image.context_path, image.dockerfile_path)
    return [image.dockerfile_path, *([ignore] if ignore is not None else [])]


def _written_by_run(path: Path, written: Sequence[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == out or resolved.is_relative_to(out) for out in written)


def listed(names: list[str]) -> str:
    """The first five names, and how many more."""
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _relative(file: Path, context: Path) -> str:
    try:
        return file.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return str(file)
