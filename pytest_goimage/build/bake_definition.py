"""A bake definition as CI's clean checkout has it: the files bake reads in a folder (its
default names, the `-f` ones, compose's `.env`) that git tracks. A file git does not track
(a developer's `docker-bake.override.hcl`, a local `.env`) is not in CI's checkout, so it must
not decide what the plugin says CI builds: where one is there, the tracked ones are copied to
a temporary folder of the same layout and bake reads them there.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..gofacts.bake_request import DEFAULT_FILES, BakeRequest, BakeUnreadable
from ..gofacts.git_head import NoRepository, top_level, tracked_under


@contextmanager
def clean_definition(checkout: Path, request: BakeRequest) -> Iterator[Path]:
    """The folder to run `request` in: its own folder of `checkout`, or a copy of it with the
    tracked definition files only. BakeUnreadable where a `-f` file git does not track is named
    (CI makes it in an earlier step, or it is local): what it sets is not known."""
    folder = checkout / request.workdir
    try:
        root = top_level(checkout)
    except NoRepository:
        yield folder  # no git: the files as they are
        return
    names = [*(request.files or DEFAULT_FILES), ".env"]
    present = {name: folder / name for name in names if (folder / name).is_file()}
    tracked = {root / name for name in tracked_under(root, "")}
    untracked = [name for name, path in present.items() if path.resolve() not in tracked]
    named = [name for name in untracked if name in request.files]
    if named:
        raise BakeUnreadable(
            f"its bake file {named[0]} is not tracked by git, so CI's checkout does not have "
            "it as it is here (an earlier step of the job may make it)"
        )
    if not untracked:
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="goimage-bake-") as temporary:
        copy = Path(temporary) / request.workdir
        for name, path in present.items():
            if name not in untracked:
                target = copy / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        copy.mkdir(parents=True, exist_ok=True)
        yield copy
