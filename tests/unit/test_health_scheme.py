"""engine/health_probe.py: a port that speaks the other protocol than `scheme` says is named
with the fix, from what the server answered (the round 8 trial's HTTPS-only service)."""

from __future__ import annotations

import pytest
import requests

from pytest_goimage.engine.health_probe import HealthProbe, _short, health_hint


@pytest.mark.parametrize(
    "body",
    [
        "Client sent an HTTP request to an HTTPS server.\n",  # Go's net/http
        "<html><center>The plain HTTP request was sent to HTTPS port</center></html>",  # nginx
    ],
)
def test_an_https_port_asked_in_plain_http_gets_the_scheme_fix(body: str) -> None:
    probe = HealthProbe(status=400, body=body)
    assert probe.speaks_tls
    assert health_hint(probe, "/health", "8080/tcp", None, ["8080/tcp"]) == (
        '. The service serves HTTPS on that port: set `scheme = "https"` in [tool.goimage] '
        "(its certificate is not verified: a test image's own will do)."
    )


def test_another_400_is_no_https_port() -> None:
    probe = HealthProbe(status=400, body="missing header X-Request-Id")
    assert not probe.speaks_tls
    assert health_hint(probe, "/health", "8080/tcp", None, ["8080/tcp"]) == ""


def test_a_plain_http_port_asked_over_tls_says_to_remove_the_scheme() -> None:
    error = requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='127.0.0.1', port=1): Max retries exceeded (Caused by "
        "SSLError(SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)')))"
    )
    assert _short(error) == (
        'the TLS handshake failed: the port answers plain HTTP (remove `scheme = "https"` from '
        "[tool.goimage])"
    )


def test_the_last_answer_loses_its_own_full_stop() -> None:
    """The message adds its own: `... HTTPS server.. The service` read as a typo."""
    probe = HealthProbe(status=503, body="not ready.")
    assert probe.describe() == "the last answer was HTTP 503: not ready"


def test_a_health_port_of_its_own_names_health_scheme() -> None:
    """The review: with a plain API and a TLS admin port (or the other way round), the hint
    named `scheme`, which would break the API."""
    probe = HealthProbe(status=400, body="Client sent an HTTP request to an HTTPS server.\n")
    hint = health_hint(probe, "/healthz", "8081/tcp", 8081, ["8080/tcp"], None, "health_port")
    assert 'set `health_scheme = "https"` in [tool.goimage]' in hint
    error = requests.exceptions.SSLError("[SSL: WRONG_VERSION_NUMBER] wrong version number")
    # Trial 17: with a TLS API (`scheme = "https"`) and a plain admin port, health_scheme is
    # inherited, never written: "remove health_scheme" named a key the file does not hold.
    assert _short(error, "health_scheme") == (
        'the TLS handshake failed: the port answers plain HTTP (set `health_scheme = "http"` in '
        "[tool.goimage]: health_port serves plain HTTP, whatever `scheme` the API has)"
    )
