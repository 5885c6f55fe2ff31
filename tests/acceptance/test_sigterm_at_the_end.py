"""A SIGTERM that lands while the run is ending (its session finishing: the reports being
written, the containers removed) lets it finish (the review: it raised there, and pytest exited
130 with a traceback and no JSON report; a GitHub Actions cancel sends SIGINT, then SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import go_app

# Sent from the first sessionfinish hook to run: the plugin's own must let the run finish.
CONFTEST = """\
import os, signal

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    os.kill(os.getpid(), signal.SIGTERM)
"""


def test_a_sigterm_while_the_run_ends_lets_it_write_its_report(pytester: pytest.Pytester) -> None:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    (pytester.path / "conftest.py").write_text(CONFTEST)
    args = [
        "-p",
        "no:cacheprovider",
        "--goimage",
        "-k",
        "go-version",
        "--goimage-report=report.json",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL),
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out
    assert result.returncode == 0, out
    report = json.loads((pytester.path / "report.json").read_text())
    assert report["outcome"] == "passed", report
