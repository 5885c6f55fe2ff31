"""engine/dependency_auth.py: the words each server's refusal of a password takes in a Go
service's log, as its client library writes them."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.dependency_auth import refused_password


@pytest.mark.parametrize(
    ("log", "server"),
    [
        ("redis: WRONGPASS invalid username-password pair or user is disabled.", "Redis"),
        ("ping: NOAUTH Authentication required.", "Redis"),
        (
            "failed to connect to `user=app database=app`: 10.0.0.3:5432 (db): failed SASL auth: "
            'FATAL: password authentication failed for user "app" (SQLSTATE 28P01)',
            "PostgreSQL",
        ),
        ('pq: password authentication failed for user "orders"', "PostgreSQL"),
        (
            "Error 1045 (28000): Access denied for user 'app'@'172.18.0.4' (using password: YES)",
            "MySQL",
        ),
    ],
)
def test_each_servers_refusal_is_named(log: str, server: str) -> None:
    assert refused_password(f"starting\n{log}\n", ["db"]).startswith(
        f" Its log shows {server} refusing the password the service gave it"
    )


@pytest.mark.parametrize(
    ("log", "dependencies"),
    [
        # No dependency of the run: the server is not one whose settings the message names.
        ("redis: WRONGPASS invalid username-password pair", []),
        # Ordinary lines that mention passwords or auth are no refusal.
        ("password reset mail sent to alice; auth middleware on", ["db"]),
        ("loaded 3 users (NOAUTHOR)", ["db"]),
    ],
)
def test_no_refusal_no_sentence(log: str, dependencies: list[str]) -> None:
    assert refused_password(log, dependencies) == ""
