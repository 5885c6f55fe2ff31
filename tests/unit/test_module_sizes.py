"""The wiring and the report read in one sitting: plugin.py under 350 lines, the report and
configuration modules at most 400 each (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pytest_goimage

PACKAGE = Path(pytest_goimage.__file__).parent
REPORT_AND_CONFIG = sorted(
    [*(PACKAGE / "report").glob("*.py"), *PACKAGE.glob("config*.py"), PACKAGE / "selection.py"]
)


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_plugin_is_wiring_under_350_lines() -> None:
    assert lines(PACKAGE / "plugin.py") < 350


@pytest.mark.parametrize("path", REPORT_AND_CONFIG, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_report_and_config_modules_are_at_most_400_lines(path: Path) -> None:
    assert lines(path) <= 400
