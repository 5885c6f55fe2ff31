"""CI builds through `docker buildx bake`: what to ask buildx, and its printed definition read
as image builds. The printed JSON below is buildx v0.19.3's own answer for BAKE_FILE (run by
hand with `docker buildx bake --print api migrate docs --set api.args.GO_VERSION=<marker>`);
the tests that run buildx itself are in tests/acceptance/test_go_version_bake.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pytest_goimage.gofacts.bake_builds import bake_image_builds
from pytest_goimage.gofacts.bake_request import BakeCall, BakeRequest, Override, bake_request
from pytest_goimage.gofacts.command_words import WORKSPACE
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


def test_the_request_holds_files_targets_sets_and_only_ci_s_environment(tmp_path: Path) -> None:
    call = BakeCall(
        WORKFLOW,
        14,
        "images",
        "deploy",
        files=(Resolved("docker-bake.hcl"), Resolved("bake.override.hcl")),
        targets=(Resolved("api"), Resolved("migrate")),
        sets=(
            Override("*.platform", Resolved("linux/amd64"), 15),
            Override("api.args.GO_VERSION", Resolved(None, "GO_VERSION is a step's output"), 16),
            Override("*.args.VERSION", None, 17),  # bake takes VERSION from the environment
        ),
        env=(("REGISTRY", Resolved("ghcr.io/acme")), ("TAG", Resolved(None, "a secret"))),
    )
    assert bake_request(call, tmp_path) == BakeRequest(
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
            "--set",
            "*.args.VERSION",
            "api",
            "migrate",
        ),
        (("REGISTRY", "ghcr.io/acme"), ("TAG", "goimage-unknown-1-")),
        ("GO_VERSION is a step's output", "a secret"),
    )
    request = bake_request(call, tmp_path)
    assert isinstance(request, BakeRequest)
    assert request.files == ("docker-bake.hcl", "bake.override.hcl")


def test_what_cannot_be_asked_says_why(tmp_path: Path) -> None:
    """A folder, file or target only the job knows, or a file outside the checkout: no print,
    and the reason, which the go-version check shows as a note (never a pass in silence)."""
    unknown = Resolved(None, "steps.meta.outputs.bake-file is a step's output")
    cases = {
        BakeCall(WORKFLOW, 3, "b", None): "the folder `docker buildx bake` runs in is only known "
        "when the job runs",
        BakeCall(WORKFLOW, 3, "b", ".", files=(unknown,)): "which bake file it reads is only "
        "known when the job runs: steps.meta.outputs.bake-file is a step's output",
        BakeCall(WORKFLOW, 3, "b", ".", targets=(unknown,)): "which targets it builds is only "
        "known when the job runs: steps.meta.outputs.bake-file is a step's output",
    }
    # A first target that is an address is where buildx reads the definition from (it would
    # fetch it; a local target of that name cannot exist).
    for remote in (
        "https://github.com/acme/api.git#v1.2.0",
        "git@github.com:acme/api.git",
        "github.com/acme/api",
    ):
        call = BakeCall(WORKFLOW, 3, "b", ".", targets=(Resolved(remote), Resolved("api")))
        cases[call] = f"it reads its bake definition from {remote}, not from this checkout"
    for call, why in cases.items():
        assert bake_request(call, tmp_path) == why
    local = BakeCall(WORKFLOW, 3, "b", ".", targets=(Resolved("api"), Resolved("github.com")))
    assert isinstance(bake_request(local, tmp_path), BakeRequest)
    for outside in ("/etc/bake.hcl", "https://example.com/bake.hcl", "../../bake.hcl"):
        call = BakeCall(WORKFLOW, 3, "b", "ci", files=(Resolved(outside),))
        assert (
            bake_request(call, tmp_path) == f"its bake file {outside} is not a file of the checkout"
        )


def test_cwd_files_and_the_workspace_are_the_checkout_s(tmp_path: Path) -> None:
    """`cwd://docker-bake.hcl` (bake's explicit local path), `${{ github.workspace }}/x.hcl`
    and `$CI_PROJECT_DIR` in a value are the checkout's (the marker once crashed the print)."""
    call = BakeCall(
        WORKFLOW,
        3,
        "b",
        "deploy",
        files=(Resolved("cwd://docker-bake.hcl"), Resolved(f"{WORKSPACE}/ci/extra.hcl")),
        sets=(Override("*.args.SRC", Resolved(f"{WORKSPACE}/src"), 4),),
        env=(("DOCKER_CONFIG", Resolved(f"{WORKSPACE}/.docker")),),
    )
    request = bake_request(call, tmp_path)
    assert isinstance(request, BakeRequest)
    assert request.args == (
        "-f",
        "docker-bake.hcl",
        "-f",
        "../ci/extra.hcl",
        "--set",
        f"*.args.SRC={tmp_path}/src",
    )
    assert request.env == (("DOCKER_CONFIG", f"{tmp_path}/.docker"),)


def test_each_target_is_a_build_of_its_dockerfile_with_its_arguments(tmp_path: Path) -> None:
    (tmp_path / "docker-bake.hcl").write_text(BAKE_FILE)
    call = BakeCall(
        WORKFLOW,
        14,
        "images",
        ".",
        targets=(Resolved("api"), Resolved("migrate"), Resolved("docs")),
        sets=(Override("api.args.GO_VERSION", Resolved(None, "GO_VERSION is a step's output"), 9),),
    )
    request = bake_request(call, tmp_path)
    assert isinstance(request, BakeRequest)
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
            passes_args="bake:api",
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
            passes_args="bake:migrate",
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
        sets=(Override("migrate.args.GO_VERSION", Resolved("1.19"), 32),),
        env=(
            ("GO_VERSION", Resolved("1.20", origins=(("env.GO_VERSION", WORKFLOW, 7),))),
            ("KIND_NODE", Resolved("0", origins=(("env.KIND_NODE", WORKFLOW, 8),))),
        ),
    )
    request = bake_request(call, tmp_path)
    assert isinstance(request, BakeRequest)
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
        ("GO_VERSION", "1.19", (("migrate.args.GO_VERSION", WORKFLOW, 32),)),
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
    request = bake_request(call, tmp_path)
    assert isinstance(request, BakeRequest)
    assert bake_image_builds(call, request, printed, tmp_path) == []


COMPOSE_STACK = """\
x-service: &migrations
  depends_on: ["${MIGRATOR:-migrate}"]
services:
  api:
    build: .
    image: registry.example.com/api:ci
    extends: {service: base}
  base:
    build: .
    <<: *migrations
  migrate:
    build: {context: ., dockerfile: migrate/Dockerfile}
    depends_on:
      db: {condition: service_healthy}
  db:
    image: postgres:16
  worker.jobs:
    build: {context: ., dockerfile: worker/Dockerfile}
  debug:
    build: {context: ., dockerfile: debug/Dockerfile}
    profiles: [debug]
"""
# What `docker buildx bake --print` gives for it: one target per service that builds, named
# with `.` as `_`.
STACK_TARGETS = {
    "target": {
        name: {"context": ".", "dockerfile": dockerfile}
        for name, dockerfile in [
            ("api", "Dockerfile"),
            ("base", "Dockerfile"),
            ("migrate", "migrate/Dockerfile"),
            ("worker_jobs", "worker/Dockerfile"),
            ("debug", "debug/Dockerfile"),
            ("seed", "seed/Dockerfile"),
        ]
    }
}


def test_a_compose_up_builds_what_it_starts(tmp_path: Path) -> None:
    """`docker compose up --build api` builds api's image and those of the services api waits
    for (`depends_on`, also through `extends`, interpolated, and added by a later `-f` file),
    not worker's: bake prints every service that builds, and only those `up` starts are CI
    builds. With `--no-deps` only api; without a name every service of an active profile."""
    (tmp_path / "compose.yaml").write_text(COMPOSE_STACK)
    (tmp_path / "compose.ci.yaml").write_text(
        "services:\n  migrate:\n    depends_on:\n      seed:\n"
        "        condition: service_completed_successfully\n"
        "  seed:\n    build: {context: ., dockerfile: seed/Dockerfile}\n"
    )
    (tmp_path / "compose.net.yaml").write_text("networks:\n  default:\n    name: ci\n")
    files = (Resolved("compose.yaml"), Resolved("compose.ci.yaml"), Resolved("compose.net.yaml"))
    call = BakeCall(
        WORKFLOW, 3, "it", ".", files, compose=True, started="up", rebuild=True,
        only=(Resolved("api"),),
    )  # fmt: skip

    def built(call: BakeCall) -> list[str]:
        request = bake_request(call, tmp_path)
        assert isinstance(request, BakeRequest)
        if call.started:  # every target: a service `up` starts may be an image-only one
            assert "api" not in request.args
        builds = bake_image_builds(call, request, STACK_TARGETS, tmp_path)
        return sorted(b.note.removeprefix("compose service ") for b in builds)

    assert built(call) == ["api", "migrate", "seed"]
    # Without --build too, on a runner without the images; api's `image:` may be a name only
    # this project makes, whose pull fails over to a build.
    assert built(replace(call, rebuild=False)) == ["api", "migrate", "seed"]
    assert built(replace(call, dependencies=False)) == ["api"]
    assert built(replace(call, files=files[:1])) == ["api", "migrate"]
    assert built(replace(call, env=(("MIGRATOR", Resolved("seed")),))) == ["api", "seed"]
    assert built(replace(call, only=(Resolved("worker.jobs"),))) == ["worker_jobs"]
    assert built(replace(call, only=(Resolved("worker.jobs debug"),))) == ["debug", "worker_jobs"]
    everything = ["api", "base", "migrate", "seed", "worker_jobs"]
    assert built(replace(call, only=())) == everything
    profiled = sorted([*everything, "debug"])
    assert built(replace(call, only=(), profiles=(Resolved("debug"),))) == profiled
    assert built(replace(call, only=(), env=(("COMPOSE_PROFILES", Resolved("ops,debug")),))) == (
        profiled
    )
    # COMPOSE_PROFILES from the project's .env, as compose reads it; one only the job knows
    # (or a --profile) may be any: every service counts.
    (tmp_path / ".env").write_text("COMPOSE_PROFILES=debug\n")
    assert built(replace(call, only=())) == profiled
    (tmp_path / ".env").unlink()
    unknown_profile = Resolved(None, "PROFILE is a step's output")
    assert len(built(replace(call, profiles=(unknown_profile,)))) == len(STACK_TARGETS["target"])
    job_only = (("COMPOSE_PROFILES", unknown_profile),)
    assert len(built(replace(call, env=job_only))) == len(STACK_TARGETS["target"])
    # `docker compose build` without names: the services of the active profiles as well.
    assert built(replace(call, started="", only=())) == everything
    # COMPOSE_FILE names the files where no -f does.
    chosen = (("COMPOSE_FILE", Resolved("compose.yaml:compose.ci.yaml")),)
    assert built(replace(call, files=(), env=chosen)) == ["api", "migrate", "seed"]
    # Files compose cannot read: every service bake printed counts.
    (tmp_path / "compose.yaml").write_text("services: [not, a, mapping]\n")
    (tmp_path / "compose.ci.yaml").write_text("services: [not, a, mapping]\n")
    assert len(built(call)) == len(STACK_TARGETS["target"])
    unknown = replace(call, only=(Resolved(None, "SERVICE is a step's output"),))
    assert bake_request(unknown, tmp_path) == (
        "which services it starts is only known when the job runs: SERVICE is a step's output"
    )


def test_a_compose_call_s_env_files_stand_in_for_the_project_s_env(tmp_path: Path) -> None:
    """`docker compose --env-file .env.ci up --build` interpolates the compose files from
    .env.ci (and a later env file over an earlier one), not from the project's .env: which
    services start (COMPOSE_PROFILES, a `depends_on` name) and where a build argument's value
    is written. An env file only the job knows, outside the checkout or not in it is a note:
    compose stops on a missing one, it does not read .env instead."""
    (tmp_path / "compose.yaml").write_text(COMPOSE_STACK)
    (tmp_path / ".env").write_text("COMPOSE_PROFILES=debug\nGO_VERSION=1.26.8\n")
    (tmp_path / ".env.ci").write_text("# CI\nMIGRATOR=seed\nGO_VERSION=1.22\n")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "late.env").write_text("MIGRATOR=migrate\nGO_VERSION=1.23\n")
    (tmp_path / "seed.yaml").write_text(
        "services:\n  seed:\n    build: {context: ., dockerfile: seed/Dockerfile}\n"
    )
    files = (Resolved("compose.yaml"), Resolved("seed.yaml"))
    call = BakeCall(
        WORKFLOW, 9, "it", ".", files, compose=True, started="up", rebuild=True,
        only=(Resolved("api"),), env_files=(Resolved(".env.ci"),),
    )  # fmt: skip

    def built(call: BakeCall, version: str) -> list[tuple[str, tuple[BuildArg, ...]]]:
        request = bake_request(call, tmp_path)
        assert isinstance(request, BakeRequest), request
        printed = {
            "target": {
                name: {**target, "args": {"GO_VERSION": version}}
                for name, target in STACK_TARGETS["target"].items()
            }
        }
        builds = bake_image_builds(call, request, printed, tmp_path)
        return [(b.note.removeprefix("compose service "), b.args) for b in builds]

    def go(version: str, file: str, line: int) -> tuple[BuildArg, ...]:
        written = f"GO_VERSION={version} (compose service api)"
        return (BuildArg("GO_VERSION", version, written, 9, origins=(("GO_VERSION", file, line),)),)

    # .env.ci's MIGRATOR: api waits for seed, not migrate.
    assert [name for name, _ in built(call, "1.22")] == ["api", "seed"]
    assert built(call, "1.22")[0] == ("api", go("1.22", ".env.ci", 3))
    later = replace(call, env_files=(Resolved(".env.ci"), Resolved("ci/late.env")))
    assert [name for name, _ in built(later, "1.23")] == ["api", "migrate"]
    assert built(later, "1.23")[0] == ("api", go("1.23", "ci/late.env", 2))
    # Without a name: .env's COMPOSE_PROFILES=debug does not count, .env.ci sets none.
    everything = ["api", "base", "migrate", "seed", "worker_jobs"]
    assert [name for name, _ in built(replace(call, only=()), "1.22")] == everything
    with_debug = sorted([*everything, "debug"])
    assert [name for name, _ in built(replace(call, only=(), env_files=()), "x")] == with_debug
    # An env file's `${X}` takes the job's value first, as compose reads it, for the profiles
    # too (the review: the raw `${CI_PROFILES:-none}` named no profile, so debug's build went
    # unread); a quoted value with a comment after it is the value in the quotes.
    (tmp_path / "profiles.env").write_text(
        'COMPOSE_PROFILES=${CI_PROFILES:-none}\nGO_VERSION="1.22" # keep in sync\n'
    )
    profiled = replace(
        call,
        only=(),
        env_files=(Resolved("profiles.env"),),
        env=(("CI_PROFILES", Resolved("debug")),),
    )
    assert [name for name, _ in built(profiled, "1.22")] == with_debug
    assert [name for name, _ in built(replace(profiled, env=()), "1.22")] == everything
    # The job's COMPOSE_ENV_FILES where no --env-file is given, from the folder it runs in.
    listed = (("COMPOSE_ENV_FILES", Resolved("../.env.ci")),)
    moved = replace(call, workdir="ci", files=(Resolved("../compose.yaml"),), env=listed)
    assert [name for name, _ in built(replace(moved, env_files=()), "1.22")] == ["api", "seed"]
    why = "ENV_FILE is a step's output"
    notes = {
        (Resolved("missing.env"),): "its env file missing.env (--env-file) is not in the "
        "checkout, and compose stops without it (an earlier step of the job may make it)",
        (Resolved(None, why),): f"which env file it reads is only known when the job runs: {why}",
        (Resolved("/etc/ci.env"),): "its env file /etc/ci.env (--env-file) is not a file of the "
        "checkout",
        (Resolved("~/ci.env"),): "its env file ~/ci.env (--env-file) is not a file of the checkout",
    }
    for env_files, note in notes.items():
        assert bake_request(replace(call, env_files=env_files), tmp_path) == note
    unknown = (("COMPOSE_ENV_FILES", Resolved(None, why)),)
    assert bake_request(replace(call, env_files=(), env=unknown), tmp_path) == (
        f"which env files it reads is only known when the job runs: {why}"
    )
    missing = (("COMPOSE_ENV_FILES", Resolved(".env.ci,ci/gone.env")),)
    assert bake_request(replace(call, env_files=(), env=missing), tmp_path) == (
        "its env file ci/gone.env (COMPOSE_ENV_FILES) is not in the checkout, and compose stops "
        "without it (an earlier step of the job may make it)"
    )
