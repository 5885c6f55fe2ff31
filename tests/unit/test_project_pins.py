"""Every Go version pin of a project (gofacts/project_pins.py), read from a real folder: a
module in `svc/` of a repository, its Dockerfile with a build argument, a Dockerfile outside
the repository, the repository's workflow and one of the module's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts import project_pins as project_pins_module
from pytest_goimage.gofacts.project_pins import project_pins
from pytest_goimage.gofacts.versions import Pin

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


def test_a_go_version_file_of_another_configured_module_is_left_to_that_module(
    tmp_path: Path,
) -> None:
    """A module at the repository root and a tool module below it (`tools/`): a job whose
    go-version-file is the other module's go.mod sets up that module's Go. A repository-wide
    version file (`.tool-versions`) stays every module's pin (the review: it was given to the
    root module alone, and the worker's check lost it); one in a module's own folder
    (`tools/.go-version`) is that module's (the second review: it became everyone's)."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.26.5\n")
    (tmp_path / "tools" / "go.mod").write_text("module example.com/tools\n\ngo 1.26.9\n")
    (tmp_path / ".tool-versions").write_text("golang 1.26.9\n")
    (tmp_path / "tools" / ".go-version").write_text("1.26.9\n")  # the tools module's own
    jobs = "".join(
        f"  {job}:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/setup-go@v6\n        with:\n          go-version-file: {file}\n"
        # A task runner: where it runs Go is not known, so the folder does not decide.
        "      - run: make build\n"
        for job, file in (
            ("app", "go.mod"),
            ("tools", "tools/go.mod"),
            ("all", ".tool-versions"),
            ("local", "tools/.go-version"),
        )
    )
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(f"on: push\njobs:\n{jobs}")

    def left_out(project: Path, others: list[Path]) -> dict[str, str]:
        pins = project_pins(tmp_path, project, [], (), others)
        return {p.job: p.ignored for p in pins if p.job}

    assert left_out(tmp_path, [tmp_path / "tools"]) == {
        "all": "",
        "local": "follows tools/.go-version, the Go of module folder tools, another image's "
        "`project`: compared with that module",
        "app": "",
        "tools": "follows tools/go.mod, the Go of module folder tools, another image's "
        "`project`: compared with that module",
    }
    assert left_out(tmp_path / "tools", [tmp_path]) == {
        "app": "follows go.mod, the Go of module folder ., another image's `project`: compared "
        "with that module",
        "tools": "",
        "all": "",
        "local": "",
    }
    # Without other configured modules every job is compared, as in a one-module project.
    assert left_out(tmp_path, []) == {"app": "", "tools": "", "all": "", "local": ""}


MATRIX_WORKFLOW = """\
on: push
jobs:
  services:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        svc: [api, worker]
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version-file: services/${{ matrix.svc }}/.go-version
      - run: go test ./...
        working-directory: services/${{ matrix.svc }}
"""


def test_a_go_version_file_named_by_the_matrix_is_each_combination_s_own(tmp_path: Path) -> None:
    """Trial 17's false pass: a monorepo's job per module (`services/${{ matrix.svc }}/...`)
    was one pin "which does not exist in this checkout", a warning, so an old `.go-version`
    passed. Each combination follows its own file, compared with its own module."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(MATRIX_WORKFLOW)
    for service, written in (("api", "1.25.3"), ("worker", "1.26.0")):
        (tmp_path / "services" / service).mkdir(parents=True)
        (tmp_path / "services" / service / "go.mod").write_text(
            f"module example.com/{service}\n\ngo 1.26.0\n"
        )
        (tmp_path / "services" / service / ".go-version").write_text(f"{written}\n")
    api, worker = tmp_path / "services" / "api", tmp_path / "services" / "worker"
    pins = [p for p in project_pins(tmp_path, api, [], (), [worker]) if p.job]
    assert [(p.resolved, str(p.version), p.unpinned, p.ignored) for p in pins] == [
        ("services/api/.go-version", "1.25.3", False, ""),
        (
            "services/worker/.go-version",
            "1.26.0",
            False,
            "follows services/worker/.go-version, the Go of module folder services/worker, "
            "another image's `project`: compared with that module",
        ),
    ]
    assert {p.raw for p in pins} == {"services/${{ matrix.svc }}/.go-version"}


def test_a_run_s_memo_reads_the_workflows_once_for_every_image_and_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """go-version and static ask for the pins of each image: with the run's memo the workflows
    (and go.mod, the pipelines, the CI builds) are read once, the Dockerfiles each time, and
    the pins are those a fresh read gives. Each go_version_ignore still applies per call."""
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text(ROOT_WORKFLOW)
    (root / "svc").mkdir()
    (root / "svc" / "go.mod").write_text("module example.com/svc\n\ngo 1.22.3\n")
    (root / "svc" / "Dockerfile").write_text("FROM golang:1.22.3-alpine\n")
    (root / "svc" / "Dockerfile.prod").write_text("FROM golang:1.21-alpine\n")
    reads: list[Path] = []
    original = project_pins_module.read_workflows

    def counted(folder: Path, *, relative_to: Path) -> list[Pin]:
        reads.append(folder)
        return original(folder, relative_to=relative_to)

    monkeypatch.setattr(project_pins_module, "read_workflows", counted)
    memo: dict[object, object] = {}
    each = [[(root / "svc" / name, {})] for name in ("Dockerfile", "Dockerfile.prod")]
    fresh = [project_pins(root, root / "svc", files) for files in each]
    assert len(reads) == 4  # the repository's workflows and the module folder's, per call
    remembered = [project_pins(root, root / "svc", files, memo=memo) for files in each * 2]
    assert len(reads) == 6  # once for the four calls
    assert remembered == fresh * 2
    assert [p.resolved for p in remembered[1] if p.source == "Dockerfile FROM"] == [
        "golang:1.21-alpine"
    ]
    ignored = project_pins(root, root / "svc", each[0], ["ci.yml"], memo=memo)
    assert [p.ignored for p in ignored if p.file == ".github/workflows/ci.yml"] == [
        "left out by go_version_ignore entry 'ci.yml'"
    ]
    assert len(reads) == 6
