"""`min_ready`: a service that answers health_path once and then crashes (a background task
that fails after startup) fails `health` when it stops within min_ready of its start. Real
builds of the example's backend with a crash inserted at startup, a real MinIO, real HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.test_runtime_checks import run_at_startup, service_config
from tests.conftest import outcomes

# The service starts, serves /health, and 1.5 s later a background task gives up for good.
CRASH_AFTER_STARTUP = (
    "\tgo func() {\n"
    "\t\ttime.Sleep(1500 * time.Millisecond)\n"
    '\t\tlogger.Fatal("replication worker: lost the queue connection, giving up")\n'
    "\t}()\n"
)


def test_a_service_that_crashes_after_answering_fails_within_min_ready(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy(service_config(extra='min_ready = "4s"'))
    run_at_startup(root, CRASH_AFTER_STARTUP)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health or bucket")
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"bucket": "PASSED", "health": "FAILED"}, out
    flat = " ".join(out.split())
    assert re.search(
        r"Dockerfile\.variant: GET /health answered 200 \d+\.\d s after the service started, "
        r"then the container exited with code 1 within min_ready \(4s\)\. A service must keep "
        r"running once it is healthy: see its log for what stopped it\.",
        flat,
    ), out
    assert "replication worker: lost the queue connection, giving up" in out
    assert "Traceback" not in out


def test_a_service_that_stays_up_passes_min_ready_and_says_so(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy(service_config(extra='min_ready = "2s"'))
    run_at_startup(root, "")  # the same variant Dockerfile, nothing inserted
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "health", "--goimage-report=report.json"
    )
    assert outcomes(result, short=True) == {"health": "PASSED"}, result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    message = report["images"][0]["checks"]["health"]["message"]
    match = re.fullmatch(
        r"GET /health on 8080 -> 200, and still running and answering (\d+\.\d) s after the service "
        r"started \(min_ready 2s\)",
        message,
    )
    assert match and float(match.group(1)) >= 2.0, message


def test_a_min_ready_that_is_no_duration_is_a_usage_error(
    example_copy: Callable[..., Path], pytester: pytest.Pytester
) -> None:
    example_copy(service_config(extra='min_ready = "soon"'))
    result = pytester.runpytest_subprocess("--goimage")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "min_ready" in result.stderr.str() and "soon" in result.stderr.str()
