"""Dockerfile discovery (gofacts/discover.py) on a project laid out as real Go repositories
are: Dockerfiles named the ways teams name them, beside docs, backups, templates and ignore
files, in service folders, and in the vendored, test-data and hidden folders it skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.discover import (
    discover_dockerfiles,
    is_dockerfile_name,
    project_folders,
)


@pytest.mark.parametrize(
    ("name", "dockerfile"),
    [
        ("Dockerfile", True),
        ("Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("Containerfile", True),
        ("Containerfile.debug", True),
        ("worker.Containerfile", True),
        ("dockerfile", False),  # BuildKit's default name is case-sensitive
        ("Dockerfile.md", False),
        ("Dockerfile.prod.bak", False),
        ("Dockerfile~", False),
        ("Dockerfile.j2", False),
        ("Containerfile.in", False),
        ("Dockerfile.dockerignore", False),
        ("api.Dockerfile.dockerignore", False),
        ("Dockerfiles", False),
        ("main.go", False),
    ],
)
def test_a_file_is_a_dockerfile_by_the_names_teams_give_them(name: str, dockerfile: bool) -> None:
    assert is_dockerfile_name(name) is dockerfile


def project(root: Path) -> Path:
    for name in (
        "Dockerfile",
        "worker.Dockerfile",
        "Dockerfile.md",
        "go.mod",
        "cmd/api/Dockerfile",
        "cmd/api/Dockerfile.dockerignore",
        "deploy/Containerfile",
        "deploy/k8s/Dockerfile.tmpl",
        "vendor/github.com/x/y/Dockerfile",
        "node_modules/pkg/Dockerfile",
        "internal/testdata/Dockerfile",
        ".devcontainer/Dockerfile",
        ".github/actions/lint/Dockerfile",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("FROM scratch\n")
    return root


def test_dockerfiles_are_found_top_level_first_outside_skipped_folders(tmp_path: Path) -> None:
    assert discover_dockerfiles(project(tmp_path)) == [
        "Dockerfile",
        "worker.Dockerfile",
        "deploy/Containerfile",
        "cmd/api/Dockerfile",
    ]


def test_project_folders_walk_in_sorted_order_without_skipped_folders(tmp_path: Path) -> None:
    root = project(tmp_path)
    walked = [(folder.relative_to(root).as_posix(), sorted(names)) for folder, names in
              project_folders(root)]  # fmt: skip
    assert walked == [
        (".", ["Dockerfile", "Dockerfile.md", "go.mod", "worker.Dockerfile"]),
        ("cmd", []),
        ("cmd/api", ["Dockerfile", "Dockerfile.dockerignore"]),
        ("deploy", ["Containerfile"]),
        ("deploy/k8s", ["Dockerfile.tmpl"]),
        ("internal", []),
    ]
