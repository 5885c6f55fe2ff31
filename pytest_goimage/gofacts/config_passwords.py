"""Database passwords a service's own configuration file writes into a URL or a DSN, told
apart from local defaults and samples (what a config file in an image may hold)."""

from __future__ import annotations

import re

from .credentials import SECRET_VALUES, secret_part


def config_password(text: str) -> str | None:
    """The kind of a password a service's own configuration writes into a database URL or a
    DSN: as baked in as the same value in an ENV (trial 16: a production DSN in
    /etc/ordersvc/config.yaml passed). Not a commented example, nor a local default: a
    password for localhost, one that repeats its user (`app:app@`) or a sample word."""
    uncommented = _COMMENT_LINE.sub("", _XML_COMMENT.sub("", text))
    for kind, pattern in _CONFIG_PASSWORDS:
        for match in pattern.finditer(uncommented):
            password = secret_part(match).strip("'")
            user = _URL_USER.search(match.group(0))
            # The host: right after a URL's `@`, a DSN's own `host=`.
            dsn = _dsn_pairs_around(uncommented, match.start())
            local = (
                _LOCAL_HOST.match(uncommented, match.end())
                if match.group(0).endswith("@")
                else _LOCAL_DSN_HOST.search(dsn)
            )
            user = user or _DSN_USER.search(dsn)
            if (
                password.lower() not in _SAMPLE_PASSWORDS
                and not (user and user.group(1) == password)
                and not local
            ):
                return kind
    return None


def _dsn_pairs_around(text: str, at: int) -> str:
    """The run of `key=value` pairs (a DSN) that holds offset `at` of `text`: its host and user
    are its own, not another DSN's or a comment's on the same line."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end >= 0 else None]
    for pairs in _DSN_PAIRS.finditer(line):
        if pairs.start() <= at - line_start < pairs.end():
            return pairs.group(0)
    return ""


_DSN_PAIRS = re.compile(
    r"(?<!\w)\w+[ \t]*=[ \t]*(?:'[^']*'|[^\s;'\"`]*)(?:[ \t;]+\w+[ \t]*=[ \t]*(?:'[^']*'|[^\s;'\"`]*))*"
)
_CONFIG_PASSWORDS = tuple(
    (kind, pattern)
    for kind, pattern in SECRET_VALUES
    if kind in ("a password in a URL", "a password in a connection string")
)
_COMMENT_LINE = re.compile(r"^\s*(?:#|;|//).*$", re.M)
_URL_USER = re.compile(r"://([^/\s:@]*):")
_DSN_USER = re.compile(r"\buser[ \t]*=[ \t]*'?([^\s;'\"]+)", re.I)
_XML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LOCAL_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?![\w.-])")
_LOCAL_DSN_HOST = re.compile(r"\bhost\s*=\s*(?:localhost|127\.0\.0\.1)(?![\w.-])", re.I)
_SAMPLE_PASSWORDS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "changeme",
        "change-me",
        "example",
        "test",
        "pass",
        "admin",
        "root",
        "postgres",
        "mysql",
        "redis",
        "guest",
        "dev",
        "local",
    }
)
