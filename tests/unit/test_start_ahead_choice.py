"""When pytest_sessionstart starts the first configured image's MinIO ahead of the items: only
for a whole `--goimage` run in this process that runs its items, where that image's checks
come first."""

from __future__ import annotations

import pytest

from pytest_goimage.run import runs_first_image_ahead
from pytest_goimage.stash_keys import SELECTED_KEY


@pytest.mark.parametrize(
    ("args", "ahead"),
    [
        (["--goimage"], True),
        (["--goimage", "-q", "-x"], True),
        ([], False),  # no --goimage: the fixtures' items may use any image, or none
        (["--goimage", "--collect-only"], False),
        (["--goimage", "-k", "Dockerfile.prod"], False),
        (["--goimage", "-m", "slow"], False),
        (["--goimage", "--lf"], False),
        (["--goimage", "-p", "xdist", "-n", "2"], False),
        (["--goimage", "-p", "xdist", "-n", "0"], True),
        (["--goimage", "--ff"], False),
        (["--goimage", "--nf"], False),
        (["--goimage", "--sw"], False),
        (["--goimage", "--deselect", "Dockerfile::bucket"], False),
        (["--goimage", "--fixtures"], False),  # lists fixtures, runs no item
        (["--goimage", "--fixtures-per-test"], False),
        (["--goimage", "--setup-plan"], False),
        (["--goimage", "--setup-only"], False),
        # A kept wrong guess would run beside every later set.
        (["--goimage", "--goimage-keep"], False),
    ],
)
def test_which_runs_start_ahead(pytester: pytest.Pytester, args: list[str], ahead: bool) -> None:
    config = pytester.parseconfig(*args)
    assert runs_first_image_ahead(config) is ahead


def test_checks_named_on_the_command_line_do_not_start_ahead(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig("--goimage")
    config.stash[SELECTED_KEY] = frozenset({"Dockerfile.prod::static"})
    assert runs_first_image_ahead(config) is False
