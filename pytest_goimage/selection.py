"""Command-line arguments that name built-in checks, as the run prints them.

`pytest --goimage Dockerfile.prod::static` (or `Dockerfile.prod` for all its checks), and
`goimage::parity` for a check of the repository, is what users copy from a failure. pytest
cannot resolve these itself (a Dockerfile holds no tests), so they are taken out of its
arguments and select the checks instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import ImageConfig
from .errors import SelectionError
from .report.records import REPOSITORY_NODE


@dataclass(frozen=True)
class CheckArgs:
    selected: frozenset[str]  # node ids `<dockerfile>::<check>`; empty: no argument named one
    rest: list[str]  # the arguments left for pytest


def take_check_args(
    args: Sequence[str],
    images: Sequence[ImageConfig],
    checks: Sequence[str],
    cwd: Path,
    repository_checks: Sequence[str] = (),
) -> CheckArgs:
    """The arguments that name checks: `<dockerfile>::<check>` or `<dockerfile>` for an image's
    `checks`, `goimage::<check>` or `goimage` for the `repository_checks` (unless a file or
    folder named `goimage` is there: then the argument is pytest's)."""
    ids = {image.dockerfile for image in images}
    by_path: dict[Path, list[str]] = {}  # several where entries check targets of one file
    for image in images:
        by_path.setdefault(_resolved(image.dockerfile_path), []).append(image.dockerfile)
    selected: set[str] = set()
    rest: list[str] = []
    for arg in args:
        name, sep, check = arg.partition("::")
        # Like any pytest argument, a path is relative to where pytest was started (`cd
        # backend && pytest --goimage Dockerfile` means backend/Dockerfile); a node id as the
        # run printed it (relative to `project`) works from anywhere else.
        named = by_path.get(_resolved(cwd / name)) or ([name] if name in ids else [])
        if named:
            for dockerfile in named:
                selected |= _named(arg, dockerfile, dockerfile, check if sep else None, checks)
        elif name == REPOSITORY_NODE and not (cwd / name).exists():
            owner = "the repository"
            selected |= _named(arg, REPOSITORY_NODE, owner, check or None, repository_checks)
        else:
            rest.append(arg)
    return CheckArgs(frozenset(selected), rest)


def _named(arg: str, node: str, owner: str, check: str | None, checks: Sequence[str]) -> set[str]:
    """The node ids `arg` selects: every one of `checks` (no check named), or the one it names;
    SelectionError naming `owner`'s checks for a check it does not have."""
    if check is None:
        return {f"{node}::{c}" for c in checks}
    if check in checks:
        return {f"{node}::{check}"}
    raise SelectionError(
        f"{arg}: {owner} has no check {check!r}; its checks are {', '.join(checks)} "
        f"(`{node}::<check>`, or `{node}` for all)."
    )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def checks_chosen(named: CheckArgs, from_args: bool, cwd: Path) -> frozenset[str] | None:
    """The node ids of the checks the command line chose: those it names, none where its
    arguments (`from_args`: given, not pytest's testpaths or folder) name only tests, else
    None: every check."""
    if named.selected:
        return named.selected
    return frozenset() if from_args and names_tests_only(named.rest, cwd) else None


def names_tests_only(args: Sequence[str], cwd: Path) -> bool:
    """Whether every argument left for pytest names a test file or tests in one
    (`tests/test_api.py`, `tests/test_api.py::test_upload`): a run of the team's own tests
    that collects no built-in check (trial 32: one test built every image). A folder
    (`tests/`, `.`) still brings the checks, as does anything pytest resolves otherwise
    (a `--pyargs` module) or cannot (it says so)."""
    return bool(args) and all(_resolved(cwd / arg.split("::", 1)[0]).is_file() for arg in args)
