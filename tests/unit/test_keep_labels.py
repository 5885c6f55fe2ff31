"""--goimage-keep is a setting of one session, not of the process."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.config import load_config
from pytest_goimage.engine.labels import LABEL_KEEP, resource_labels
from pytest_goimage.session import GoImageSession

EXAMPLE = Path(__file__).resolve().parents[2] / "example_project"


def test_a_kept_session_does_not_mark_what_later_sessions_create_as_kept(tmp_path: Path) -> None:
    config = load_config(EXAMPLE, required=True)
    assert config is not None
    GoImageSession(config=config, run_id="r1", owner="r1-main", shared_dir=tmp_path, keep=True)
    # A resource of a session without --goimage-keep: the next run's sweep must be able to take it.
    labels = resource_labels("r2-main", "minio", str(EXAMPLE))
    assert LABEL_KEEP not in labels
