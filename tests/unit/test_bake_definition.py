"""The folder `docker buildx bake --print` runs in: the checkout's own, or a temporary tree of
links to it where a file git does not track must not count or a compose command's
`--env-file`s stand in for the project's `.env` (bake reads only the `.env` of the folder it
runs in, buildx's bake/compose.go loadDotEnv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.bake_definition import clean_definition, env_file_variables
from pytest_goimage.gofacts.bake_request import BakeRequest, BakeUnreadable
from pytest_goimage.gofacts.compose_variables import dotenv_statements
from tests.conftest import commit_checkout


def _compose_checkout(root: Path) -> None:
    """deploy/compose.yaml with an `env_file` (buildx v0.19 stops where it is missing) and a
    file it includes from the folder above; deploy/.env, root .env.ci and ci/late.env."""
    (root / "deploy").mkdir()
    (root / "ci").mkdir()
    (root / "deploy" / "compose.yaml").write_text(
        "include: [../shared.yaml]\nservices:\n  api:\n    build: .\n    env_file: app.env\n"
    )
    (root / "deploy" / "app.env").write_text("PORT=8080\n")
    (root / "deploy" / ".env").write_text("GO_VERSION=1.26.8\nONLY_DOTENV=1\n")
    (root / "shared.yaml").write_text("services:\n  db:\n    image: postgres:16\n")
    (root / ".env.ci").write_text("\ufeffGO_VERSION=1.21\nREF=${GO_VERSION}\n")
    (root / "ci" / "late.env").write_text('GO_VERSION="1.22"')  # no newline at the end


def test_env_files_are_the_env_of_a_tree_of_links_to_the_checkout(tmp_path: Path) -> None:
    """The env files, in order (a later value wins, as compose reads them), are the `.env`
    bake reads; the project's own `.env` is not there, everything else is, through links:
    the service's env_file and the included file of the folder above. Without env files (or
    untracked files) bake runs in the checkout itself."""
    _compose_checkout(tmp_path)
    with clean_definition(tmp_path, BakeRequest("deploy", ("-f", "compose.yaml"), ())) as folder:
        assert folder == tmp_path / "deploy"
    request = BakeRequest(
        "deploy", ("-f", "compose.yaml"), (), (), ("../.env.ci", "../ci/late.env")
    )
    with clean_definition(tmp_path, request) as folder:
        assert folder != tmp_path / "deploy" and folder.name == "deploy"
        assert sorted(p.name for p in folder.iterdir()) == ["app.env", "compose.yaml"]
        assert (folder / "app.env").read_text() == "PORT=8080\n"
        assert (folder / ".." / "shared.yaml").read_text().startswith("services:")
    assert not folder.exists()
    assert (tmp_path / "deploy" / ".env").read_text().startswith("GO_VERSION=1.26.8")


def test_an_env_file_git_does_not_track_is_not_ci_s(tmp_path: Path) -> None:
    """CI's checkout has no git-ignored env file: the job makes it, or it is a developer's."""
    _compose_checkout(tmp_path)
    commit_checkout(tmp_path, ignored="ci/late.env")
    tracked = BakeRequest("deploy", ("-f", "compose.yaml"), (), (), ("../.env.ci",))
    with clean_definition(tmp_path, tracked) as folder:
        assert not (folder / ".env").exists()
    assert env_file_variables(tmp_path, tracked) == {"GO_VERSION": "1.21", "REF": "1.21"}
    request = BakeRequest(
        "deploy", ("-f", "compose.yaml"), (), (), ("../.env.ci", "../ci/late.env")
    )
    with pytest.raises(BakeUnreadable) as raised, clean_definition(tmp_path, request):
        pass
    assert str(raised.value) == (
        "its env file ci/late.env is not tracked by git, so CI's checkout does not have it as "
        "it is here (an earlier step of the job may make it)"
    )


def test_env_files_read_as_compose_reads_them(tmp_path: Path) -> None:
    """compose-go's GetEnvFromFile: a later file wins, a `${X}` is looked up in the job's
    environment first, then in the earlier files, then in its own file's earlier lines; a
    single-quoted value is literal (the review: bake's own read of a `.env` does not look up
    the environment, so `${CI_GO:-1.26.8}` gave 1.26.8 where compose gives the job's 1.22)."""
    _compose_checkout(tmp_path)
    (tmp_path / "a.env").write_text("V=1\nLITERAL='${V}'\n")
    (tmp_path / "b.env").write_text("V=2\nFROM_EARLIER=${V}\nGO_VERSION=${CI_GO:-1.26.8}\n")
    request = BakeRequest(
        "deploy", ("-f", "compose.yaml"), (("CI_GO", "1.22"),), (), ("../a.env", "../b.env")
    )
    assert env_file_variables(tmp_path, request) == {
        "V": "2",
        "LITERAL": "${V}",
        "FROM_EARLIER": "1",
        "GO_VERSION": "1.22",
    }
    request = BakeRequest("deploy", ("-f", "compose.yaml"), (), (), ("../b.env",))
    assert env_file_variables(tmp_path, request)["GO_VERSION"] == "1.26.8"
    (tmp_path / "c.env").write_text("X=${NEEDED:?set it}\n")
    request = BakeRequest("deploy", ("-f", "compose.yaml"), (), (), ("../c.env",))
    with pytest.raises(BakeUnreadable) as raised:
        env_file_variables(tmp_path, request)
    assert str(raised.value) == (
        "its env file cannot be read as compose reads it: c.env: X: variable NEEDED is "
        "required (set it)"
    )


def test_env_file_statements_as_compose_go_s_parser_reads_them() -> None:
    """compose-go's dotenv/parser.go (the review): a quoted value ends at its closing quote
    and may span lines, `KEY: value` is a statement, `export` may be followed by a tab, a
    double-quoted value takes escapes, ` #` starts a comment in an unquoted one only."""
    text = (
        'GO_VERSION="1.22" # keep in sync\n'
        "A: 1.22\n"
        'CERT="-----BEGIN\nNOT_A_KEY=1.20\n-----END"\n'
        "export\tB=2\n"
        'C="a\\"b"\n'
        "# a comment\n"
        "D=x #c\n"
        "E=y#z\n"
        "F='lit ${X}'\n"
        "BARE\n"
        "G=a=b\n"
    )
    assert dotenv_statements(text) == [
        ("GO_VERSION", "1.22", False),
        ("A", "1.22", False),
        ("CERT", "-----BEGIN\nNOT_A_KEY=1.20\n-----END", False),
        ("B", "2", False),
        ("C", 'a"b', False),
        ("D", "x", False),
        ("E", "y#z", False),
        ("F", "lit ${X}", True),
        ("G", "a=b", False),
    ]
