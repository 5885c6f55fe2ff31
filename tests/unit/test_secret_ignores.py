"""`secrets_ignore`: which findings an entry accepts, what the result says, and bad entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.config import parse_config
from pytest_goimage.errors import ConfigError
from pytest_goimage.gofacts.secret_ignores import compiled, split_accepted
from pytest_goimage.gofacts.secrets_scan import Finding

FAIL2BAN = Finding("file", "/etc/fail2ban/filter.d/common.conf", "writes credentials in")
NESTED = Finding("file", "/etc/fail2ban/filter.d/ignorecommands/apache.conf", "holds a key")
DOTENV = Finding("file", "/app/.env", "is a .env file")
SENTRY = Finding("ENV", "SENTRY_DSN", "value *** looks like a password in a URL")
CMD = Finding("CMD", "word 2", "value *** looks like a password in a URL")
LINKED = Finding("binary", "/app/server -X main.dsn", "value ***")
ALL = [FAIL2BAN, NESTED, DOTENV, SENTRY, CMD, LINKED]


def accepted_by(*entries: str) -> list[Finding]:
    kept, _ = split_accepted(ALL, entries)
    return [f for f in ALL if f not in kept]


@pytest.mark.parametrize(
    ("entry", "accepted"),
    [
        # `*` stays within a folder, `**` crosses folders.
        ("/etc/fail2ban/filter.d/*.conf", [FAIL2BAN]),
        ("/etc/fail2ban/**", [FAIL2BAN, NESTED]),
        ("/etc/fail2ban/*", []),
        ("/etc/fail2ban/filter.d/common.con?", [FAIL2BAN]),
        ("/app/.env", [DOTENV]),
        # A path accepts only a file's finding, whole: not a prefix, not a binary's -X value.
        ("/app", []),
        ("/app/server", []),
        ("/app/*", [DOTENV]),
        # A name: the variable's, or the place and name as the failure shows them.
        ("SENTRY_DSN", [SENTRY]),
        ("SENTRY_*", [SENTRY]),
        ("sentry_dsn", []),
        ("ENV SENTRY_DSN", [SENTRY]),
        ("CMD word 2", [CMD]),
        ("word 2", [CMD]),
        ("ENTRYPOINT word 2", []),
        ("binary /app/server -X main.dsn", [LINKED]),
        # Regular-expression characters are plain characters.
        ("/app/.en.", []),
        ("SENTRY.DSN", []),
    ],
)
def test_an_entry_accepts_exactly_the_findings_it_names(
    entry: str, accepted: list[Finding]
) -> None:
    assert accepted_by(entry) == accepted


def test_the_first_matching_entry_is_named_and_unused_entries_are_listed() -> None:
    kept, accepted = split_accepted(ALL, ["/etc/fail2ban/**", "/etc/fail2ban/filter.d/*", "X"])
    assert kept == [DOTENV, SENTRY, CMD, LINKED]
    assert accepted.findings == (
        (FAIL2BAN, "/etc/fail2ban/**"),
        (NESTED, "/etc/fail2ban/**"),
    )
    assert accepted.unused == ("/etc/fail2ban/filter.d/*", "X")
    assert accepted.note() == (
        "secrets_ignore accepted 2 finding(s): file /etc/fail2ban/filter.d/common.conf, file "
        "/etc/fail2ban/filter.d/ignorecommands/apache.conf; secrets_ignore entries that matched "
        "no finding (remove them, or they hide whatever comes to carry that name): "
        "'/etc/fail2ban/filter.d/*', 'X'"
    )


def test_the_note_names_four_findings_and_counts_the_rest() -> None:
    _, accepted = split_accepted(ALL, ["/**", "*", "**"])
    assert accepted.note() == (
        "secrets_ignore accepted 6 finding(s): file /etc/fail2ban/filter.d/common.conf, file "
        "/etc/fail2ban/filter.d/ignorecommands/apache.conf, file /app/.env, ENV SENTRY_DSN "
        "and 2 more"
    )


def test_no_entries_accept_nothing_and_say_nothing() -> None:
    kept, accepted = split_accepted(ALL, [])
    assert kept == ALL
    assert accepted.note() == ""


def test_an_entry_is_matched_whole() -> None:
    assert compiled("/a/*.conf").fullmatch("/a/b.conf")
    assert not compiled("/a/*.conf").fullmatch("/a/b.conf.bak")
    assert not compiled("/a/*.conf").fullmatch("/a/b/c.conf")
    assert compiled("/a/**.conf").fullmatch("/a/b/c.conf")


def _config(tmp_path: Path, table: dict[str, object]) -> object:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "Dockerfile.prod").write_text("FROM scratch\n")
    return parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")


def test_an_image_entry_replaces_the_shared_list(tmp_path: Path) -> None:
    table = {
        "secrets_ignore": ["SENTRY_DSN"],
        "image": [{"dockerfile": "Dockerfile.prod", "secrets_ignore": ["/etc/fail2ban/**"]}],
    }
    config = _config(tmp_path, table)
    assert config.image("Dockerfile").secrets_ignore == ("SENTRY_DSN",)  # type: ignore[attr-defined]
    assert config.image("Dockerfile.prod").secrets_ignore == (  # type: ignore[attr-defined]
        "/etc/fail2ban/**",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("SENTRY_DSN", "key 'secrets_ignore' must be a list of file paths in the image and names"),
        ([""], "key 'secrets_ignore' must be a list of file paths in the image and names"),
        ([1], "key 'secrets_ignore' must be a list of file paths in the image and names"),
        (["**"], "secrets_ignore entry '**' accepts every finding; name the files or variables"),
        (["/**"], "secrets_ignore entry '/**' accepts every finding"),
        (["*"], "secrets_ignore entry '*' accepts every finding"),
        (["A\x00"], "secrets_ignore entry contains a NUL character"),
    ],
)
def test_bad_entries_name_the_file_and_key(tmp_path: Path, value: object, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _config(tmp_path, {"secrets_ignore": value})
    assert str(raised.value).startswith(f"{tmp_path / 'pyproject.toml'}: [tool.goimage] ")
    assert message in str(raised.value)
