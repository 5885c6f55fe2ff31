"""Bad `[tool.goimage]` configuration: a usage error naming the key and the file, no traceback."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_goimage.config import load_config
from pytest_goimage.errors import ConfigError

GO_MOD = "module example.com/svc\n\ngo 1.26.0\n"
DOCKERFILE = 'FROM scratch\nCOPY main /main\nENTRYPOINT ["/main"]\n'


def project(pytester: pytest.Pytester, goimage: str, *, go_mod: bool = True) -> None:
    pytester.makefile(".toml", pyproject=textwrap.dedent(goimage))
    if go_mod:
        pytester.path.joinpath("go.mod").write_text(GO_MOD)
    pytester.path.joinpath("Dockerfile").write_text(DOCKERFILE)


def usage_error(pytester: pytest.Pytester, *lines: str) -> None:
    result = pytester.runpytest("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {lines[0]}", *lines[1:]])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "[tool.goimage]\nsize_budgte = '40MB'\n",
            "*pyproject.toml: unknown key 'size_budgte' in [[]tool.goimage[]]*",
        ),
        (
            "[tool.goimage]\nhealth_pth = '/healthz'\n",
            "*unknown key 'health_pth' in [[]tool.goimage[]] (did you mean 'health_path'?)*",
        ),
        (
            "[tool.goimage]\nbucket = 'bkt'\n[tool.goimage.env]\nS3 = 'http://{minio.endpont}'\n",
            "*[[]tool.goimage[]] env.S3 uses {minio.endpont}, which is not a placeholder (did you "
            "mean {minio.endpoint}?)*",
        ),
        (
            "[tool.goimage]\n[tool.goimage.env]\nBUCKET = '{bucket}'\n",
            "*env.BUCKET uses {bucket}, but no `bucket` is set*",
        ),
        # A user trial's names: the engine refused the empty one only after the build, and
        # set A to `B=y` for the other.
        (
            "[tool.goimage]\n[tool.goimage.env]\n\"\" = 'x'\n",
            "*pyproject.toml: [[]tool.goimage[]] key env has the name '', which no environment "
            "variable or build argument can have*",
        ),
        (
            "[tool.goimage]\n[tool.goimage.env]\n\"A=B\" = 'y'\n",
            "*key env has the name 'A=B', which no environment variable*",
        ),
        (
            "[tool.goimage]\nbuild_args = { \"MY VAR\" = 'x' }\n",
            "*key build_args has the name 'MY VAR', which no environment variable*",
        ),
        (
            "[tool.goimage]\n[[tool.goimage.image]]\ndockerfile = 'docker/Dockerfile'\n",
            "*Dockerfile 'docker/Dockerfile' does not exist*fix the path in "
            "[[][[]tool.goimage.image[]][]] 'docker/Dockerfile' or remove it.*",
        ),
        (
            "[tool.goimage]\n[[tool.goimage.image]]\ndockerfile = 'Dockerfile'\nport = 8080\n"
            "[[tool.goimage.image]]\ndockerfile = './Dockerfile'\nbucket = 'b'\n",
            "*[[][[]tool.goimage.image[]][]] #2 repeats dockerfile 'Dockerfile' of "
            "[[][[]tool.goimage.image[]][]] #1; merge the two entries into one, or give each "
            "its own `target` to check two stages of one Dockerfile as two images.",
        ),
        (
            "[tool.goimage]\ndockerfiles = ['Dockerfile', './Dockerfile']\n",
            "*key `dockerfiles` lists 'Dockerfile' more than once*",
        ),
        (
            "[tool.goimage]\nbucket = 'My_Uploads'\n",
            "*bucket = 'My_Uploads' is not a valid S3 bucket name*",
        ),
        (
            "[tool.goimage]\nport = 'http'\n",
            "*pyproject.toml*key 'port' must be an integer, got 'http' (str)*",
        ),
        (
            "[tool.goimage]\nport = true\n",
            "*key 'port' must be an integer, got True (bool)*",
        ),
        (
            "[tool.goimage]\nsize_budget = '40 parsecs'\n",
            "*pyproject.toml*key 'size_budget': cannot read '40 parsecs' as a size*",
        ),
        (
            f"[tool.goimage]\nsize_budget = '{'9' * 400}MB'\n",
            "*key 'size_budget': '99999*'... is too large to be a size*",
        ),
        (
            f"[tool.goimage]\nstartup_timeout = '{'9' * 400}s'\n",
            "*key 'startup_timeout': cannot read '99999*' as a duration*",
        ),
        (
            f"[tool.goimage]\nstartup_timeout = 1{'0' * 400}\n",
            "*key 'startup_timeout': a duration must be a positive number of seconds*",
        ),
        (
            "[tool.goimage]\nsize_tolerance = 10\n",
            "*key 'size_tolerance': 10 as a number is a fraction (1000%); write \"10%\" or 0.1*",
        ),
        (
            "[tool.goimage]\nsize_tolerance = 10.0\n",
            "*key 'size_tolerance': 10.0 as a number is a fraction (1000%); write \"10%\" or 0.1*",
        ),
        (
            "[tool.goimage]\nstartup_timeout = 'soon'\n",
            "*pyproject.toml*key 'startup_timeout': cannot read 'soon' as a duration*",
        ),
        (
            "[tool.goimage]\nsize_tolerance = 'ten'\n",
            "*key 'size_tolerance': cannot read 'ten' as a percentage*",
        ),
        (
            "[tool.goimage]\ndockerfiles = ['Dockerfile', 'Dockerfiel']\n",
            "*pyproject.toml: Dockerfile 'Dockerfiel' does not exist*or remove it. Did you mean "
            "'Dockerfile'? Dockerfiles found below *: Dockerfile.",
        ),
        (
            "[tool.goimage]\n[[tool.goimage.image]]\ntarget = 'prod'\n",
            "*[[][[]tool.goimage.image[]][]] #1 needs a `dockerfile` key*",
        ),
        (
            "[tool.goimage]\n[[tool.goimage.image]]\ndockerfile = 'Dockerfile'\nhealthpath = '/x'\n",
            "*unknown key 'healthpath' in [[][[]tool.goimage.image[]][]] #1*",
        ),
        (
            "[tool.goimage]\ncontext = 'nowhere'\n",
            "*context = 'nowhere' is not a directory*",
        ),
        (
            "[tool.goimage]\nenv = { PORT = [1, 2] }\n",
            "*key env.PORT must be a string, got an array.*",
        ),
        (
            '[tool.goimage]\ncontext = "a\\u0000b"\n',
            "*key 'context' contains a NUL character ('a\\x00b'); remove it.",
        ),
        (
            "[tool.goimage\n",
            "*pyproject.toml: Expected *",  # pytest reads pyproject.toml first and says where
        ),
    ],
    ids=[
        "unknown-key",
        "misspelt-key",
        "misspelt-placeholder",
        "bucket-placeholder-without-bucket",
        "env-name-empty",
        "env-name-with-equals",
        "build-arg-name-with-space",
        "override-dockerfile-missing",
        "override-repeated",
        "dockerfiles-repeated",
        "bucket-name-invalid",
        "wrong-type",
        "bool-for-int",
        "bad-size",
        "size-overflows",
        "duration-overflows",
        "duration-int-overflows",
        "tolerance-as-percent-number",
        "tolerance-as-percent-float",
        "bad-duration",
        "bad-tolerance",
        "missing-dockerfile",
        "override-without-dockerfile",
        "override-unknown-key",
        "missing-context",
        "env-not-string",
        "nul-in-path",
        "bad-toml",
    ],
)
def test_bad_configuration_is_a_usage_error(
    pytester: pytest.Pytester, toml: str, expected: str
) -> None:
    project(pytester, toml)
    usage_error(pytester, expected)


def test_missing_go_mod(pytester: pytest.Pytester) -> None:
    project(pytester, "[tool.goimage]\n", go_mod=False)
    usage_error(pytester, "*pyproject.toml: no go.mod in the Go module root*point `project` at*")


def test_project_not_a_directory(pytester: pytest.Pytester) -> None:
    project(pytester, "[tool.goimage]\nproject = 'services/api'\n")
    usage_error(pytester, "*project = 'services/api' is not a directory*")


def test_a_dockerfile_that_is_a_dangling_link_is_named_as_one(pytester: pytest.Pytester) -> None:
    """A user trial's message said the link does not exist, then "Did you mean" its own name."""
    project(pytester, "[tool.goimage]\ndockerfiles = ['Dockerfile.dangling']\n")
    (pytester.path / "Dockerfile.dangling").symlink_to("nothere/Dockerfile")
    usage_error(
        pytester,
        "*pyproject.toml: Dockerfile 'Dockerfile.dangling' is a symbolic link to "
        "nothere/Dockerfile, which does not exist; fix the link or the path in [[]tool.goimage[]].",
    )


def test_an_array_of_goimage_tables_is_named_as_one(pytester: pytest.Pytester) -> None:
    project(pytester, "[[tool.goimage]]\nbucket = 'b'\n")
    usage_error(
        pytester,
        "*pyproject.toml: [[]tool.goimage[]] must be a table (`[[][[]tool.goimage[]][]]` makes "
        "an array: write `[[]tool.goimage[]]`).",
    )


def test_goimage_without_table(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", pyproject="[tool.other]\nx = 1\n")
    usage_error(
        pytester,
        f"{pytester.path}/go.mod: not found; with no [[]tool.goimage[]] table in "
        f"{pytester.path}/pyproject.toml, pytest-goimage tests the Go module at pytest's rootdir *",
    )


def test_a_gopath_mode_project_is_told_to_become_a_module(pytester: pytest.Pytester) -> None:
    """Round 9: a GOPATH-mode repository (no go.mod, GO111MODULE=off in its Dockerfile) was only
    told to point `project` at a go.mod it does not have."""
    pytester.makefile(".toml", pyproject="[tool.other]\nx = 1\n")
    (pytester.path / "cmd" / "svc").mkdir(parents=True)
    (pytester.path / "cmd" / "svc" / "main.go").write_text("package main\n\nfunc main() {}\n")
    usage_error(
        pytester,
        "*It has .go files but no go.mod anywhere: a GOPATH-mode project (GO111MODULE=off), which "
        "the go command has not built by default since Go 1.16, and pytest-goimage checks Go "
        "modules. Run `go mod init <import path>`*",
    )
    # With a table naming the folder, the same advice.
    pytester.makefile(".toml", pyproject='[tool.goimage]\nproject = "cmd"\n')
    usage_error(pytester, "*no go.mod in the Go module root*It has .go files but no go.mod*")


WORKERS = pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["serial", "xdist"])


@WORKERS
def test_bad_config_does_not_break_runs_without_goimage(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    """A team's unit tests keep running while [tool.goimage] is being fixed (under xdist the
    worker parses it again and fails the fixture's user the same way)."""
    project(pytester, "[tool.goimage]\nsize_budget = 'huge'\n")
    pytester.makepyfile(
        test_unit="def test_ok():\n    assert 1 + 1 == 2\n",
        test_image="def test_image(goimage):\n    assert goimage.size\n",
    )
    result = pytester.runpytest_subprocess(*workers)
    # The image test fails with the configuration error; the unit test still runs.
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*key 'size_budget': cannot read 'huge' as a size*"])
    assert "Traceback" not in result.stdout.str() and "UsageError" not in result.stdout.str()


@WORKERS
def test_bad_config_fails_fixture_users_with_the_message(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    project(pytester, "[tool.goimage]\nsize_budget = 'huge'\n")
    pytester.makepyfile(test_cfg="def test_cfg(goimage_config):\n    assert goimage_config\n")
    result = pytester.runpytest_subprocess(*workers)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*key 'size_budget': cannot read 'huge' as a size*"])
    assert "Traceback" not in result.stdout.str()


def test_discovery_and_overrides(pytester: pytest.Pytester) -> None:
    """Discovered Dockerfiles, skipped folders, and per-image overrides reach the fixture."""
    project(
        pytester,
        """
        [tool.goimage]
        size_budget = "40MB"
        bucket = "bookmarks"
        [tool.goimage.env]
        STORAGE_BUCKET = "{bucket}"
        LOG_LEVEL = "info"
        [[tool.goimage.image]]
        dockerfile = "deploy/api.Dockerfile"
        size_budget = "1.5GiB"
        startup_timeout = "1m30s"
        env = { LOG_LEVEL = "debug", FEATURE = "on" }
        """,
    )
    for path in (
        "deploy/api.Dockerfile",
        "Dockerfile.prod",
        "worker/Containerfile",
        "vendor/x/Dockerfile",
        "testdata/Dockerfile",
        "node_modules/pkg/Dockerfile",
        ".devcontainer/Dockerfile",
        "docs/Dockerfile.md",
        "Dockerfile.prod.dockerignore",
        "Dockerfile.dockerignore",
        "deploy/Dockerfile.j2",
        "deploy/Dockerfile.tmpl",
    ):
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(DOCKERFILE)
    pytester.makepyfile(
        test_cfg="""
        def test_cfg(goimage_config):
            images = {i.dockerfile: i for i in goimage_config.images}
            assert list(images) == [
                "Dockerfile", "Dockerfile.prod", "deploy/api.Dockerfile", "worker/Containerfile"
            ]
            assert images["Dockerfile"].size_budget == 40_000_000
            assert images["deploy/api.Dockerfile"].size_budget == int(1.5 * 2**30)
            assert images["deploy/api.Dockerfile"].startup_timeout == 90.0
            assert images["Dockerfile"].startup_timeout == 30.0
            assert images["Dockerfile"].health_path == "/health"
            # A per-image env extends the shared one, key by key.
            assert images["Dockerfile"].env == {"STORAGE_BUCKET": "{bucket}", "LOG_LEVEL": "info"}
            assert images["deploy/api.Dockerfile"].env == {
                "STORAGE_BUCKET": "{bucket}", "LOG_LEVEL": "debug", "FEATURE": "on"
            }
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def _escaped(text: str) -> str:
    """`text` as an fnmatch pattern that matches it alone ([ and ] are pattern syntax)."""
    return re.sub(r"([\[\]])", r"[\1]", text)


def test_goimage_without_a_table_or_go_mod_says_where_it_looked(pytester: pytest.Pytester) -> None:
    root = pytester.path
    root.joinpath("Dockerfile").write_text(DOCKERFILE)
    root.joinpath("svc").mkdir()
    root.joinpath("svc", "go.mod").write_text(GO_MOD)
    result = pytester.runpytest("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    rule = (
        "pytest-goimage tests the Go module at pytest's rootdir (the folder of the first "
        "pyproject.toml, pytest.ini, tox.ini or setup.cfg above the arguments, else the folder "
        "pytest runs in). Run pytest in the folder that holds go.mod, or add to "
        f'{root}/pyproject.toml a [tool.goimage] table with project = "<folder with go.mod>". '
        "go.mod was found in svc: point `project` at the one to test."
    )
    assert result.stderr.lines == [
        f"ERROR: {root}/go.mod: not found; with no pyproject.toml in the rootdir {root}, {rule}",
        "",
    ]
    pytester.makefile(".toml", pyproject="[tool.ruff]\nline-length = 100\n")
    result = pytester.runpytest("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines == [
        f"ERROR: {root}/go.mod: not found; with no [tool.goimage] table in {root}/pyproject.toml, "
        f"{rule}",
        "",
    ]


def test_a_go_module_without_dockerfile_or_table_says_what_to_create(
    pytester: pytest.Pytester,
) -> None:
    """Nothing names a pyproject.toml that does not exist as the file to fix."""
    root = pytester.path
    root.joinpath("go.mod").write_text(GO_MOD)
    result = pytester.runpytest("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines == [
        f"ERROR: {root}: no Dockerfile found below it (Dockerfile, Dockerfile.*, *.Dockerfile), "
        f"and {root}/pyproject.toml does not exist. Add a Dockerfile, or list yours in a "
        '[tool.goimage] table there: dockerfiles = ["path/to/Dockerfile"].',
        "",
    ]


def test_a_python_project_without_go_mod_or_table_is_left_alone(
    pytester: pytest.Pytester,
) -> None:
    """Without --goimage, a rootdir with neither go.mod nor [tool.goimage] is no Go project:
    no header line, and the team's tests run as before."""
    pytester.makefile(".toml", pyproject="[tool.ruff]\nline-length = 100\n")
    pytester.makepyfile(test_unit="def test_a():\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert not [line for line in result.stdout.lines if line.startswith("goimage:")]


@pytest.mark.parametrize(
    "pyproject",
    [None, "[tool.ruff]\nline-length = 100\n"],
    ids=["no-pyproject", "pyproject-without-goimage"],
)
def test_a_go_repository_without_goimage_table_runs_on_the_defaults(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, pyproject: str | None
) -> None:
    """No pyproject.toml, or one without [tool.goimage]: the rootdir's go.mod, every
    Dockerfile discovered, the default budget; the header says so."""
    root = example_copy(pyproject)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-p", "no:randomly", "-k", "not bucket and not health"
    )
    result.assert_outcomes(passed=16, skipped=12, deselected=6)  # parity: one program
    why = (
        f"no pyproject.toml in the rootdir {root}"
        if pyproject is None
        else f"no [tool.goimage] table in {root}/pyproject.toml"
    )
    result.stdout.fnmatch_lines(
        [
            "goimage: 3 image(s): Dockerfile, Dockerfile.prod, backend/Dockerfile; engine: *",
            _escaped(f"goimage: {why}: running on the defaults"),
            _escaped(
                f"goimage: defaults: project . (go.mod at {root}/go.mod), dockerfiles discovered "
                "below it, context ., size_budget 64.0 MB, size_tolerance 10%, health_path "
                "/health, startup_timeout 30s, no min_ready, port: the one the image EXPOSEs, no bucket (the "
                "bucket check is skipped), no env"
            ),
            "goimage: build logs in *",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "PASS  Dockerfile  * 10.7 MB/64.0 MB  *",
            "PASS  Dockerfile.prod  * 8.7 MB/64.0 MB  *",
            # Whole at 80 columns: a vs-base column of dashes (no baseline) gives its room.
            "PASS  backend/Dockerfile  * 10.7 MB/64.0 MB  *",
        ]
    )


def test_load_config_without_a_table(tmp_path: Path) -> None:
    """The defaults where go.mod is; nothing (or, when required, an error) where it is not."""
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    assert load_config(tmp_path) is None
    with pytest.raises(ConfigError, match=rf"^{tmp_path}/go.mod: not found; with no pyproject"):
        load_config(tmp_path, required=True)
    (tmp_path / "go.mod").write_text(GO_MOD)
    config = load_config(tmp_path)
    assert config is not None and config.defaults
    assert [image.dockerfile for image in config.images] == ["Dockerfile"]
    (tmp_path / "pyproject.toml").write_text("[tool.goimage]\n")
    config = load_config(tmp_path)
    assert config is not None and not config.defaults
