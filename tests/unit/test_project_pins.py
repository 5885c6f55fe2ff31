"""Every Go version pin of a project (gofacts/project_pins.py), read from a real folder: a
module in `svc/` of a repository, its Dockerfile with a build argument, a Dockerfile outside
the repository, the repository's workflow and one of the module's own."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.project_pins import project_pins

ROOT_WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version-file: svc/go.mod
      - run: go test ./...
"""
MODULE_WORKFLOW = ROOT_WORKFLOW.replace("svc/go.mod", "go.mod").replace("test", "build")


def test_pins_are_named_from_the_rootdir_and_ignored_where_configured(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "elsewhere"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "svc" / ".github" / "workflows").mkdir(parents=True)
    outside.mkdir()
    (root / ".github" / "workflows" / "ci.yml").write_text(ROOT_WORKFLOW)
    (root / "svc" / ".github" / "workflows" / "nested.yml").write_text(MODULE_WORKFLOW)
    (root / "svc" / "go.mod").write_text("module example.com/svc\n\ngo 1.22.3\n")
    (root / "svc" / "Dockerfile").write_text("ARG GO=1.22.3\nFROM golang:${GO}-alpine\n")
    (outside / "Dockerfile").write_text("FROM golang:1.21-alpine\n")
    dockerfiles = [(root / "svc" / "Dockerfile", {"GO": "1.22.4"}), (outside / "Dockerfile", {})]
    pins = project_pins(root, root / "svc", dockerfiles, ["ci.yml:test"])
    assert [
        (p.file, p.line, p.source, p.resolved, str(p.version), p.note, p.ignored) for p in pins
    ] == [
        ("svc/go.mod", 3, "go.mod go", "1.22.3", "1.22.3", "", ""),
        (
            "svc/Dockerfile",
            2,
            "Dockerfile FROM",
            "golang:1.22.4-alpine",
            "1.22.4",
            "GO=1.22.4 from build_args",
            "",
        ),
        (str(outside / "Dockerfile"), 1, "Dockerfile FROM", "golang:1.21-alpine", "1.21", "", ""),
        (
            ".github/workflows/ci.yml",
            8,
            "setup-go go-version-file",
            "svc/go.mod",
            "None",
            "follows svc/go.mod: aligned by construction",
            "left out by go_version_ignore entry 'ci.yml:test'",
        ),
        (
            "svc/.github/workflows/nested.yml",
            8,
            "setup-go go-version-file",
            "go.mod",
            "None",
            "follows go.mod: aligned by construction",
            "",
        ),
    ]
