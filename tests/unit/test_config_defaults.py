"""Why a run without `[tool.goimage]` found no Go module: the note for a rootdir that an
argument moved above the folder pytest runs in, on real folders."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.config_defaults import moved_rootdir_note, no_go_module


def test_a_rootdir_an_argument_moved_above_the_configured_folder_is_named(tmp_path: Path) -> None:
    """Trial 17: in services/api, whose pyproject.toml has the table, the printed node id
    `../../deploy/api.Dockerfile::static` made the repository's top the rootdir."""
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (service / "go.mod").write_text("module example.com/api\n\ngo 1.26\n")
    (service / "pyproject.toml").write_text('[tool.goimage]\nproject = "."\n')
    message = no_go_module(tmp_path, tmp_path / "pyproject.toml")
    assert message.startswith(f"{tmp_path / 'go.mod'}: not found;")
    note = moved_rootdir_note(tmp_path, service)
    assert note == (
        f" pytest ran in {service}, whose pyproject.toml has a [tool.goimage] table, but its "
        f"arguments made {tmp_path} the rootdir (the folder they share, as no pytest "
        f"configuration file is above them): add --rootdir={service}."
    )


def test_no_note_where_the_rootdir_is_the_folder_or_that_folder_has_no_table(
    tmp_path: Path,
) -> None:
    service = tmp_path / "svc"
    service.mkdir()
    assert moved_rootdir_note(service, service) == ""
    assert moved_rootdir_note(tmp_path, service) == ""  # no pyproject.toml there
    (service / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert moved_rootdir_note(tmp_path, service) == ""
    (service / "pyproject.toml").write_text("[[tool.goimage.image]]\ndockerfile = 'D'\n")
    assert moved_rootdir_note(tmp_path, service) != ""
    assert moved_rootdir_note(service / "x", tmp_path) == ""  # not below it
