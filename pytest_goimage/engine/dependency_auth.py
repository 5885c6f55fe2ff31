"""A service's log that shows one of its dependencies refusing the password it was given
(Redis's WRONGPASS, PostgreSQL's and MySQL's own words): the sentence that says where the two
passwords are set. MinIO's refusal (a 403) has its own, in `service`."""

from __future__ import annotations

import re

# What each server answers a wrong or missing password with, as clients log it: go-redis
# (`WRONGPASS invalid username-password pair`, `NOAUTH Authentication required`), pgx and
# lib/pq (`password authentication failed for user "app"`, SQLSTATE 28P01), the MySQL driver
# (`Error 1045 (28000): Access denied for user 'app'@...`).
_REFUSALS = (
    ("Redis", re.compile(r"\bWRONGPASS\b|\bNOAUTH\b")),
    ("PostgreSQL", re.compile(r"password authentication failed for user|\b28P01\b")),
    ("MySQL", re.compile(r"Access denied for user '|\bError 1045\b")),
)


def refused_password(logs: str, dependencies: list[str]) -> str:
    """The sentence for a log that shows a dependency refusing the service's password, ""
    when it shows none or the image has no dependency (the server is then not one the run
    started: the message would point at the wrong settings)."""
    if not dependencies:
        return ""
    server = next((name for name, words in _REFUSALS if words.search(logs)), None)
    if server is None:
        return ""
    return (
        f" Its log shows {server} refusing the password the service gave it: the password "
        "in [tool.goimage.env] must be the one the dependency starts with (its `command`, "
        "as `--requirepass`, or its `env`, as POSTGRES_PASSWORD, in its table of "
        f"[tool.goimage.dependencies] or the compose file); dependencies: "
        f"{', '.join(dependencies)}."
    )
