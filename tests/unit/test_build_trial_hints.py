"""The pure parts behind four build failures a user trial found unclear: RUN mounts as written,
a missing bind-mount source, Go's inconsistent-vendoring lines, a flag newer than the
frontend, and secret/ssh mounts without a session (Engine API) or without `--secret` (buildx)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.diagnose import Diagnosis, explain
from pytest_goimage.build.vendor_drift import inconsistent_vendoring
from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.run_mounts import run_mounts
from tests.unit.test_diagnose import Recorded, _failed_build


def _explain(root: Path, files: dict[str, str], error: str, step: str | None = None) -> Diagnosis:
    """The diagnosis of a build of `files` (over test_diagnose's project, in `root`/shop) that
    ended with `error` (in `step`), without the `Full build log` line every message ends with."""
    root.mkdir(parents=True, exist_ok=True)
    diagnosis = explain(_failed_build(root, Recorded(step, error=error, files=files)))
    message = diagnosis.message.removesuffix(f"\nFull build log: {root / 'shop/build.log'}")
    return Diagnosis(message, diagnosis.cause)


# -- RUN --mount, as written ---------------------------------------------------------------


def test_run_mounts_read_type_source_and_required_as_buildkit_does() -> None:
    parsed = parse_dockerfile(
        "FROM alpine\n"
        "RUN --mount=type=cache,target=/root/.cache --mount=source=go.sum,target=go.sum "
        "--mount=type=SECRET,id=netrc,required --mount=type=ssh,required=false "
        "--mount=type=bind,src=cfg,from=build,target=/cfg --mount=type=secret,id=a,required=True"
        " true\n"
        "COPY --link a /a\n"
    )
    run, copy = parsed.instructions[1], parsed.instructions[2]
    mounts = run_mounts(run)
    assert [m.type for m in mounts] == ["cache", "bind", "secret", "ssh", "bind", "secret"]
    assert [m.source for m in mounts] == [".", "go.sum", ".", ".", "cfg", "."]
    assert [m.required for m in mounts] == [False, False, True, False, False, True]
    assert mounts[1].written == "--mount=source=go.sum,target=go.sum"
    assert mounts[4].option("from") == "build" and mounts[4].option("id") is None
    assert run_mounts(copy) == []


# -- a bind mount's source the context lacks ------------------------------------------------

BIND = "--mount=type=bind,source=go.sum,target=go.sum"
DOWNLOAD_STEP = f"[build 2/3] RUN {BIND} go mod download"
NOT_FOUND = 'failed to compute cache key: "/go.sum" not found: not found'


def test_a_bind_mounted_go_sum_of_a_module_with_dependencies_says_tidy(tmp_path: Path) -> None:
    files = {
        "Dockerfile": f"FROM golang:1.26-alpine AS build\nWORKDIR /src\nRUN {BIND} go mod download\n",
        "go.mod": "module example.com/x\n\ngo 1.26\n\nrequire (\n\texample.com/y v1.0.0\n)\n",
    }
    assert _explain(tmp_path, files, NOT_FOUND, DOWNLOAD_STEP) == Diagnosis(
        f"Dockerfile:3: this RUN bind-mounts go.sum (`{BIND}`), and the build context '.' "
        f"({tmp_path / 'shop'}) has no go.sum. A module with dependencies needs one: run `go mod tidy` "
        "and commit go.sum (a module with no dependencies has none: then drop that mount).",
        "copy-outside-context",
    )


def test_a_bind_mount_source_kept_out_or_missing_is_named_with_its_run(tmp_path: Path) -> None:
    mount = "--mount=type=bind,source=config/app.yaml,target=/etc/app.yaml"
    step = f"[2/2] RUN {mount} cat /etc/app.yaml"
    dockerfile = f"FROM alpine:3.22\nRUN {mount} cat /etc/app.yaml\n"
    error = 'failed to compute cache key: "/config/app.yaml" not found: not found'
    missing = _explain(tmp_path / "missing", {"Dockerfile": dockerfile}, error, step)
    assert missing.message == (
        f"Dockerfile:2: this RUN bind-mounts 'config/app.yaml' from the build context "
        f"(`{mount}`), and the build context '.' ({tmp_path / 'missing/shop'}) has no "
        "config/app.yaml. Create or commit it, or fix the mount's source (a path in the build "
        "context)."
    )
    files = {"Dockerfile": dockerfile, "config/app.yaml": "a: 1\n", ".dockerignore": "config\n"}
    kept_out = _explain(tmp_path / "ignored", files, error, step)
    assert kept_out.message.startswith(
        "Dockerfile:2: RUN bind-mount source 'config/app.yaml' exists in "
        f"{tmp_path / 'ignored/shop'}, but `.dockerignore:1: config` keeps it out of the build "
        "context '.'"
    )


# -- go: inconsistent vendoring ------------------------------------------------------------


def test_inconsistent_vendoring_keeps_the_lines_under_go_header() -> None:
    raw = (
        "go: downloading nothing\n"
        "go: inconsistent vendoring in /src:\n"
        "\texample.com/dep@v1.1.0: is explicitly required in go.mod, but not marked as explicit "
        "in vendor/modules.txt\n"
        "\t\n"
        "\tTo sync the vendor directory, run:\n"
        "\t\tgo mod vendor\n"
        "an unrelated line\n"
        "\tnot Go's\n"
    )
    expected = [
        "go: inconsistent vendoring in /src:",
        "    example.com/dep@v1.1.0: is explicitly required in go.mod, but not marked as "
        "explicit in vendor/modules.txt",
        "    To sync the vendor directory, run:",
        "        go mod vendor",
    ]
    assert inconsistent_vendoring(raw) == expected
    # As buildx's --progress=plain shows a step's output.
    plain = "".join(f"#11 0.412 {line}\n" if line else "#11 0.412\n" for line in raw.split("\n"))
    assert inconsistent_vendoring(plain) == expected
    # The one step-output prefix reader (failed_build.step_output) also takes it without time.
    untimed = "".join(f"#11 {line}\n" for line in raw.split("\n"))
    assert inconsistent_vendoring(untimed) == expected
    assert inconsistent_vendoring("go: cannot find main module\n") is None


# -- a flag newer than the frontend ---------------------------------------------------------

PARSE = "failed to solve with frontend dockerfile.v0: failed to create LLB definition: "


@pytest.mark.parametrize(
    ("dockerfile", "said", "advice"),
    [
        (
            "FROM alpine:3.22\nRUN --network=none \\\n    true\n",
            "dockerfile parse error line 2: Unknown flag: network",
            "`RUN --network` is valid Dockerfile syntax, but this engine's built-in Dockerfile "
            "frontend knows it only with `# syntax=docker/dockerfile:1.3` (or later) as the "
            "first line (Docker 23 and later know it without it), so it refused the flag. Add "
            "that line where the engine can pull docker/dockerfile, or drop `--network`.",
        ),
        (
            "# syntax=docker/dockerfile:1.2\nFROM alpine:3.22\nCOPY --link a /a\n",
            "failed to solve with frontend gateway.v0: rpc error: code = Unknown desc = "
            "dockerfile parse error on line 3: unknown flag: link",
            "`COPY --link` is valid Dockerfile syntax, but the frontend the "
            "`# syntax=docker/dockerfile:1.2` directive (Dockerfile:1) names does not know it, "
            "so it refused the flag. Name docker/dockerfile:1.4 or later in that directive "
            "(`docker/dockerfile:1` is the newest 1.x), or drop `--link`.",
        ),
        (
            "FROM alpine:3.22\nCOPY --lnik a /a\n",
            "dockerfile parse error line 2: Unknown flag: lnik",
            "Fix the instruction on that line.",
        ),
        (
            # `--link` named, but no instruction on that line has it: no claim about it.
            "FROM alpine:3.22\nCOPY a /a\n",
            "dockerfile parse error line 2: Unknown flag: link",
            "Fix the instruction on that line.",
        ),
    ],
    ids=["run-network", "old-syntax-directive", "a-typo", "not-on-that-line"],
)
def test_an_unknown_flag_newer_than_the_frontend_names_the_syntax_that_has_it(
    tmp_path: Path, dockerfile: str, said: str, advice: str
) -> None:
    diagnosis = _explain(tmp_path, {"Dockerfile": dockerfile}, PARSE + said)
    assert diagnosis.cause == "dockerfile-syntax"
    assert diagnosis.message.endswith(f". {advice}"), diagnosis.message


# -- secret and ssh mounts ------------------------------------------------------------------

SECRET_SSH = (
    "FROM golang:1.26-alpine\nWORKDIR /src\n"
    "RUN --mount=type=secret,id=netrc,target=/root/.netrc,required "
    "--mount=type=ssh,id=github go mod download\n"
)
SECRET_SSH_STEP = (
    "[3/3] RUN --mount=type=secret,id=netrc,target=/root/.netrc,required "
    "--mount=type=ssh,id=github go mod download"
)
BUILDX_ADVICE = (
    "Make the build work without it: vendor the private modules (`go mod vendor`, commit "
    "vendor/) so no step needs credentials, or, where the step works without them, drop "
    "`required=true` from the mount: BuildKit then skips it."
)


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        ("secret netrc not found: not found", "secret netrc not found"),
        ("rpc error: code = Unknown desc = unset ssh forward key github", "unset ssh forward key"),
    ],
    ids=["secret", "ssh"],
)
def test_buildx_without_secret_or_ssh_says_none_was_passed(
    tmp_path: Path, error: str, refused: str
) -> None:
    """buildx has a session, but pytest-goimage gives it no --secret/--ssh: a required mount
    fails there with BuildKit's own words (which also end like a missing base image's)."""
    diagnosis = _explain(tmp_path, {"Dockerfile": SECRET_SSH}, error, SECRET_SSH_STEP)
    assert diagnosis == Diagnosis(
        "Dockerfile:3: this RUN's `--mount=type=secret,id=netrc,target=/root/.netrc,required` "
        "`--mount=type=ssh,id=github` requires a build secret (id netrc) and the SSH agent (id "
        "github), and pytest-goimage passes `docker buildx build` no `--secret` or `--ssh`, so "
        f'BuildKit has none to mount ("{refused}"). {BUILDX_ADVICE}',
        "secret-ssh-mount",
    )


def test_no_session_without_a_step_names_the_first_secret_mount(tmp_path: Path) -> None:
    """Where no step reported the error, the Dockerfile's first secret/ssh mount is named; a
    secret mount without an id is named by its target, as BuildKit names it."""
    dockerfile = (
        "FROM alpine:3.22\nRUN --mount=type=cache,target=/c true\n"
        "RUN --mount=type=secret,target=/run/secrets/token true\n"
    )
    message = _explain(tmp_path, {"Dockerfile": dockerfile}, "no active sessions").message
    assert message.startswith(
        "Dockerfile:3: this RUN's `--mount=type=secret,target=/run/secrets/token` asks BuildKit "
        "for a build secret (id token), and pytest-goimage's build has no BuildKit session"
    ), message
    # Without a secret or ssh mount, "no active sessions" is not explained by one.
    plain = {"Dockerfile": "FROM alpine:3.22\nRUN true\n"}
    assert _explain(tmp_path / "plain", plain, "no active sessions").cause == "step-failed"
