"""The mutation run's plugin (tests/mutation/warm.py) keeps the files of the fixtures it shares:
the first session's temporary folder stays locked after that session ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutation import warm

TEST_GOINFO = """
import pytest

@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("goinfo")
    (root / "app").write_bytes(b"ELF")
    return root

def test_reads(workdir):
    assert (workdir / "app").read_bytes() == b"ELF"
"""


def test_the_folder_of_a_shared_fixture_stays_locked_after_its_session(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm, "_values", {})
    monkeypatch.setattr(warm, "_folders", set())
    pytester.makepyfile(test_goinfo=TEST_GOINFO)
    run = pytester.runpytest(
        "-p", "tests.mutation.warm", "-W", "ignore::pytest.PytestAssertRewriteWarning"
    )
    run.assert_outcomes(passed=1, warnings=0)
    (folder,) = warm._folders
    assert (folder / "goinfo0" / "app").read_bytes() == b"ELF"
    assert (folder / ".lock").is_file()


def test_a_session_without_shared_fixtures_leaves_its_folder_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm, "_values", {})
    monkeypatch.setattr(warm, "_folders", set())
    pytester.makepyfile(test_other=TEST_GOINFO)
    run = pytester.runpytest(
        "-p", "tests.mutation.warm", "-W", "ignore::pytest.PytestAssertRewriteWarning"
    )
    run.assert_outcomes(passed=1, warnings=0)
    assert warm._folders == set()
    assert not list(Path(pytester.path).glob("**/.lock"))
