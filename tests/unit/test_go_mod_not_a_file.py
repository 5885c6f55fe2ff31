"""go.mod that is there but is not a file this run can read (trial 32): a symbolic link to
nothing or in a loop, a folder called go.mod, a link to a folder, a FIFO, a file this user may
not read. Each is named with its path and what it is, never as "no go.mod" beside "go.mod was
found in ."; on real files."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_goimage.config import load_config
from pytest_goimage.errors import ConfigError, GoModError
from pytest_goimage.gofacts.gomod_pins import read_gomod
from pytest_goimage.gofacts.unreadable import file_problem

GO_MOD = "module example.com/svc\n\ngo 1.26\n"
SETPRIV = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def _project(root: Path, table: bool = True) -> Path:
    (root / "Dockerfile").write_text('FROM scratch\nENTRYPOINT ["/app"]\n')
    if table:
        (root / "pyproject.toml").write_text("[tool.goimage]\n")
    return root / "go.mod"


def test_a_link_to_nothing_names_its_target(tmp_path: Path) -> None:
    go_mod = _project(tmp_path)
    go_mod.symlink_to("../shared/go.mod")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert str(error.value) == (
        f"{tmp_path}/pyproject.toml: [tool.goimage] project = '.': {go_mod} is a symbolic link "
        f"to ../shared/go.mod, that is {tmp_path.parent}/shared/go.mod, which does not exist: "
        "restore the target, point the link at the real go.mod, or replace the link with the "
        "file."
    )


def test_without_a_goimage_table_the_rootdir_s_link_is_named_too(tmp_path: Path) -> None:
    go_mod = _project(tmp_path, table=False)
    go_mod.symlink_to("/nonexistent/go.mod")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path, required=True)
    assert str(error.value) == (
        f"{go_mod} is a symbolic link to /nonexistent/go.mod, which does not exist: restore the "
        "target, point the link at the real go.mod, or replace the link with the file."
    )


def test_a_folder_called_go_mod_is_named_as_a_folder(tmp_path: Path) -> None:
    go_mod = _project(tmp_path)
    go_mod.mkdir()
    (go_mod / "go.mod").write_text(GO_MOD)
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert str(error.value) == (
        f"{tmp_path}/pyproject.toml: [tool.goimage] project = '.': {go_mod} is a directory, and "
        "the go command reads it as a file: move what the directory holds elsewhere and restore "
        "the file (`git checkout -- go.mod`), or create it (`go mod init <module path>`)."
    )
    with pytest.raises(GoModError) as unread:
        read_gomod(go_mod, "go.mod")
    assert str(unread.value) == (
        "go.mod is a directory, and the go command reads it as a file: move what the directory "
        "holds elsewhere and restore the file (`git checkout -- go.mod`), or create it (`go mod "
        "init <module path>`)."
    )


def test_a_link_to_a_folder_and_a_loop_of_links(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "go.mod").symlink_to("svc")
    assert file_problem(tmp_path / "go.mod", "go.mod") == (
        f"go.mod is a symbolic link to a directory (svc, that is {tmp_path}/svc), and the go "
        "command reads it as a file: point the link at the real go.mod, or replace it with the "
        "file"
    )
    (tmp_path / "go.work").symlink_to("go.work.real")
    (tmp_path / "go.work.real").symlink_to("go.work")
    assert file_problem(tmp_path / "go.work", "go.work") == (
        "go.work is a symbolic link to go.work.real that leads round in a loop of links to no "
        "file: point it at the real go.work, or replace it with the file"
    )


def test_a_fifo_and_the_files_that_are_fine(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "go.mod")
    assert file_problem(tmp_path / "go.mod", "go.mod") == (
        "go.mod is not a regular file (a FIFO, socket or device): replace it with the file"
    )
    (tmp_path / "real.mod").write_text(GO_MOD)
    (tmp_path / "linked.mod").symlink_to("real.mod")
    assert file_problem(tmp_path / "real.mod", "real.mod") is None
    assert file_problem(tmp_path / "linked.mod", "linked.mod") is None
    assert file_problem(tmp_path / "absent.mod", "absent.mod") is None


@pytest.fixture
def readable_folder() -> Iterator[Path]:
    """A folder anyone may enter (pytest's own tmp_path is root's alone); a skip where this
    run cannot read as another user."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("reading as another user needs root and setpriv")
    folder = Path(tempfile.mkdtemp(prefix="goimage-unreadable-"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder)


def _read_as_nobody(go_mod: Path) -> str:
    """What go-version's read of `go_mod` says as user 65534; root reads every file."""
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from pytest_goimage.gofacts.gomod_pins import read_gomod\n"
        "try:\n    read_gomod(Path(sys.argv[1]), 'go.mod')\n"
        "except Exception as error:\n    print(error)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [*SETPRIV, sys.executable, "-c", script, str(go_mod)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        cwd="/",
    )
    return result.stdout.strip()


def test_a_go_mod_this_user_may_not_read_names_mode_owner_and_user(
    readable_folder: Path,
) -> None:
    go_mod = readable_folder / "go.mod"
    go_mod.write_text(GO_MOD)
    go_mod.chmod(0o600)
    nobody = pwd.getpwuid(65534).pw_name
    assert _read_as_nobody(go_mod) == (
        "go.mod cannot be read: permission denied (mode 0600, owned by 0 (root), and pytest "
        f"runs as 65534 ({nobody})): make it readable (`chmod a+r go.mod`), or run pytest as "
        "its owner."
    )
    os.chown(go_mod, 54321, 54321)  # a user without a name here
    assert "owned by 54321, and pytest" in _read_as_nobody(go_mod)


def test_a_folder_this_user_may_not_enter_is_named(readable_folder: Path) -> None:
    (readable_folder / "svc").mkdir(mode=0o700)
    (readable_folder / "svc" / "go.mod").write_text(GO_MOD)
    assert _read_as_nobody(readable_folder / "svc" / "go.mod") == (
        "go.mod cannot be read: permission denied on a folder above it; let user 65534 "
        f"({pwd.getpwuid(65534).pw_name}) into that folder (`chmod a+x`), or run pytest as its "
        "owner."
    )
