"""A run that made a goimage session exits without collecting its heap again (quick_exit), and
only at the end of its process: a run nested in another leaves the outer one's collector alone."""

from __future__ import annotations

import gc

import pytest

# Registered when the conftest is imported, before the plugin registers its handler: atexit
# runs the newest first, so this one sees the heap as the interpreter's exit will.
EXIT_PROBE = """
import atexit, gc, os

def _report():
    os.write(1, f"FROZEN AT EXIT: {gc.get_freeze_count()}\\n".encode())

atexit.register(_report)
"""


def go_project(pytester: pytest.Pytester, test_body: str) -> None:
    pytester.makeconftest(EXIT_PROBE)
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makepyfile(test_probe=test_body)


def frozen_at_exit(result: pytest.RunResult) -> int:
    lines = [line for line in result.stdout.lines if line.startswith("FROZEN AT EXIT: ")]
    assert len(lines) == 1, result.stdout.str()
    return int(lines[0].removeprefix("FROZEN AT EXIT: "))


def test_a_run_with_a_goimage_session_freezes_its_heap_at_exit(pytester: pytest.Pytester) -> None:
    go_project(
        pytester,
        "def test_config(goimage_config):\n    assert goimage_config.images[0].dockerfile == "
        "'Dockerfile'\n",
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert frozen_at_exit(result) > 10_000  # the modules' objects, not a handful


def test_a_run_without_a_goimage_session_exits_as_usual(pytester: pytest.Pytester) -> None:
    go_project(pytester, "def test_one():\n    assert 2 * 2 == 4\n")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert frozen_at_exit(result) == 0


def test_a_nested_run_freezes_nothing_while_the_outer_process_goes_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makepyfile(test_probe="def test_config(goimage_config):\n    assert goimage_config\n")
    before = gc.get_freeze_count()
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert gc.get_freeze_count() == before
