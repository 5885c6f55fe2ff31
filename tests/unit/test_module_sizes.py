"""Every module reads in one sitting: plugin.py under 350 lines, every other module of the
package at most 400 (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pytest_goimage

PACKAGE = Path(pytest_goimage.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_plugin_is_wiring_under_350_lines() -> None:
    assert lines(PACKAGE / "plugin.py") < 350


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_module_is_at_most_400_lines(path: Path) -> None:
    assert lines(path) <= 400
