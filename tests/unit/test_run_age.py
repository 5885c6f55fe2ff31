"""How old an earlier run is, from its owner labels: a record that does not say is young, so
its images are never given up on for it."""

from __future__ import annotations

import time

import pytest

from pytest_goimage.engine.labels import LABEL_CREATED, run_age


def test_the_age_is_counted_from_the_runs_start() -> None:
    assert 3599 <= run_age({LABEL_CREATED: str(int(time.time()) - 3600)}) <= 3602


@pytest.mark.parametrize("created", [None, "", "yesterday", [1], "12.5"])
def test_a_record_without_a_readable_start_is_young(created: object) -> None:
    labels = {} if created is None else {LABEL_CREATED: created}
    assert run_age(labels) == 0.0  # type: ignore[arg-type]  # a hand-edited owner.json
