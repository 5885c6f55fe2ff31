"""engine/health_probe.py: `health` passes on 2xx from health_path itself. A redirect is not
followed (the round 11 trial: /health answered 302 to a page that answers 200, and `health`
passed saying `GET /health -> 200`); the failure names where it pointed. A real HTTP server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pytest_goimage.engine.health_probe import RedirectRun, health_hint, poll


class _Handler(BaseHTTPRequestHandler):
    moved = False  # whether /moving has answered its one redirect to /login yet

    def do_GET(self) -> None:
        if self.path == "/moving":  # `/` to `/login` once, then to `/moving/` for ever
            self.send_response(302 if _Handler.moved else 301)
            self.send_header("Location", "/moving/" if _Handler.moved else "/login")
            _Handler.moved = True
            self.end_headers()
            return
        if self.path in ("/health", "/plain"):
            self.send_response(302 if self.path == "/health" else 301)
            location = "/login" if self.path == "/health" else "https://127.0.0.1/plain"
            self.send_header("Location", location)
            self.end_headers()
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"welcome")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_health_path_that_redirects_is_not_healthy_and_says_where_it_pointed(
    server: str,
) -> None:
    started = time.monotonic()
    healthy, probe = poll(f"{server}/health", 30, exited=lambda: False)
    # The same redirect five times in a row will not change: no waiting out startup_timeout.
    assert time.monotonic() - started < 5
    assert not healthy
    assert (probe.status, probe.location) == (302, "/login")
    assert probe.describe() == "the last answer was HTTP 302, a redirect to /login"
    hint = health_hint(probe, "/health", "8080/tcp", None, ["8080/tcp"])
    assert hint.startswith(". /health must answer 2xx itself; a redirect is not followed")
    assert "set `health_path` to it in [tool.goimage]" in hint


def test_one_other_redirect_first_does_not_keep_the_wait_from_ending(server: str) -> None:
    """The audit's false wait: one redirect to /login, then the same one to /moving/ for
    ever, waited out the whole startup_timeout."""
    healthy, probe = poll(f"{server}/moving", 30, exited=lambda: False)
    assert not healthy
    assert probe.seconds < 5, probe.seconds
    assert probe.describe() == "the last answer was HTTP 302, a redirect to /moving/"


_LOGIN = (302, "/login")


@pytest.mark.parametrize(
    ("answers", "ends_at"),
    [
        ([_LOGIN] * 6, 5),
        ([(301, "/login"), *[_LOGIN] * 5], 6),  # another status is another redirect
        ([(302, "/"), *[_LOGIN] * 5], 6),
        ([*[_LOGIN] * 4, (503, ""), *[_LOGIN] * 5], 10),  # an answer between breaks the run
        ([*[_LOGIN] * 4, (None, ""), *[_LOGIN] * 5], 10),  # so does no answer
        ([*[_LOGIN] * 4, (302, "/"), *[_LOGIN] * 4], None),
        ([_LOGIN, (302, "/")] * 5, None),
    ],
)
def test_only_five_of_the_same_redirect_in_a_row_end_the_wait(
    answers: list[tuple[int | None, str]], ends_at: int | None
) -> None:
    run = RedirectRun()
    ended = [n for n, (status, where) in enumerate(answers, 1) if run.answered(status, where)]
    assert next(iter(ended), None) == ends_at


def test_the_page_itself_is_healthy(server: str) -> None:
    healthy, probe = poll(f"{server}/login", 0.5, exited=lambda: False)
    assert healthy
    assert (probe.status, probe.location) == (200, "")


def test_a_redirect_to_https_is_told_to_set_the_scheme(server: str) -> None:
    healthy, probe = poll(f"{server}/plain", 30, exited=lambda: False)
    assert not healthy
    assert probe.describe() == "the last answer was HTTP 301, a redirect to https://127.0.0.1/plain"
    assert health_hint(probe, "/plain", "8080/tcp", None, ["8080/tcp"]) == (
        '. The service redirects plain HTTP to HTTPS: set `scheme = "https"` in [tool.goimage] '
        "(its certificate is not verified: a test image's own will do)."
    )
