"""`secrets` and `user` on real images: what a pull of the image would give away."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import go_app, outcomes, shared_dir
from tests.unit.test_secrets_scan import FAKE_KEY, SECRET


@pytest.fixture
def leaky(pytester: pytest.Pytester) -> Path:
    root = pytester.path
    go_app(root)
    (root / "id_rsa").write_bytes(FAKE_KEY)
    (root / "id_rsa.pub").write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFak3 ci@example\n")
    (root / "dot.env").write_text(f"DB_PASSWORD={SECRET}\n")
    # A GCP service account key as teams copy it in: the private key inside JSON.
    sa_key = FAKE_KEY.decode().replace("\n", "\\n")
    (root / "service-account.json").write_text(
        f'{{"type": "service_account", "private_key": "{sa_key}"}}\n'
    )
    # Trial 17: staging secrets baked where a `*_FILE` variable points; an empty placeholder
    # there is none.
    (root / "secrets").mkdir()
    (root / "secrets" / "s3_secret").write_text("Hq2-staging-s3-77Lm\n")
    (root / "secrets" / "redis_url").write_text("redis://:Pk7-staging-39@redis.internal:6379/0\n")
    (root / "secrets" / "placeholder").write_text("")
    # Trial 12: a password written into the service's own YAML, beside one read from the env.
    (root / "config.yaml").write_text(
        "database:\n  host: orders-db.internal\n  user: orders\n  password: Ord3rs-Pg-pw77\n"
        "cache:\n  password: ${REDIS_PASSWORD}\n"
    )
    # An INI file as go-ini reads it (Gitea's app.ini), and one in the OS's own form in /etc/,
    # whose `passwd: files` names a lookup source, not a password.
    (root / "app.ini").write_text(
        "[database]\nHOST = pg.internal:5432\nUSER = forge\nPASSWD = `Fg9-Ini-pw41`\n"
    )
    (root / "nsswitch.conf").write_text("passwd: files\ngroup: files\n")
    (root / "Dockerfile").write_text(
        "FROM alpine:3.22\n"
        "COPY secrets/ /run/secrets/\n"
        "COPY app.ini /etc/forge/app.ini\n"
        "COPY nsswitch.conf /etc/nsswitch.conf\n"
        "ARG NPM_TOKEN\n"
        'RUN test -n "$NPM_TOKEN"\n'
        f"ENV API_TOKEN={SECRET}\n"
        "COPY id_rsa /root/.ssh/id_rsa\n"
        # The README's `id_*`: a key named for its use (a false pass), not its public half.
        "COPY id_rsa /root/.ssh/id_github\n"
        "COPY id_rsa.pub /root/.ssh/id_github.pub\n"
        "COPY dot.env /app/.env\n"
        "COPY id_rsa /tmp/build/id_ed25519\n"
        "RUN rm -rf /tmp/build\n"
        "COPY service-account.json /app/config/\n"
        "COPY config.yaml /etc/ordersvc/config.yaml\n"
        f'LABEL org.opencontainers.image.source="https://deploy:{GITHUB_TOKEN}@git.example.com/app"\n'
        'CMD ["--sentry-dsn", "https://k3y:s3cr3tpart@sentry.example.com/4"]\n'
        'COPY app /app/app\nENTRYPOINT ["/app/app"]\n'
    )
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\nrequire_non_root = true\nbuild_args = {{ NPM_TOKEN = "{SECRET}" }}\n'
    )
    return root


def test_leaky_image(pytester: pytest.Pytester, leaky: Path) -> None:
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "secrets or user")
    result.assert_outcomes(failed=2, deselected=10)  # metadata, provenance, parity too
    out = result.stdout.str()
    assert SECRET not in out, "a secret value was printed"
    assert re.search(r"ships 13 secret-looking value\(s\)", out), out
    mounted = (
        ": is in the folder where Docker and Kubernetes mount secrets at run time; baked in, it "
        "ships in the image: mount it at run time (compose `secrets:`, a Kubernetes Secret) instead"
    )
    assert f"file /run/secrets/s3_secret{mounted}" in out, out
    assert f"file /run/secrets/redis_url{mounted}" in out, out
    assert "Hq2-staging" not in out and "Pk7-staging" not in out, out
    assert GITHUB_TOKEN not in out and "s3cr3tpart" not in out, out
    assert (
        "LABEL org.opencontainers.image.source: value *** (75 characters) looks like a GitHub "
        "token and is in the image config (`docker inspect` shows it)"
    ) in out, out
    assert (
        "CMD word 2: value *** (43 characters) looks like a password in a URL and is in the "
        "image config"
    ) in out, out
    assert "ENV API_TOKEN: value *** (21 characters) is baked into the image config" in out
    assert (
        "build argument NPM_TOKEN: value *** (21 characters) is recorded in the image history"
        in out
    )
    assert "file /root/.ssh/id_rsa: holds a private key" in out
    assert "file /root/.ssh/id_github: holds a private key" in out
    assert "file /app/.env: is a .env file with secret-looking values" in out
    assert "file /app/config/service-account.json: holds a private key" in out
    assert (
        "file /etc/ordersvc/config.yaml: writes credentials in as values (`database.password`); "
        "read them from the environment or a secret mounted at run time"
    ) in " ".join(out.split()), out
    assert "Ord3rs-Pg-pw77" not in out
    assert (
        "file /etc/forge/app.ini: writes credentials in as values (`database.PASSWD`); read them "
        "from the environment or a secret mounted at run time"
    ) in " ".join(out.split()), out
    assert "Fg9-Ini" not in out
    assert "file /etc/nsswitch.conf" not in out, out
    # Removed by a later layer, but still in the image (round 9 trial's false pass).
    flat = " ".join(out.split())
    assert re.search(
        r"file /tmp/build/id_ed25519: holds a private key: added in layer \d+ of \d+ by `COPY "
        r"id_rsa /tmp/build/id_ed25519`; a later layer deleted it, but the image still ships "
        r"that layer to every pull",
        flat,
    ), flat
    assert "runs as root (no USER instruction); add a non-root `USER 65532:65532`" in out


def test_secrets_can_be_switched_off(pytester: pytest.Pytester, leaky: Path) -> None:
    (leaky / "pyproject.toml").write_text("[tool.goimage]\nsecrets = false\n")
    result = pytester.runpytest_subprocess("--goimage", "-rs", "-k", "secrets or user")
    result.assert_outcomes(skipped=2, deselected=10)  # metadata, provenance, parity too
    result.stdout.fnmatch_lines(
        ["*secrets = false in [[]tool.goimage[]]*", "*require_non_root is not set*"]
    )


def test_findings_a_team_accepts_by_path_or_name_leave_the_rest_failing(
    pytester: pytest.Pytester, leaky: Path
) -> None:
    """One accepted finding must not make a team switch the whole check off: `secrets_ignore`
    takes out what its entries name (a path's `**` crosses folders, and a file a later layer
    deleted is named by its path too), the rest still fails, and a stale entry is pointed at."""
    (leaky / "pyproject.toml").write_text(
        "[tool.goimage]\nrequire_non_root = true\n"
        f'build_args = {{ NPM_TOKEN = "{SECRET}" }}\n'
        'secrets_ignore = ["/etc/forge/**", "API_TOKEN", "CMD word 2", "/tmp/build/*", '
        '"/etc/gone.conf"]\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "secrets")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert SECRET not in flat
    assert "ships 9 secret-looking value(s)" in flat, flat
    assert (
        "secrets_ignore accepted 4 finding(s): ENV API_TOKEN, CMD word 2, file "
        "/etc/forge/app.ini, file /tmp/build/id_ed25519; secrets_ignore entries that matched no "
        "finding (remove them, or they hide whatever comes to carry that name): '/etc/gone.conf'"
    ) in flat, flat
    assert "file /root/.ssh/id_rsa: holds a private key" in flat
    assert "ENV API_TOKEN: value" not in flat
    assert "file /etc/forge/app.ini: writes" not in flat

    # Every finding accepted: the check passes and its result names them.
    (leaky / "pyproject.toml").write_text(
        "[tool.goimage]\n"
        f'build_args = {{ NPM_TOKEN = "{SECRET}" }}\n'
        'secrets_ignore = ["/etc/**", "/app/**", "/root/.ssh/*", "/run/secrets/*", '
        '"/tmp/build/*", "API_TOKEN", "NPM_TOKEN", "CMD word 2", '
        '"LABEL org.opencontainers.image.source"]\n'
    )
    report = leaky / "report.json"
    passed = pytester.runpytest_subprocess(
        "--goimage", "-k", "secrets", f"--goimage-report={report}"
    )
    passed.assert_outcomes(passed=1, deselected=11)
    (image,) = json.loads(report.read_text())["images"]
    result_text = image["checks"]["secrets"]["message"]
    assert result_text.startswith("nothing secret-looking in "), result_text
    assert "secrets_ignore accepted 13 finding(s): ENV API_TOKEN, build argument NPM_TOKEN" in (
        result_text
    ), result_text
    assert SECRET not in report.read_text()


# Secret by name and by format, by name only, and by format only (a password in a URL).
GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
DEPLOY_PASSWORD = "plain-Passw0rd-42"
MIRROR_PASSWORD = "Mirr0r-Pw-77"
BUILD_SECRETS = (GITHUB_TOKEN, DEPLOY_PASSWORD, MIRROR_PASSWORD)
# BuildKit records the RUN's build arguments (`RUN |3 GITHUB_TOKEN=... <shell> ...`) under
# every shell; the alpine:3.22 stand-in is busybox, which has sh and ash but no bash.
RUN_FORMS = {
    "Dockerfile.sh": "RUN dd if=/dev/zero of=/blob bs=1k count=3000",
    "Dockerfile.pipefail": 'SHELL ["/bin/sh", "-o", "pipefail", "-c"]\n'
    "RUN dd if=/dev/zero bs=1k count=3000 | cat > /blob",
    "Dockerfile.ash": 'SHELL ["/bin/ash", "-c"]\nRUN dd if=/dev/zero of=/blob bs=1k count=3000',
    "Dockerfile.exec": 'RUN ["/bin/dd", "if=/dev/zero", "of=/blob", "bs=1k", "count=3000"]',
}


def test_build_argument_secrets_are_masked_in_every_output(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, no_leaks: None
) -> None:
    """A failing `size` lists layer instructions, which carry the RUN's build arguments; a
    failing custom test shows the fixtures' reprs. No output of the run holds a secret."""
    root = pytester.path
    (root / "go.mod").write_text("module example.com/masked\n\ngo 1.26\n")
    for name, run in RUN_FORMS.items():
        (root / name).write_text(
            f"FROM alpine:3.22\nARG GITHUB_TOKEN\nARG DEPLOY_PASSWORD\nARG MIRROR_URL\n{run}\n"
        )
    (root / "pyproject.toml").write_text(
        "[tool.goimage]\n"
        f"dockerfiles = {json.dumps(list(RUN_FORMS))}\n"
        'size_budget = "1MB"\n'
        "[tool.goimage.build_args]\n"
        f'GITHUB_TOKEN = "{GITHUB_TOKEN}"\n'
        f'DEPLOY_PASSWORD = "{DEPLOY_PASSWORD}"\n'
        f'MIRROR_URL = "https://ci:{MIRROR_PASSWORD}@mirror.invalid/"\n'
    )
    pytester.makepyfile(
        test_custom="""
        def test_no_build_arguments_recorded(goimage):
            assert "|3 " not in goimage.layers[-1].created_by

        def test_no_build_arguments(goimage_config):
            assert goimage_config.images[0].build_args == {}
        """
    )
    summary = root / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = pytester.runpytest_subprocess(
        "--goimage",
        "-v",
        "-rA",
        "-k",
        "build or size or secrets or test_no_build",
        f"--goimage-report={root / 'report.json'}",
        f"--junitxml={root / 'junit.xml'}",
    )
    # Per image build passes, size and secrets fail; test_no_layers fails per image.
    result.assert_outcomes(passed=4, failed=13, deselected=33)  # metadata, provenance x4, parity
    out = result.stdout.str()
    # The failures that used to print the secrets are there, masked.
    assert out.count("is over the size_budget of 1.0 MB") >= len(RUN_FORMS), out
    assert "GITHUB_TOKEN=*** DEPLOY_PASSWORD=*** MIRROR_URL=*** /bin/sh -o pipefail -c" in out
    outputs = {
        "stdout": out,
        "stderr": result.stderr.str(),
        "report.json": (root / "report.json").read_text(),
        "junit.xml": (root / "junit.xml").read_text(),
        "step summary": summary.read_text(),
    }
    run_folder = shared_dir(result)
    logs = [path for path in run_folder.rglob("*") if path.is_file()]
    assert any(path.name.endswith(".build.log") for path in logs), logs
    outputs.update({str(path): path.read_text(errors="replace") for path in logs})
    leaks = [
        f"{where} holds {secret[:6]}..."
        for where, text in outputs.items()
        for secret in BUILD_SECRETS
        if secret in text
    ]
    assert leaks == []


def test_minio_secret_key_a_service_logs_is_masked(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The configuration holds only `{minio.secret_key}`; the value exists once MinIO starts.
    A service that logs its settings and exits prints it, and the health failure shows that
    log: every output masks it, as it masks the configuration's secrets."""
    root = pytester.path
    (root / "go.mod").write_text("module example.com/logs\n\ngo 1.26\n")
    (root / "main.go").write_text(
        'package main\n\nimport (\n\t"log"\n\t"os"\n)\n\n'
        "func main() {\n"
        '\tlog.Printf("storage key=%s secret=%s", os.Getenv("S3_KEY"), os.Getenv("S3_SECRET"))\n'
        '\tlog.Printf("fatal: no database")\n'
        "\tos.Exit(3)\n}\n"
    )
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
    subprocess.run(["go", "build", "-o", "app", "."], cwd=root, env=env, check=True)
    (root / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app/app\nEXPOSE 8080\nENTRYPOINT ["/app/app"]\n'
    )
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\nstartup_timeout = "20s"\n'
        '[tool.goimage.env]\nS3_KEY = "{minio.access_key}"\nS3_SECRET = "{minio.secret_key}"\n'
    )
    keys = root / "keys.txt"
    pytester.makepyfile(
        test_keys=f"""
        def test_record_the_secret_key(goimage_minio):
            open({str(keys)!r}, "w").write(goimage_minio.secret_key)

        def test_record_compares_the_secret_key(goimage_minio):
            # pytest shortens the key to `head...tail` in the explanation (round 9's leak).
            assert goimage_minio.secret_key == "expected"
        """
    )
    result = pytester.runpytest_subprocess(
        "--goimage",
        "-v",
        "-rA",
        "-k",
        "health or test_record",
        f"--goimage-report={root / 'report.json'}",
        f"--junitxml={root / 'junit.xml'}",
    )
    result.assert_outcomes(passed=1, failed=2, deselected=11)
    secret_key = keys.read_text()
    assert len(secret_key) >= 24, secret_key
    out = result.stdout.str()
    assert "storage key=goimage" in out and "secret=***" in out, out  # the failure shows the log
    outputs = {
        "stdout": out,
        "stderr": result.stderr.str(),
        "report.json": (root / "report.json").read_text(),
        "junit.xml": (root / "junit.xml").read_text(),
    }
    assert [where for where, text in outputs.items() if secret_key in text] == []
    assert "assert '***...***' == 'expected'" in out, out
    ends = (secret_key[:8], secret_key[-8:])
    assert [where for where, text in outputs.items() if any(e in text for e in ends)] == []


def module_proxy(folder: Path, modules: dict[str, str]) -> None:
    """A GOPROXY as files (`GOPROXY=file:///proxy`): each module at v1.0.0, holding a private
    key at the path given, for `go mod download` without a network."""
    for module, key in modules.items():
        versions = folder / module / "@v"
        versions.mkdir(parents=True)
        (versions / "list").write_text("v1.0.0\n")
        (versions / "v1.0.0.info").write_text('{"Version":"v1.0.0"}\n')
        (versions / "v1.0.0.mod").write_text(f"module {module}\n")
        with zipfile.ZipFile(versions / "v1.0.0.zip", "w") as archive:
            archive.writestr(f"{module}@v1.0.0/go.mod", f"module {module}\n")
            archive.writestr(f"{module}@v1.0.0/{key}", FAKE_KEY)


GO_MOD_DOWNLOAD = "GOPROXY=file:///proxy GOSUMDB=off GOTOOLCHAIN=local go mod download"
GOLANG_SINGLE_STAGE = (
    "FROM golang:1.26-alpine\n"
    "COPY proxy /proxy\n"
    f"RUN {GO_MOD_DOWNLOAD} example.com/certs@v1.0.0\n"
    "WORKDIR /app\n"
    'COPY app /app/app\nENTRYPOINT ["/app/app"]\n'
)


def test_go_itself_ships_no_secret_of_the_team(pytester: pytest.Pytester) -> None:
    """A user trial: a single-stage image FROM golang failed on the Go distribution's own test
    keys (/usr/local/go/src/crypto/tls/testdata/example-key.pem, ...). Those, and a public
    module's test key in the module cache, are left out and said to be; a key the team copies
    into /app or into the Go tree, or one of its private modules (GONOSUMDB), still fails."""
    root = pytester.path
    go_app(root)
    module_proxy(
        root / "proxy",
        {"example.com/certs": "testdata/server.key", "example.com/acme/keys": "prod/server.key"},
    )
    (root / "team-key.pem").write_bytes(FAKE_KEY)
    (root / "Dockerfile.tutorial").write_text(GOLANG_SINGLE_STAGE)
    (root / "Dockerfile.team").write_text(
        GOLANG_SINGLE_STAGE
        + f"RUN GONOSUMDB=example.com/acme {GO_MOD_DOWNLOAD} example.com/acme/keys@v1.0.0\n"
        "COPY team-key.pem /app/key.pem\n"
        "COPY team-key.pem /usr/local/go/src/app/key.pem\n"
    )
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile.tutorial", "Dockerfile.team"]\n'
    )
    report = root / "report.json"
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "secrets", f"--goimage-report={report}"
    )
    out = result.stdout.str()
    assert outcomes(result) == {
        "Dockerfile.tutorial::secrets": "PASSED",
        "Dockerfile.team::secrets": "FAILED",
    }, out
    left_out = (
        "Left out 3 secret-looking file(s) that ship with Go, not with the team: 2 in "
        "/usr/local/go/src (the Go toolchain's source), 1 in /go/pkg/mod/example.com/certs@v1.0.0 "
        "(a downloaded module); a module's testdata/ counts once GOPRIVATE or GONOSUMDB names "
        "the module"
    )
    messages = {
        image["dockerfile"]: image["checks"]["secrets"]["message"]
        for image in json.loads(report.read_text())["images"]
    }
    assert messages["Dockerfile.tutorial"].endswith(f" key-like file(s). {left_out}"), messages
    failure = messages["Dockerfile.team"]
    assert "ships 3 secret-looking value(s)" in failure, failure
    assert failure.endswith(
        "in `secrets_ignore` by its path or name, as shown here:\n"
        "    file /app/key.pem: holds a private key\n"
        "    file /go/pkg/mod/example.com/acme/keys@v1.0.0/prod/server.key: holds a private key\n"
        "    file /usr/local/go/src/app/key.pem: holds a private key\n"
        f"{left_out}"
    ), failure


LINKED_KEY = "Lk9pQ2wX7vR4tB8nM3sD6fH1"  # by name only: no vendor format masks it


def test_a_key_linked_in_by_ldflags_is_found_in_the_binary_and_the_history(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 14's false pass: `go build -ldflags "-X main.apiKey=..."` linked a key into the
    binary; `go version -m` shows it, and the step's command stays in `docker history`. With
    -trimpath Go records no -ldflags, so the history is where it is read then. The key shows
    in no output (terminal, JSON report, JUnit XML)."""
    root = pytester.path
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (root / "main.go").write_text('package main\n\nvar apiKey = ""\n\nfunc main() { _ = apiKey }\n')
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
    subprocess.run(
        ["go", "build", "-ldflags", f"-s -w -X main.apiKey={LINKED_KEY}", "-o", "app", "."],
        cwd=root,
        env=env,
        check=True,
    )
    subprocess.run(["go", "build", "-o", "clean", "."], cwd=root, env=env, check=True)
    (root / "Dockerfile").write_text('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (root / "Dockerfile.source").write_text(
        "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY go.mod main.go ./\n"
        f'RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.apiKey={LINKED_KEY}" -o /app .\n'
        'FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    )
    (root / "Dockerfile.clone").write_text(
        "FROM alpine:3.22\nRUN echo https://ci:Pw7-clone-s3cret@git.example.com/app.git >/dev/null\n"
        'COPY clean /app\nENTRYPOINT ["/app"]\n'
    )
    (root / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile", "Dockerfile.source", "Dockerfile.clone"]\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "secrets", "--goimage-report=report.json", "--junitxml=j.xml"
    )
    assert outcomes(result) == {
        "Dockerfile::secrets": "FAILED",
        "Dockerfile.source::secrets": "FAILED",
        "Dockerfile.clone::secrets": "FAILED",
    }, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*binary /app -X main.apiKey: value [*][*][*] (24 characters) is linked into the Go binary "
            "by -ldflags -X (`go version -m` and `strings` show it); read it from the environment "
            "or a mounted file at run time instead",
            "*binary /app -X main.apiKey: value [*][*][*] (24 characters) is linked into the Go binary "
            "by the -ldflags -X of the `go build` at Dockerfile.source:4 (`strings` shows it); read "
            "it from the environment or a mounted file at run time instead",
            "*history `RUN echo https://ci:***@git.example.com/app.git >/dev/null`: value "
            "[*][*][*] (16 characters) looks like a password in a URL and is written in a build step's "
            "command (`docker history --no-trunc` shows it); pass it with `RUN "
            "--mount=type=secret` instead, or at run time",
        ]
    )
    outputs = [
        result.stdout.str(),
        (root / "report.json").read_text(),
        (root / "j.xml").read_text(),
    ]
    assert all(LINKED_KEY not in o and "Pw7-clone" not in o for o in outputs)
    # The clone image's binary was built without a key: its one finding is the history's.
    assert result.stdout.str().count("binary /app -X main.apiKey") == 2


def test_a_key_a_trimpath_build_links_from_a_variable_or_a_file_is_found(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A -trimpath build records no -ldflags, so the Dockerfile's `go build` is read: its
    `-X main.apiKey=${BUILD_STAMP}` takes the ARG's default (a name that says nothing, so the
    history's build argument is no finding by itself), `$LDFLAGS` a whole flag list with the
    key, and `$(cat api.key)` a file only the builder stage holds, which the image's files
    never show. Each binary holds the key; none of the outputs does."""
    root = pytester.path
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (root / "main.go").write_text('package main\n\nvar apiKey = ""\n\nfunc main() { _ = apiKey }\n')
    (root / "api.key").write_text(LINKED_KEY)
    build = "RUN CGO_ENABLED=0 go build -trimpath -ldflags {flags} -o /app .\n"
    final = 'FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    head = "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY go.mod main.go api.key ./\n"
    (root / "Dockerfile.arg").write_text(
        head
        + f"ARG BUILD_STAMP={LINKED_KEY}\n"
        + build.format(flags='"-s -w -X main.apiKey=${BUILD_STAMP}"')
        + final
    )
    (root / "Dockerfile.flags").write_text(
        head
        + f'ARG LDFLAGS="-s -w -X main.apiKey={LINKED_KEY}"\n'
        + build.format(flags='"$LDFLAGS"')
        + final
    )
    (root / "Dockerfile.file").write_text(
        head + build.format(flags='"-X main.apiKey=$(cat api.key)"') + final
    )
    # Without -trimpath the build info records the -X as this build linked it: empty, as the
    # plugin's build has no such secret file (a review's false pass); CI's build, which mounts
    # one there, links the key.
    (root / "Dockerfile.mount").write_text(
        head
        + "RUN CGO_ENABLED=0 go build -ldflags "
        + '"-X main.apiKey=$(cat /run/secrets/api_key 2>/dev/null)" -o /app .\n'
        + final
    )
    (root / "pyproject.toml").write_text(
        "[tool.goimage]\ndockerfiles = "
        '["Dockerfile.arg", "Dockerfile.flags", "Dockerfile.file", "Dockerfile.mount"]\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "secrets", "--goimage-report=report.json"
    )
    assert outcomes(result) == {
        "Dockerfile.arg::secrets": "FAILED",
        "Dockerfile.flags::secrets": "FAILED",
        "Dockerfile.file::secrets": "FAILED",
        "Dockerfile.mount::secrets": "FAILED",
    }, result.stdout.str()
    linked = (
        "*binary /app -X main.apiKey: value [*][*][*] (24 characters) is linked into the Go binary by "
        "the -ldflags -X of the `go build` at Dockerfile.{name}:5 (`strings` shows it); read it "
        "from the environment or a mounted file at run time instead"
    )
    result.stdout.fnmatch_lines(
        [
            linked.format(name="arg"),
            linked.format(name="flags"),
            "*binary /app -X main.apiKey: is set to `$(cat api.key)` by the -ldflags of the `go "
            "build` at Dockerfile.file:4: what that reads at build time is linked into the Go "
            "binary (`strings` shows it); read it from the environment or a mounted file at run "
            "time instead",
            "*binary /app -X main.apiKey: is set to a command's output (`$(...)`) by the -ldflags "
            "of the `go build` at Dockerfile.mount:4: *",
        ]
    )
    # Each image's one finding: the history's build argument is the binary's value, not repeated.
    assert result.stdout.str().count("ships 1 secret-looking value(s)") == 4
    outputs = [result.stdout.str(), (root / "report.json").read_text()]
    assert all(LINKED_KEY not in o for o in outputs)


def test_secrets_written_in_a_build_step_are_masked_in_every_output(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A review: the secrets finding masked `PGPASSWORD=...` and `--db-password=...`, but the
    build's progress, the size failure's largest layers, the JSON report and the build log
    showed them, and a quoted `-X` value with spaces was masked up to its first space."""
    root = pytester.path
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (root / "main.go").write_text(
        'package main\n\nvar signingPassphrase = ""\n\nfunc main() { _ = signingPassphrase }\n'
    )
    (root / "Dockerfile").write_text(
        "FROM golang:1.26.8-alpine AS build\nWORKDIR /src\nCOPY go.mod main.go ./\n"
        "RUN CGO_ENABLED=0 go build -ldflags "
        "\"-s -w -X 'main.signingPassphrase=correct horse battery staple'\" -o /app .\n"
        "FROM alpine:3.22\n"
        "RUN PGPASSWORD=Hunter2Hunter2x true && true --db-password=Sw0rdf1shSw0rd\n"
        "COPY --from=build /app /app\n"
        'ENTRYPOINT ["/app"]\n'
    )
    (root / "pyproject.toml").write_text('[tool.goimage]\nsize_budget = "1MB"\n')
    result = pytester.runpytest_subprocess(
        "--goimage",
        "-v",
        "-k",
        "secrets or size",
        "--goimage-report=report.json",
        "--junitxml=junit.xml",
    )
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"secrets": "FAILED", "size": "FAILED"}, out
    assert "Largest layers:" in out and "RUN PGPASSWORD=*** true && true --db-password=***" in out
    logs = re.search(r"goimage: build logs in (\S+)", out)
    assert logs is not None, out
    build_logs = [p.read_text() for p in Path(logs.group(1)).rglob("*") if p.is_file()]
    assert any("signingPassphrase=***'" in log for log in build_logs), build_logs
    outputs = [out, (root / "report.json").read_text(), (root / "junit.xml").read_text()]
    for secret in ("Hunter2Hunter2x", "Sw0rdf1shSw0rd", "horse battery staple"):
        assert all(secret not in text for text in outputs + build_logs), secret


def test_a_token_in_a_healthcheck_or_an_onbuild_instruction_is_found(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A review: a token in a HEALTHCHECK's curl and a clone URL's in an ONBUILD passed, though
    `docker inspect` shows both and every child image runs the ONBUILD step."""
    github = "ghp_" + "Zt8kQm2pX9rT4wB8nL3sD6fH1jG5cZ0yAaBb"
    gitlab = "glpat-" + "Qm7vK2pX9rT4wB8nL3sD"
    root = pytester.path
    (root / "go.mod").write_text("module example.com/tiny\n\ngo 1.26\n")
    (root / "Dockerfile").write_text(
        "FROM alpine:3.22\n"
        f'HEALTHCHECK CMD wget -q --header "Authorization: Bearer {github}" -O- localhost:8080/health\n'
        f"ONBUILD RUN git clone https://ci:{gitlab}@gitlab.example.com/team/config.git\n"
        'CMD ["sleep", "1"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "secrets", "--goimage-report=report.json"
    )
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"secrets": "FAILED"}, out
    result.stdout.fnmatch_lines(
        [
            "*HEALTHCHECK word 2: value *looks like a GitHub token and is in the image config*",
            "*ONBUILD word 1: value *looks like a GitLab token and is in the image config*",
        ]
    )
    for secret in (github, gitlab):
        assert secret not in out and secret not in (root / "report.json").read_text()
