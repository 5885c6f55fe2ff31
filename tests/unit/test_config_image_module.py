"""An image entry's own `project` (its Go module in a monorepo): set, inherited, and refused
where it holds no go.mod."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.config import parse_config
from pytest_goimage.errors import ConfigError


def _monorepo(root: Path) -> None:
    for service in ("api", "worker"):
        (root / "services" / service).mkdir(parents=True)
        (root / "services" / service / "go.mod").write_text(f"module example.com/{service}\n")
        (root / "services" / service / "Dockerfile").write_text("FROM scratch\n")
    (root / "docs").mkdir()


def test_an_entry_names_its_own_module_and_the_others_keep_the_top_level_one(
    tmp_path: Path,
) -> None:
    _monorepo(tmp_path)
    table = {
        "project": "services/api",
        "dockerfiles": ["Dockerfile"],
        "image": [{"dockerfile": "../worker/Dockerfile", "project": "services/worker"}],
    }
    config = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    modules = {image.dockerfile: image.go_module for image in config.images}
    assert modules == {
        "Dockerfile": tmp_path / "services" / "api",
        "../worker/Dockerfile": tmp_path / "services" / "worker",
    }
    assert config.project == tmp_path / "services" / "api"
    # The entry's dockerfile and context stay relative to the top-level project.
    worker = config.images[1]
    assert worker.dockerfile_path == tmp_path / "services" / "api" / "../worker/Dockerfile"
    assert worker.context_path == tmp_path / "services" / "api"


@pytest.mark.parametrize(
    ("project", "message"),
    [
        ("services/nowhere", "is not a directory below"),
        ("docs", "no go.mod in the Go module root"),
    ],
)
def test_an_entry_project_without_a_go_mod_names_the_entry(
    tmp_path: Path, project: str, message: str
) -> None:
    _monorepo(tmp_path)
    table = {
        "project": "services/api",
        "image": [{"dockerfile": "../worker/Dockerfile", "project": project}],
    }
    with pytest.raises(ConfigError) as raised:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert message in str(raised.value)
    assert "[[tool.goimage.image]] '../worker/Dockerfile' project = " in str(raised.value)
