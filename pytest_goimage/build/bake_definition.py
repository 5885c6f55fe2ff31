"""A bake definition as CI's clean checkout has it: the files bake reads in a folder (its
default names, the `-f` ones, compose's `.env`) that git tracks. A file git does not track
(a developer's `docker-bake.override.hcl`, a local `.env`) is not in CI's checkout, so it must
not decide what the plugin says CI builds: where one is there, bake reads a temporary tree of
links to the checkout's files that leaves it out.

A compose command's `--env-file`s replace the project's `.env`, which bake has no option for
(docker/buildx#1135): bake/compose.go's loadDotEnv reads the `.env` of the folder it runs in,
and leaves a variable the environment sets as it is. So the temporary tree has no `.env`, and
the env files' variables, read as compose-go reads them (env_file_values: the job's
environment first, which bake's own read of a `.env` does not look up), are given to bake in
its environment.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..gofacts.bake_request import DEFAULT_FILES, BakeRequest, BakeUnreadable
from ..gofacts.compose_variables import env_file_values
from ..gofacts.compose_yaml import ComposeError
from ..gofacts.git_head import NoRepository, top_level, tracked_under


@contextmanager
def clean_definition(checkout: Path, request: BakeRequest) -> Iterator[Path]:
    """The folder to run `request` in: its own folder of `checkout`, or a temporary one of links
    to its files without the untracked definition files (and without the folder's `.env`
    where `request.env_files` stand in for it: env_file_variables). BakeUnreadable
    where a `-f` or env file git does not track is named (CI makes it in an earlier step, or it
    is local): what it sets is not known."""
    folder = checkout / request.workdir
    names = [*(request.files or DEFAULT_FILES), ".env"]
    present = {name: folder / name for name in names if (folder / name).is_file()}
    env_files = request.env_files
    try:
        root = top_level(checkout)
    except NoRepository:
        untracked: list[str] = []  # no git: the files as they are
    else:
        tracked = {root / name for name in tracked_under(root, "")}
        untracked = [name for name, path in present.items() if path.resolve() not in tracked]
        named = [f"bake file {name}" for name in untracked if name in request.files]
        named += [
            f"env file {posixpath.normpath(posixpath.join(request.workdir, name))}"
            for name in env_files or ()
            if (folder / name).resolve() not in tracked
        ]
        if named:
            raise BakeUnreadable(
                f"its {named[0]} is not tracked by git, so CI's checkout does not have it as it "
                "is here (an earlier step of the job may make it)"
            )
    if env_files is None and not untracked:
        yield folder
        return
    left_out = {*untracked, ".env"} if env_files is not None else set(untracked)
    with tempfile.TemporaryDirectory(prefix="goimage-bake-") as temporary:
        yield _shadow(checkout, request.workdir, Path(temporary), left_out)


def _shadow(checkout: Path, workdir: str, temporary: Path, left_out: set[str]) -> Path:
    """`workdir` of a tree in `temporary` laid out as `checkout`: folders down to `workdir`,
    and a link to the real thing for everything else but the `left_out` names in `workdir`.
    bake reads more than the definition (a compose file's `include`, `extends: file`, and a
    service's `env_file`, which buildx v0.19 stops on where it is missing), all through links."""
    parts = PurePosixPath(workdir).parts
    for depth in range(len(parts) + 1):
        real, copy = checkout.joinpath(*parts[:depth]), temporary.joinpath(*parts[:depth])
        copy.mkdir(exist_ok=True)
        skip = {parts[depth]} if depth < len(parts) else left_out
        for entry in real.iterdir() if real.is_dir() else ():
            if entry.name not in skip:
                (copy / entry.name).symlink_to(entry.absolute())
    return temporary.joinpath(*parts)


def env_file_variables(checkout: Path, request: BakeRequest) -> dict[str, str]:
    """The variables `request`'s env files give, for bake's environment (where a variable
    keeps its value over the `.env` bake reads): as compose reads them, the job's
    environment first (env_file_values). BakeUnreadable for a file compose cannot read."""
    folder = checkout / request.workdir
    paths = [Path(os.path.normpath(folder / name)) for name in request.env_files or ()]
    try:
        return env_file_values(paths, dict(request.env))
    except (OSError, ComposeError) as exc:
        # Named from the checkout, as the notes name files.
        shown = str(exc).replace(f"{checkout.resolve()}/", "").replace(f"{checkout}/", "")
        raise BakeUnreadable(f"its env file cannot be read as compose reads it: {shown}") from None
