"""`secrets` and `user` on real images: what a pull of the image would give away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_goimage.secrets_scan import env_findings, file_finding, history_findings, mask
from tests.conftest import go_app

SECRET = "s3cr3t-Value-9f8e7d6c"
FAKE_KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


def test_mask_never_shows_the_value() -> None:
    assert mask(SECRET) == "s3… (21 characters)"
    assert SECRET not in env_findings({"API_TOKEN": SECRET})[0].describe()


def test_env_names() -> None:
    env = {
        "API_TOKEN": "abc123",
        "DB_PASSWORD": "hunter22",
        "AWS_SECRET_ACCESS_KEY": "x" * 40,
        "TOKEN_FILE": "/run/secrets/token",  # a reference, not a secret
        "STORAGE_ACCESS_KEY_ID": "id",
        "PATH": "/usr/bin",
        "PASSWORD": "",
    }
    assert [f.name for f in env_findings(env)] == [
        "API_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASSWORD",
    ]


def test_history_build_args() -> None:
    lines = [
        f"RUN |2 GO_VERSION=1.26.8 NPM_TOKEN={SECRET} /bin/sh -c npm ci # buildkit",
        "RUN /bin/sh -c go build ./... # buildkit",
    ]
    (finding,) = history_findings(lines)
    assert finding.name == "NPM_TOKEN" and SECRET not in finding.describe()


def test_values_that_are_secrets_whatever_their_name() -> None:
    env = {
        "UPSTREAM": "ghp_" + "x" * 36,
        "DATABASE_URL": "postgres://app:S3cr3tPassw0rd@db:5432/app",
        "BACKUP_ID": "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example key id
        "DOCS_URL": "https://example.com/docs",  # a URL without credentials
        "TEMPLATE_URL": "postgres://app:${DB_PASSWORD}@db/app",  # a placeholder, not a secret
        "GREETING": "hello",
    }
    findings = {f.name: f.describe() for f in env_findings(env)}
    assert sorted(findings) == ["BACKUP_ID", "DATABASE_URL", "UPSTREAM"]
    assert "looks like a GitHub token" in findings["UPSTREAM"]
    assert "looks like a password in a URL" in findings["DATABASE_URL"]
    assert "S3cr3t" not in findings["DATABASE_URL"]


def test_history_build_args_whatever_the_shell() -> None:
    """Exec-form RUN records no shell; a SHELL line records its own."""
    lines = [
        f"RUN |1 API_TOKEN={SECRET} go build -o /app . # buildkit",
        f"RUN |2 GOFLAGS=-mod=mod DEPLOY_TOKEN={SECRET} /bin/bash -o pipefail -c make # buildkit",
        "RUN |1 GO_VERSION=1.26.8 /bin/sh -c go version # buildkit",
    ]
    assert [f.name for f in history_findings(lines)] == ["API_TOKEN", "DEPLOY_TOKEN"]


def test_files() -> None:
    assert file_finding("root/.ssh/id_rsa", FAKE_KEY) is not None
    assert file_finding("app/.env", b"DB_PASSWORD=hunter2\n") is not None
    assert file_finding("app/.env", b"LOG_LEVEL=debug\n") is None
    assert file_finding("etc/app/cert.pem", b"-----BEGIN CERTIFICATE-----\n") is None


@pytest.fixture
def leaky(pytester: pytest.Pytester) -> Path:
    root = pytester.path
    go_app(root)
    (root / "id_rsa").write_bytes(FAKE_KEY)
    (root / "dot.env").write_text(f"DB_PASSWORD={SECRET}\n")
    (root / "Dockerfile").write_text(
        "FROM alpine:3.22\n"
        "ARG NPM_TOKEN\n"
        'RUN test -n "$NPM_TOKEN"\n'
        f"ENV API_TOKEN={SECRET}\n"
        "COPY id_rsa /root/.ssh/id_rsa\n"
        "COPY dot.env /app/.env\n"
        "COPY id_rsa /tmp/deleted_rsa\n"
        "RUN rm /tmp/deleted_rsa\n"
        'COPY app /app/app\nENTRYPOINT ["/app/app"]\n'
    )
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\nrequire_non_root = true\nbuild_args = {{ NPM_TOKEN = "{SECRET}" }}\n'
    )
    return root


def test_leaky_image(pytester: pytest.Pytester, leaky: Path) -> None:
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "secrets or user")
    result.assert_outcomes(failed=2, deselected=7)
    out = result.stdout.str()
    assert SECRET not in out, "a secret value was printed"
    assert re.search(r"ships 4 secret-looking value\(s\)", out), out
    assert "ENV API_TOKEN: value s3… (21 characters) is baked into the image config" in out
    assert (
        "build argument NPM_TOKEN: value s3… (21 characters) is recorded in the image history"
        in out
    )
    assert "file /root/.ssh/id_rsa: holds a private key" in out
    assert "file /app/.env: is a .env file with secret-looking values" in out
    # Removed in a later layer, so not in the final filesystem (build progress may name it).
    finding = out[out.index("[goimage secrets]") : out.index("[goimage user]")]
    assert "deleted_rsa" not in finding, finding
    assert "runs as root (no USER instruction); add a non-root `USER 65532:65532`" in out


def test_secrets_can_be_switched_off(pytester: pytest.Pytester, leaky: Path) -> None:
    (leaky / "pyproject.toml").write_text("[tool.goimage]\nsecrets = false\n")
    result = pytester.runpytest_subprocess("--goimage", "-rs", "-k", "secrets or user")
    result.assert_outcomes(skipped=2, deselected=7)
    result.stdout.fnmatch_lines(
        ["*secrets = false in [[]tool.goimage[]]*", "*require_non_root is not set*"]
    )
