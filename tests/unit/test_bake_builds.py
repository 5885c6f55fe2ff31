"""CI builds through `docker buildx bake`: what to ask buildx, and its printed definition read
as image builds. The printed JSON below is buildx v0.19.3's own answer for BAKE_FILE (run by
hand with `docker buildx bake --print api migrate docs --set api.args.GO_VERSION=<marker>`);
the tests that run buildx itself are in tests/acceptance/test_go_version_bake.py."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_goimage.gofacts.bake_builds import (
    BakeCall,
    BakeRequest,
    bake_image_builds,
    bake_request,
)
from pytest_goimage.gofacts.image_build_values import BuildArg, ImageBuild, Resolved

BAKE_FILE = """\
variable "GO_VERSION" {
  default = "1.22.5"
}

group "default" {
  targets = ["api", "migrate"]
}

target "_go" {
  args = {
    GO_VERSION = GO_VERSION
    CGO_ENABLED = "0"
  }
}

target "api" {
  inherits   = ["_go"]
  dockerfile = "deploy/api.Dockerfile"
  target     = "runtime"
}

target "migrate" {
  inherits = ["_go"]
  context  = "tools/migrate"
  args = {
    GO_VERSION = "1.21"
  }
}

target "docs" {
  dockerfile-inline = "FROM nginx"
}
"""

PRINTED = """{
  "group": {"default": {"targets": ["api", "migrate", "docs"]}},
  "target": {
    "api": {
      "context": ".",
      "dockerfile": "deploy/api.Dockerfile",
      "args": {"CGO_ENABLED": "0", "GO_VERSION": "goimage-unknown-0-"},
      "tags": ["ghcr.io/acme/api:latest"],
      "target": "runtime"
    },
    "docs": {"context": ".", "dockerfile": "Dockerfile", "dockerfile-inline": "FROM nginx"},
    "migrate": {
      "context": "tools/migrate",
      "dockerfile": "Dockerfile",
      "args": {"CGO_ENABLED": "0", "GO_VERSION": "1.21"}
    }
  }
}"""

WORKFLOW = ".github/workflows/release.yml"


def test_the_request_holds_files_targets_sets_and_only_ci_s_environment() -> None:
    call = BakeCall(
        WORKFLOW,
        14,
        "images",
        "deploy",
        files=(Resolved("docker-bake.hcl"), Resolved("bake.override.hcl")),
        targets=(Resolved("api"), Resolved("migrate")),
        sets=(
            ("*.platform", Resolved("linux/amd64")),
            ("api.args.GO_VERSION", Resolved(None, "GO_VERSION is a step's output")),
        ),
        env=(("REGISTRY", Resolved("ghcr.io/acme")), ("TAG", Resolved(None, "a secret"))),
    )
    assert bake_request(call) == BakeRequest(
        "deploy",
        (
            "-f",
            "docker-bake.hcl",
            "-f",
            "bake.override.hcl",
            "--set",
            "*.platform=linux/amd64",
            "--set",
            "api.args.GO_VERSION=goimage-unknown-0-",
            "api",
            "migrate",
        ),
        (("REGISTRY", "ghcr.io/acme"), ("TAG", "goimage-unknown-1-")),
        ("GO_VERSION is a step's output", "a secret"),
    )
    assert bake_request(call).files == ("docker-bake.hcl", "bake.override.hcl")  # type: ignore[union-attr]


def test_nothing_is_asked_where_the_job_alone_knows_the_folder_a_file_or_a_target() -> None:
    unknown = Resolved(None, "only the job knows")
    assert bake_request(BakeCall(WORKFLOW, 3, "b", None)) is None
    assert bake_request(BakeCall(WORKFLOW, 3, "b", ".", files=(unknown,))) is None
    assert bake_request(BakeCall(WORKFLOW, 3, "b", ".", targets=(unknown,))) is None
    for outside in ("/etc/bake.hcl", "https://example.com/bake.hcl", "-"):
        call = BakeCall(WORKFLOW, 3, "b", ".", files=(Resolved(outside),))
        assert bake_request(call) is None, outside


def test_each_target_is_a_build_of_its_dockerfile_with_its_arguments(tmp_path: Path) -> None:
    (tmp_path / "docker-bake.hcl").write_text(BAKE_FILE)
    call = BakeCall(
        WORKFLOW,
        14,
        "images",
        ".",
        targets=(Resolved("api"), Resolved("migrate"), Resolved("docs")),
        sets=(("api.args.GO_VERSION", Resolved(None, "GO_VERSION is a step's output")),),
    )
    request = bake_request(call)
    assert request is not None
    builds = bake_image_builds(call, request, json.loads(PRINTED), tmp_path)
    assert builds == [
        ImageBuild(
            WORKFLOW,
            14,
            "images",
            "deploy/api.Dockerfile",
            "runtime",
            (
                BuildArg(
                    "CGO_ENABLED",
                    "0",
                    "CGO_ENABLED=0 (bake target api)",
                    14,
                    origins=(("CGO_ENABLED", "docker-bake.hcl", 12),),
                ),
                BuildArg(
                    "GO_VERSION",
                    None,
                    "GO_VERSION (bake target api)",
                    14,
                    "GO_VERSION is a step's output",
                ),
            ),
            "bake target api",
        ),
        ImageBuild(
            WORKFLOW,
            14,
            "images",
            "tools/migrate/Dockerfile",
            "",
            (
                BuildArg(
                    "CGO_ENABLED",
                    "0",
                    "CGO_ENABLED=0 (bake target migrate)",
                    14,
                    origins=(("CGO_ENABLED", "docker-bake.hcl", 12),),
                ),
                BuildArg(
                    "GO_VERSION",
                    "1.21",
                    "GO_VERSION=1.21 (bake target migrate)",
                    14,
                    origins=(("GO_VERSION", "docker-bake.hcl", 26),),
                ),
            ),
            "bake target migrate",
        ),
    ]


def test_a_value_from_ci_s_env_or_a_set_points_there(tmp_path: Path) -> None:
    """The fix goes where the value is written: the workflow's env line, or the `--set`."""
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "docker-bake.hcl").write_text(BAKE_FILE)
    printed = {
        "target": {
            "api": {
                "context": "..",
                "dockerfile": "deploy/api.Dockerfile",
                "args": {"GO_VERSION": "1.20", "CGO_ENABLED": "0", "EMPTY": None},
            },
            "migrate": {"context": "cwd://../tools/migrate", "args": {"GO_VERSION": "1.19"}},
        }
    }
    call = BakeCall(
        WORKFLOW,
        30,
        "images",
        "ci",
        sets=(("migrate.args.GO_VERSION", Resolved("1.19")),),
        env=(("GO_VERSION", Resolved("1.20", origins=(("env.GO_VERSION", WORKFLOW, 7),))),),
    )
    request = bake_request(call)
    assert request is not None
    api, migrate = bake_image_builds(call, request, printed, tmp_path)
    assert (api.dockerfile, migrate.dockerfile) == (
        "deploy/api.Dockerfile",
        "tools/migrate/Dockerfile",
    )
    assert [(a.name, a.value, a.origins) for a in api.args] == [
        ("CGO_ENABLED", "0", (("CGO_ENABLED", "ci/docker-bake.hcl", 12),)),
        ("GO_VERSION", "1.20", (("env.GO_VERSION", WORKFLOW, 7),)),
    ]
    assert [(a.name, a.value, a.origins) for a in migrate.args] == [
        ("GO_VERSION", "1.19", (("migrate.args.GO_VERSION", WORKFLOW, 30),)),
    ]


def test_a_context_outside_the_checkout_or_remote_is_no_build_of_it(tmp_path: Path) -> None:
    printed = {
        "target": {
            "remote": {
                "context": "https://github.com/acme/app.git#main",
                "dockerfile": "Dockerfile",
            },
            "outside": {"context": "../..", "dockerfile": "Dockerfile"},
            "absolute": {"context": ".", "dockerfile": "/src/Dockerfile"},
        }
    }
    call = BakeCall(WORKFLOW, 3, "b", "ci")
    request = bake_request(call)
    assert request is not None
    assert bake_image_builds(call, request, printed, tmp_path) == []
