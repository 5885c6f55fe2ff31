"""The secret readers on bytes and strings: masking, redaction, and what counts as a secret in
env, history and files (no engine)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.credentials import value_kind
from pytest_goimage.gofacts.redaction import redact, redact_all, secret_values
from pytest_goimage.gofacts.secrets_scan import (
    env_findings,
    file_finding,
    history_findings,
    mask,
    split_history,
)

SECRET = "s3cr3t-Value-9f8e7d6c"
FAKE_KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


def test_mask_never_shows_the_value() -> None:
    assert mask(SECRET) == "*** (21 characters)"
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
        "BACKUP_ID": "AKIAQ3EGRTX5JZ4KPL7M",  # an AWS key id under a harmless name
        "SAMPLE_KEY_ID": "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example: no credential
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


def test_secret_values_are_chosen_by_name_or_by_format() -> None:
    build_args = {
        "NPM_TOKEN": SECRET,  # by name
        "UPSTREAM": "ghp_" + "x" * 36,  # by format
        "TOKEN_FILE": "/run/secrets/token",  # a reference, not a secret
        "API_KEY": "abc",  # too short to mask without masking unrelated text
        "GO_VERSION": "1.26.8",
    }
    env = {"DB_PASSWORD": "hunter22", "S3_SECRET": "{minio.secret_key}"}
    assert secret_values(build_args, env) == {SECRET, "ghp_" + "x" * 36, "hunter22"}


def test_redact_masks_values_and_known_formats_and_only_a_urls_password() -> None:
    text = (
        f"RUN |3 NPM_TOKEN={SECRET} PREFIX={SECRET[:6]} GH=ghp_{'a1' * 18} "
        "MIRROR=https://ci:pa55word@mirror.invalid/x /bin/sh -o pipefail -c make"
    )
    assert redact(text, {SECRET, SECRET[:6]}) == (
        "RUN |3 NPM_TOKEN=*** PREFIX=*** GH=*** MIRROR=https://ci:***@mirror.invalid/x "
        "/bin/sh -o pipefail -c make"
    )
    assert redact("https://ci:***@mirror.invalid/") == "https://ci:***@mirror.invalid/"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Trial 14: a Redis URL has no user, and a service logs it as it connects.
        (
            "connecting to redis redis://:0therRedisPw@cache:6379/0",
            "connecting to redis redis://:***@cache:6379/0",
        ),
        (
            "connecting to database host=db port=5432 user=app password=Sup3rS3cretPw dbname=app",
            "connecting to database host=db port=5432 user=app password=*** dbname=app",
        ),
        ("host=db password='two words' dbname=app", "host=db password=*** dbname=app"),
        ("Server=db;User Id=sa;Password=Xy12!abc;", "Server=db;User Id=sa;Password=***;"),
        # References and empty passwords are no secret.
        ("password=${DB_PASSWORD}", "password=${DB_PASSWORD}"),
        ("mysql://root:@db/app", "mysql://root:@db/app"),
        ("http://cache:6379/0", "http://cache:6379/0"),
    ],
)
def test_a_password_without_a_user_or_in_a_connection_string_is_masked(
    text: str, shown: str
) -> None:
    assert redact(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Trial 16: a generated password's `/` and an unencoded `@` are part of it.
        (
            "dsn=postgres://orders:Mv8/Rt5-s3cret@db:5432/orders?sslmode=disable",
            "dsn=postgres://orders:***@db:5432/orders?sslmode=disable",
        ),
        ("postgres://orders:Xy7@Qz9-s3cret@db/orders", "postgres://orders:***@db/orders"),
        ("redis://:q9+Zr4/Kx2w==@cache:6379/0", "redis://:***@cache:6379/0"),
        # A port before a path or another host, and an `@` in the path, are no password.
        ("https://mastodon.example:8443/@team", "https://mastodon.example:8443/@team"),
        ("mongodb://db1:27017,db2:27017/app?x=a@b", "mongodb://db1:27017,db2:27017/app?x=a@b"),
        ("https://u:Pw7-s3cret@host/@team/x@y", "https://u:***@host/@team/x@y"),
        ("docker://registry:5000/golang:1.22@sha256:" + "ab" * 32, None),
    ],
)
def test_a_url_password_with_a_slash_or_an_at_sign_is_masked_whole(
    text: str, shown: str | None
) -> None:
    assert redact(text) == (shown or text)
    assert (value_kind(text) is not None) is (shown not in (None, text))


def test_many_urls_on_one_long_line_are_read_in_linear_time() -> None:
    """A password may hold a `/` now: no part of it is empty, so a scan stops at `://`."""
    assert redact("x://a:" * 20_000) == "x://a:" * 20_000


def test_a_connection_string_or_a_userless_url_in_env_is_a_finding() -> None:
    findings = env_findings(
        {
            "REDIS_URL": "redis://:hunter2pass@cache:6379/0",
            "DATABASE_DSN": "host=db user=app password=hunter2pass dbname=app",
            "CACHE_URL": "redis://cache:6379/0",
        }
    )
    assert sorted(f.name for f in findings) == ["DATABASE_DSN", "REDIS_URL"]
    assert "hunter2pass" not in repr(findings)


def test_redact_all_reaches_every_string_in_nested_data() -> None:
    data = {"a": [SECRET, (1, f"x{SECRET}y")], "b": {"c": None, SECRET: SECRET}}
    assert redact_all(data, {SECRET}) == {
        "a": ["***", (1, "x***y")],
        "b": {"c": None, SECRET: "***"},
    }


def test_files() -> None:
    assert file_finding("root/.ssh/id_rsa", FAKE_KEY) is not None
    assert file_finding("app/.env", b"DB_PASSWORD=hunter2\n") is not None
    assert file_finding("app/.env", b"LOG_LEVEL=debug\n") is None
    assert file_finding("etc/app/cert.pem", b"-----BEGIN CERTIFICATE-----\n") is None


def test_an_http_credential_is_masked_wherever_it_appears() -> None:
    """`Authorization: Bearer <token>` in a service's log or an ENV: the token goes, the scheme
    and prose about tokens stay."""
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    assert redact(f"GET /api Authorization: Bearer {jwt} 200") == (
        "GET /api Authorization: Bearer *** 200"
    )
    assert redact("auth: basic dXNlcjpwYXNzd29yZA==") == "auth: basic ***"
    for prose in ("missing Bearer token in request", "Basic authentication required"):
        assert redact(prose) == prose


def test_pass_and_pwd_names_are_masked_but_not_the_shells_folders() -> None:
    """A user trial's DB_PASS and DB_PWD values showed in the terminal, JSON and JUnit."""
    env = {"DB_PASS": "dbpass-value-777", "DB_PWD": "dbpwd-value-888", "PWD": "/srv/app"}
    env |= {"OLDPWD": "/root", "MYSQL_PWD": "Hunter2-prod-pw"}
    assert secret_values(env) == {"dbpass-value-777", "dbpwd-value-888", "Hunter2-prod-pw"}


@pytest.mark.parametrize(
    ("line", "pairs", "rest"),
    [
        (  # review: `-mod=readonly` was taken for the second argument, the password dropped
            "RUN |2 GOFLAGS=-trimpath -mod=readonly DEPLOY_PASSWORD=plain-Pa$sw0rd-42 "
            "/bin/sh -c make build",
            [("GOFLAGS", "-trimpath -mod=readonly"), ("DEPLOY_PASSWORD", "plain-Pa$sw0rd-42")],
            "RUN /bin/sh -c make build",
        ),
        (
            "RUN |1 LDFLAGS=-s -w -X main.apiKey=K7 /bin/sh -c go build .",
            [("LDFLAGS", "-s -w -X main.apiKey=K7")],
            "RUN /bin/sh -c go build .",
        ),
        ("RUN |2 A=1 B=2 /app/seed --x=1", [("A", "1"), ("B", "2")], "RUN /app/seed --x=1"),
        ("RUN |1 A=1 ./seed x=2", [("A", "1")], "RUN ./seed x=2"),
        ("RUN /bin/sh -c echo A=1", [], "RUN /bin/sh -c echo A=1"),
    ],
)
def test_a_history_lines_build_arguments_are_split_from_its_command(
    line: str, pairs: list[tuple[str, str]], rest: str
) -> None:
    assert split_history(line) == (pairs, rest)


def test_a_secret_build_argument_after_one_with_spaces_is_a_finding() -> None:
    line = "|2 GOFLAGS=-trimpath -mod=readonly DEPLOY_PASSWORD=plain-Pa$sw0rd-42 /bin/sh -c make"
    assert [f.name for f in history_findings([line])] == ["DEPLOY_PASSWORD"]


def test_a_config_json_nested_deeper_than_python_recurses_is_no_login_file() -> None:
    """A review: a deeply nested `config.json` in an image raised RecursionError (an internal
    traceback) where it is simply no login file."""
    deep = b"[" * 100_000 + b"]" * 100_000
    assert file_finding("app/config.json", deep) is None


@pytest.mark.parametrize(
    "shown",
    [
        # Go's slog JSON handler and encoding/json escape `"` and `\`; encoding/json writes
        # `<`, `>` and `&` as \u003c, \u003e, \u0026 too (trial 17 saw both in full).
        '{"level":"INFO","msg":"config","db_password":"p\\"w<d>&k\\\\9x"}',
        '{"msg":"config","db_password":"p\\"w\\u003cd\\u003e\\u0026k\\\\9x"}',
        # A token percent-encoded in the URL of Go's `Get "...": dial tcp` error.
        'Get "https://api.example.com/v1?token=p%22w%3Cd%3E%26k%5C9x": dial tcp: no such host',
        "Get https://api.example.com/v1?token=p%22w%3Cd%3E%26k%5C9x",
        # A query written with `+` for spaces (QueryEscape), and a path as net/url writes it,
        # which keeps `$&+,/:;=@` (the review: Go's `Get ".../hook/Xk9%21mQ$2vL"`).
        "token=correct+horse+battery+staple",
        'Get "http://api.invalid/hook/p%22w%3Cd%3E&k%5C9x": dial tcp: no such host',
    ],
)
def test_a_secret_is_masked_also_where_json_or_a_url_escaped_it(shown: str) -> None:
    secrets = {'p"w<d>&k\\9x', "correct horse battery staple"}
    masked = redact(shown, secrets)
    assert "***" in masked
    for piece in ("w<d", "w\\u003cd", "%3Cd", "horse", "p%22w", 'p\\"w', "k%5C9x"):
        assert piece not in masked


def test_a_path_keeps_what_go_keeps_unescaped_and_the_secret_is_masked_there() -> None:
    """Go's net/url writes `!` as %21 in a path and keeps `$`: that exact form is masked."""
    line = 'Get "http://api.invalid/hook/Xk9%21mQ$2vL": dial tcp: lookup api.invalid'
    assert redact(line, {"Xk9!mQ$2vL"}) == (
        'Get "http://api.invalid/hook/***": dial tcp: lookup api.invalid'
    )
