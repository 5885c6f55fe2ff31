"""When pytest_configure starts the first configured image's MinIO ahead of the items: only for
a whole `--goimage` run in this process, where that image's checks come first."""

from __future__ import annotations

import pytest

from pytest_goimage.plugin import _runs_first_image_ahead
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
    ],
)
def test_which_runs_start_ahead(pytester: pytest.Pytester, args: list[str], ahead: bool) -> None:
    config = pytester.parseconfig(*args)
    assert _runs_first_image_ahead(config) is ahead


def test_checks_named_on_the_command_line_do_not_start_ahead(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig("--goimage")
    config.stash[SELECTED_KEY] = frozenset({"Dockerfile.prod::static"})
    assert _runs_first_image_ahead(config) is False
