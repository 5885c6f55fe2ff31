"""Version files followed from a real workflow into the checkout (gofacts/workflows/
version_files.py): the line a `.tool-versions` pin names, go.work and a deeper go.mod."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.versions import SOURCE_SETUP_GO_FILE, Pin
from pytest_goimage.gofacts.workflows import follow_go_version_files, read_workflows


def _note(tmp_path: Path, content: str) -> str:
    (tmp_path / ".tool-versions").write_text(content, encoding="utf-8")
    pin = Pin(
        ".github/workflows/ci.yml",
        9,
        SOURCE_SETUP_GO_FILE,
        ".tool-versions",
        None,
        resolved=".tool-versions",
    )
    (followed,) = follow_go_version_files([pin], tmp_path, tmp_path / "go.mod")
    return followed.note


def test_a_golang_line_first_with_tools_after_it_is_line_1(tmp_path: Path) -> None:
    """asdf files often list golang first; the lines after it do not move its number."""
    content = "golang 1.26.8\nnodejs 22.11.0\npython 3.12.7\n"
    assert _note(tmp_path, content) == "follows .tool-versions:1, which names '1.26.8'"


def test_a_blank_first_line_counts_before_the_golang_line(tmp_path: Path) -> None:
    content = "\ngolang 1.26.8\n"
    assert _note(tmp_path, content) == "follows .tool-versions:2, which names '1.26.8'"


def _followed_from_workflow(tmp_path: Path, target: str) -> Pin:
    """The pin of a checkout whose workflow's setup-go step names `target`, followed."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/setup-go@v5\n"
        "        with:\n"
        f"          go-version-file: {target}\n"
        "      - run: go test ./...\n",
        encoding="utf-8",
    )
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.26.8\n", encoding="utf-8")
    (followed,) = follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod")
    return followed


def test_a_workspace_file_read_from_the_checkout_is_a_pin_that_counts(tmp_path: Path) -> None:
    """The workflow alone cannot read go.work (unpinned); once followed it pins Go 1.25.4."""
    (tmp_path / "go.work").write_text("go 1.25.4\n\nuse .\n", encoding="utf-8")
    pin = _followed_from_workflow(tmp_path, "go.work")
    assert (pin.line, str(pin.version), pin.note, pin.unpinned) == (
        8,
        "1.25.4",
        "follows go.work, a workspace file, which requires Go 1.25.4",
        False,
    )


def test_a_go_mod_two_folders_down_is_read_as_another_module(tmp_path: Path) -> None:
    """tools/lint/go.mod is a go.mod by its last path part, however deep it lies."""
    (tmp_path / "tools" / "lint").mkdir(parents=True)
    (tmp_path / "tools" / "lint" / "go.mod").write_text(
        "module example.com/svc/tools/lint\n\ngo 1.24.0\n\ntoolchain go1.24.6\n", encoding="utf-8"
    )
    pin = _followed_from_workflow(tmp_path, "tools/lint/go.mod")
    assert (pin.line, str(pin.version), pin.note, pin.unpinned) == (
        8,
        "1.24.6",
        "follows tools/lint/go.mod, another module's go.mod, which requires Go 1.24.6",
        False,
    )
