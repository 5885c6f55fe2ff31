"""The mutation run's plugin (tests/mutation/warm.py) builds test_goinfo's binaries once, not
once per mutant, and leaves every other fixture alone."""

from __future__ import annotations

import pytest

from tests.mutation import warm

TEST_GOINFO = """
import pytest

@pytest.fixture(scope="session")
def go_binaries():
    with open({log!r}, "a") as log:
        log.write("go_binaries\\n")
    return {{"default": b"ELF"}}

@pytest.fixture(scope="session")
def elsewhere():
    with open({log!r}, "a") as log:
        log.write("elsewhere\\n")
    return 2

def test_reads(go_binaries, elsewhere):
    assert (go_binaries, elsewhere) == ({{"default": b"ELF"}}, 2)
"""


def test_a_shared_fixture_is_computed_by_the_first_session_only(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm, "_values", {})
    log = pytester.path / "computed.log"
    pytester.makepyfile(test_goinfo=TEST_GOINFO.format(log=str(log)))
    for _ in range(2):
        run = pytester.runpytest(
            "-p", "tests.mutation.warm", "-W", "ignore::pytest.PytestAssertRewriteWarning"
        )
        run.assert_outcomes(passed=1, warnings=0)
    assert log.read_text() == "go_binaries\nelsewhere\nelsewhere\n"
