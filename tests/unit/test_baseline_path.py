"""`baseline` must name a file inside the repository: --goimage-update-baseline rewrites it,
and a file that is not a baseline is to be deleted (trial 12: a baseline outside the rootdir
was read, and the advice was to delete it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.config import parse_config
from pytest_goimage.errors import BaselineError, ConfigError
from pytest_goimage.report.baseline import read_baseline


def _project(root: Path) -> Path:
    (root / "go.mod").write_text("module example.com/svc\n")
    (root / "Dockerfile").write_text("FROM scratch\n")
    return root / "pyproject.toml"


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [
        (None, ".goimage-baseline.json"),
        ("ci/sizes.json", "ci/sizes.json"),
        ("ci/../sizes.json", "ci/../sizes.json"),
    ],
)
def test_a_file_inside_the_rootdir(tmp_path: Path, baseline: str | None, expected: str) -> None:
    table = {} if baseline is None else {"baseline": baseline}
    config = parse_config(table, rootdir=tmp_path, source=_project(tmp_path))
    assert config.images[0].baseline == tmp_path / expected


@pytest.mark.parametrize("baseline", ["../sizes.json", "/etc/passwd", ".", "ci/../.."])
def test_a_path_outside_the_rootdir_is_refused(tmp_path: Path, baseline: str) -> None:
    source = _project(tmp_path)
    (tmp_path / "ci").mkdir()
    with pytest.raises(ConfigError) as caught:
        parse_config({"baseline": baseline}, rootdir=tmp_path, source=source)
    assert str(caught.value) == (
        f"{source}: [tool.goimage] baseline = {baseline!r} is not a file below {tmp_path}; the "
        "size baseline is the repository's own record, which --goimage-update-baseline "
        'rewrites: set it to a path inside the repository, such as ".goimage-baseline.json".'
    )


def test_an_image_entry_s_baseline_is_checked_too(tmp_path: Path) -> None:
    source = _project(tmp_path)
    table = {"image": [{"dockerfile": "Dockerfile", "baseline": "../x.json"}]}
    with pytest.raises(ConfigError, match=r"\[\[tool.goimage.image\]\] 'Dockerfile' baseline"):
        parse_config(table, rootdir=tmp_path, source=source)


def test_a_file_that_is_no_baseline_is_not_only_to_be_deleted(tmp_path: Path) -> None:
    """`baseline = "go.mod"` by mistake: the advice first says to point `baseline` elsewhere,
    and to delete the file only where it is a damaged baseline (the review)."""
    _project(tmp_path)
    with pytest.raises(BaselineError) as caught:
        read_baseline(tmp_path / "go.mod")
    assert str(caught.value) == (
        f"{tmp_path / 'go.mod'}: not a pytest-goimage baseline (Expecting value: line 1 column 1 "
        "(char 0)). If `baseline` in [tool.goimage] names another file by mistake, point it at "
        "the baseline's own file (by default .goimage-baseline.json); if this is a damaged "
        "baseline, fix it, or delete it and rerun with --goimage-update-baseline to write it "
        "afresh."
    )
