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


def _two_targets(root: Path, entries: list[dict[str, object]]) -> list[tuple[str, str | None]]:
    (root / "go.mod").write_text("module example.com/app\n")
    (root / "Dockerfile").write_text("FROM scratch AS dev\nFROM scratch AS prod\n")
    (root / "Dockerfile.docs").write_text("FROM scratch\n")
    config = parse_config({"image": entries}, rootdir=root, source=root / "pyproject.toml")
    assert all(image.dockerfile_path.parent == root for image in config.images)
    return [(image.dockerfile, image.target) for image in config.images]


def test_entries_with_their_own_targets_are_images_of_one_dockerfile(tmp_path: Path) -> None:
    """A user trial: a dev and a prod stage of one Dockerfile, each checked as an image."""
    images = _two_targets(
        tmp_path,
        [
            {"dockerfile": "Dockerfile", "target": "dev"},
            {"dockerfile": "./Dockerfile", "target": "prod", "require_non_root": True},
        ],
    )
    assert images == [
        ("Dockerfile[dev]", "dev"),
        ("Dockerfile[prod]", "prod"),
        ("Dockerfile.docs", None),
    ]


@pytest.mark.parametrize(
    "second",
    [
        {"dockerfile": "Dockerfile", "target": "dev"},  # the same target twice
        {"dockerfile": "Dockerfile"},  # one entry without a target: which one is it?
    ],
)
def test_entries_of_one_dockerfile_without_targets_of_their_own_are_refused(
    tmp_path: Path, second: dict[str, object]
) -> None:
    with pytest.raises(ConfigError) as raised:
        _two_targets(tmp_path, [{"dockerfile": "Dockerfile", "target": "dev"}, second])
    assert str(raised.value) == (
        f"{tmp_path / 'pyproject.toml'}: [[tool.goimage.image]] #2 repeats dockerfile "
        "'Dockerfile' of [[tool.goimage.image]] #1; merge the two entries into one, or give each "
        "its own `target` to check two stages of one Dockerfile as two images."
    )


def test_a_top_level_without_go_mod_lists_the_modules_below_it(tmp_path: Path) -> None:
    """A go.work monorepo with no go.mod at its top (trial 13, F7): the error names the
    modules found and how each image names its own."""
    _monorepo(tmp_path)
    (tmp_path / "go.work").write_text(
        "go 1.26\n\nuse (\n\t./services/api\n\t./services/worker\n)\n"
    )
    with pytest.raises(ConfigError) as raised:
        parse_config({}, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert str(raised.value) == (
        f"{tmp_path / 'pyproject.toml'}: no go.mod in the Go module root {tmp_path} "
        "([tool.goimage] project = '.'); point `project` at the folder that holds go.mod. "
        "go.mod was found in services/api, services/worker (go.work here lists the "
        "workspace's modules): an image of another module than the top-level `project` names "
        "its own `project` in its [[tool.goimage.image]] entry (where every image does, the "
        "top-level `project` may hold no go.mod)."
    )
    # Named from the rootdir, as `project` takes them (the review: `api` for services/api).
    with pytest.raises(ConfigError) as raised:
        parse_config({"project": "services"}, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert "go.mod was found in services/api, services/worker: " in str(raised.value)


def test_a_top_level_without_go_mod_where_every_image_names_its_module(tmp_path: Path) -> None:
    """A go.work monorepo (trial 13, F7): with every image's entry naming its own `project`,
    the top level needs no go.mod, and dockerfiles and contexts are named from the top, not
    `../worker/Dockerfile` from one module's folder."""
    _monorepo(tmp_path)
    table = {
        "image": [
            {"dockerfile": "services/api/Dockerfile", "project": "services/api"},
            {"dockerfile": "services/worker/Dockerfile", "project": "services/worker"},
        ]
    }
    config = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert {image.dockerfile: image.go_module for image in config.images} == {
        "services/api/Dockerfile": tmp_path / "services" / "api",
        "services/worker/Dockerfile": tmp_path / "services" / "worker",
    }
    assert {image.context_path for image in config.images} == {tmp_path}
    assert config.project == tmp_path


@pytest.mark.parametrize(
    ("table", "named"),
    [
        # One entry without its own project: its image would be compared with no go.mod.
        (
            {
                "dockerfiles": ["services/api/Dockerfile", "services/worker/Dockerfile"],
                "image": [
                    {"dockerfile": "services/api/Dockerfile", "project": "services/api"},
                    {"dockerfile": "services/worker/Dockerfile"},
                ],
            },
            "'services/worker/Dockerfile' does not: give it",
        ),
        # A discovered Dockerfile without an entry (a proxy's, a tool's).
        (
            {"image": [{"dockerfile": "services/api/Dockerfile", "project": "services/api"}]},
            "'deploy/Dockerfile', 'services/worker/Dockerfile' do not: give each",
        ),
        # `project = "."` written out: an entry without its own takes no project from the top.
        (
            {
                "project": ".",
                "dockerfiles": ["services/api/Dockerfile", "services/worker/Dockerfile"],
                "image": [
                    {"dockerfile": "services/api/Dockerfile", "project": "services/api"},
                    {"dockerfile": "services/worker/Dockerfile"},
                ],
            },
            "'services/worker/Dockerfile' does not: give it",
        ),
    ],
    ids=["entry-without-project", "discovered-without-entry", "explicit-top-level-project"],
)
def test_a_top_level_without_go_mod_refuses_an_image_without_its_module(
    tmp_path: Path, table: dict[str, object], named: str
) -> None:
    _monorepo(tmp_path)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(ConfigError) as raised:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert str(raised.value) == (
        f"{tmp_path / 'pyproject.toml'}: the top-level project {tmp_path} holds no go.mod, so "
        f"each image names the Go module its binary is built from, and {named} a "
        "[[tool.goimage.image]] entry with its `dockerfile` and `project` (a folder with go.mod), "
        "or list in `dockerfiles` only the Dockerfiles to check. go.mod was found in "
        "services/api, services/worker: an image of another module than the top-level `project` "
        "names its own `project` in its [[tool.goimage.image]] entry (where every image does, "
        "the top-level `project` may hold no go.mod)."
    )


def test_an_image_table_instead_of_an_array_is_named_before_a_missing_go_mod(
    tmp_path: Path,
) -> None:
    """`[tool.goimage.image]` (one table) where `[[tool.goimage.image]]` was meant, in a
    repository with no go.mod at the top: the typo is the error, not the go.mod."""
    _monorepo(tmp_path)
    table = {"image": {"dockerfile": "services/api/Dockerfile", "project": "services/api"}}
    with pytest.raises(ConfigError) as raised:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert str(raised.value) == (
        f"{tmp_path / 'pyproject.toml'}: [tool.goimage] image must be an array of tables "
        "([[tool.goimage.image]])."
    )


def test_each_module_naming_its_dockerfile_beside_its_own_project_is_told_the_paths(
    tmp_path: Path,
) -> None:
    """Trial 33A #2: `project = "services/api"` with `dockerfile = "Dockerfile"` in two
    entries was refused as a repeated Dockerfile, with advice to merge the entries."""
    _monorepo(tmp_path)
    table = {
        "image": [
            {"project": "services/api", "dockerfile": "Dockerfile", "context": "../.."},
            {"project": "services/worker", "dockerfile": "Dockerfile", "context": "../.."},
        ]
    }
    with pytest.raises(ConfigError) as raised:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert str(raised.value) == (
        f"{tmp_path / 'pyproject.toml'}: [[tool.goimage.image]] #2 and [[tool.goimage.image]] "
        "#1 both name dockerfile 'Dockerfile', with project 'services/worker' and "
        "'services/api': a `dockerfile` (and `context`) stays relative to the top-level "
        f"`project` ({tmp_path}), not to the entry's own `project`, so both name "
        f"{tmp_path / 'Dockerfile'}. Write [[tool.goimage.image]] #1: dockerfile = "
        "'services/api/Dockerfile'; [[tool.goimage.image]] #2: dockerfile = "
        "'services/worker/Dockerfile'."
    )
