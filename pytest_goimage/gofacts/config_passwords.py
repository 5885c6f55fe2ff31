"""Database passwords a service's own configuration file writes into a URL or a DSN, told
apart from local defaults and samples (what a config file in an image may hold)."""

from __future__ import annotations

import bisect
import re

from .credentials import SECRET_VALUES, secret_part


def config_password(text: str) -> str | None:
    """The kind of a password a service's own configuration writes into a database URL or a
    DSN: as baked in as the same value in an ENV (trial 16: a production DSN in
    /etc/ordersvc/config.yaml passed). Not a commented example, nor a local default: a
    password for localhost, one that repeats its user (`app:app@`) or a sample word."""
    uncommented = _COMMENT_LINE.sub("", _XML_COMMENT.sub("", text))
    runs = _DsnRuns(uncommented)
    for kind, pattern in _CONFIG_PASSWORDS:
        for match in pattern.finditer(uncommented):
            password = secret_part(match).strip("'")
            if match.group(0).endswith("@"):  # a URL: its host follows the `@`
                user = _URL_USER.search(match.group(0))
                rest = _URL_REST.match(uncommented, match.end())
                local = rest is not None and _url_local(rest.group(0))
            else:  # a DSN: its own `host=` and `user=`
                user, local = runs.around(match.start())
            if not local and not is_local_default(password, user and user.group(1), []):
                return kind
    return None


def is_local_default(password: str, user: str | None, hosts: list[str]) -> bool:
    """A sample word, the user's own name, or a password for hosts that are all this machine:
    a default for a developer's laptop, not a deployment's credential."""
    return (
        password.lower() in _SAMPLE_PASSWORDS
        or password == user
        or (bool(hosts) and all(map(_all_local, hosts)))
    )


class _DsnRuns:
    """The runs of `key=value` pairs (DSNs) of a text, found once, each with its own `user=`
    and whether its `host=` is local: a DSN's host and user are its own, not another DSN's or
    a comment's on the same line. Looked up by offset, so a long line of DSNs stays linear."""

    def __init__(self, text: str) -> None:
        self._spans = [(m.start(), m.end()) for m in _DSN_PAIRS.finditer(text)]
        self._starts = [start for start, _ in self._spans]
        self._text = text
        self._read: dict[int, tuple[re.Match[str] | None, bool]] = {}

    def around(self, at: int) -> tuple[re.Match[str] | None, bool]:
        """(its `user=` match, whether its host is local) for the run that holds `at`."""
        index = bisect.bisect_right(self._starts, at) - 1
        if index < 0 or not self._spans[index][0] <= at < self._spans[index][1]:
            return None, False
        if index not in self._read:
            run = self._text[slice(*self._spans[index])]
            # Every host= local: libpq and pgx keep a key's last value, and a run may join two
            # DSNs by `;`; a hostaddr= is where libpq connects.
            hosts = _DSN_HOST.findall(run)
            local = bool(hosts) and all(map(_all_local, hosts)) and not _remote_hostaddr(run)
            self._read[index] = (_DSN_USER.search(run), local)
        return self._read[index]


def _all_local(hosts: str) -> bool:
    """Whether every host of a URL's or DSN's host list is this machine: libpq and pgx take
    several (`localhost,db.prod:5432`), and a production one among them is no local default.
    An empty list is none (the review: `postgres://app:pw@/app?host=db.prod` passed)."""
    names = [re.sub(r":\d*$", "", host.strip()) for host in hosts.split(",") if host.strip()]
    # A Unix socket's folder (`host=/var/run/postgresql`, `%2Fvar%2Frun...` in a URL) is local.
    return bool(names) and all(
        _LOCAL_HOST.fullmatch(name) or name.startswith("/") or name.lower().startswith("%2f")
        for name in names
    )


def _url_local(rest: str) -> bool:
    """Whether a URL's hosts after its `@` are all local, its `?host=` query parameter (libpq's
    `postgresql:///db?host=...`, which overrides them) included."""
    authority = re.match(r"[^/?#]*", rest)
    query = _QUERY_HOST.findall(rest)
    hosts = query[-1] if query else authority.group(0) if authority else ""
    return _all_local(hosts)


def _remote_hostaddr(run: str) -> bool:
    """Whether a DSN's `hostaddr=` names another machine than this one."""
    return any(not _all_local(value) for value in _DSN_HOSTADDR.findall(run))


# A value: quoted on its line, or up to a blank, `;`, quote or backtick, or a comma before a
# blank (a YAML flow list's `[dsn one, dsn two]`; libpq's `host=a,b` has none). Pairs are
# separated by blanks or `;`; after a `;` a key may hold spaces (ADO.NET's `User ID=`,
# `Persist Security Info=`).
_PAIR_VALUE = r"(?:'[^'\n]*'|(?:[^\s;'\"`,]|,(?!\s))*)"
_DSN_PAIRS = re.compile(
    rf"(?<!\w)\w+[ \t]*=[ \t]*{_PAIR_VALUE}"
    rf"(?:(?:[ \t]*;[ \t]*\w+(?: \w+)*|[ \t]+\w+)[ \t]*=[ \t]*{_PAIR_VALUE})*"
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
_LOCAL_HOST = re.compile(r"localhost|127\.0\.0\.1|\[::1\]")
# What follows a URL's `@` (its hosts, path and query); a DSN's `host=` and `hostaddr=`.
_URL_REST = re.compile(r"[^\s\"'`]*")
_QUERY_HOST = re.compile(r"[?&]host=([^&#]*)", re.I)
_DSN_HOST = re.compile(r"\bhost\s*=\s*'?([^\s;'\"`]*)", re.I)
_DSN_HOSTADDR = re.compile(r"\bhostaddr\s*=\s*'?([^\s;'\"`]*)", re.I)
_SAMPLE_PASSWORDS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "changeme",
        "changeit",  # the JDK's keystore default
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
