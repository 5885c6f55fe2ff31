"""Trial 32: a go.mod that is a symbolic link to nothing, or a folder, made `pytest --goimage`
say there is no go.mod and, in the same breath, that go.mod was found in `.`. The usage error
names the path and what is there instead. No Docker: the configuration is read first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def _link(go_mod: Path) -> None:
    go_mod.symlink_to("../shared/go.mod")


def _folder(go_mod: Path) -> None:
    go_mod.mkdir()
    (go_mod / "go.mod").write_text("module example.com/svc\n\ngo 1.26\n")


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (
            _link,
            "is a symbolic link to ../shared/go.mod, that is {parent}/shared/go.mod, which does "
            "not exist: restore the target, point the link at the real go.mod, or replace the "
            "link with the file.",
        ),
        (
            _folder,
            "is a directory, and the go command reads it as a file: move what the directory "
            "holds elsewhere and restore the file (`git checkout -- go.mod`), or create it (`go "
            "mod init <module path>`).",
        ),
    ],
    ids=["dangling-link", "folder"],
)
def test_a_go_mod_that_is_no_file_is_named_for_what_it_is(
    pytester: pytest.Pytester, make: Callable[[Path], None], what: str
) -> None:
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    (pytester.path / "Dockerfile").write_text('FROM scratch\nENTRYPOINT ["/app"]\n')
    make(pytester.path / "go.mod")
    result = pytester.runpytest_subprocess("--goimage", "-k", "go-version")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    root = pytester.path
    assert result.stderr.lines[0] == (
        f"ERROR: {root}/pyproject.toml: [tool.goimage] project = '.': {root}/go.mod "
        + what.format(parent=root.parent)
    )
    assert "found in" not in result.stderr.str()
