"""A HEALTHCHECK that fails while the service warms up and then passes (a user trial's image: a
cache warmed for 8 s behind --start-period=30s): Docker calls it healthy, so `health` must too,
and one that never passes must fail when Docker would decide, or when startup_timeout (10 s in
these projects) runs out first, saying how many runs failed over how long. Real alpine images
of test_image_healthcheck's tiny Go service; each HEALTHCHECK fails, then passes, by the clock."""

from __future__ import annotations

import re

import pytest

from tests.acceptance.test_image_healthcheck import PASSED, _run
from tests.conftest import outcomes

# Fails until `seconds` after its first run (which writes the time down), then passes: `date +%s`
# counts whole seconds, so it passes between seconds - 1 and seconds after that first run.
WARMS_UP = (
    "HEALTHCHECK {flags} CMD [ -f /tmp/first ] || date +%s > /tmp/first; "
    'test $(( $(date +%s) - $(cat /tmp/first) )) -ge {seconds} || {{ echo "warming up" >&2; '
    "exit 1; }}"
)
# What `health` said before it ran a HEALTHCHECK more than once.
WHY = (
    r" Docker, Swarm, Compose \(`depends_on: condition: service_healthy`\) and ECS run that "
    r"command, not a GET from outside, so they mark the container unhealthy and restart it or "
    r"never route to it\.(?: The engine agrees: it marks the container unhealthy after \d+ "
    r"failed runs in a row\.)? It ran and failed: check that it asks for what the service "
    r"serves \(http://localhost:8080/health, which answered from outside\) and exits 0 when the "
    r"service is healthy\."
)


def _written(flags: str, seconds: int) -> str:
    return re.escape(WARMS_UP.format(flags=flags, seconds=seconds))


def test_a_healthcheck_that_passes_once_warm_passes(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Failing for about 2 s: within --start-period, and, without one, before Docker's first
    run one --interval after the start. Before, `health` ran it once, at once, and failed."""
    result, messages = _run(
        pytester,
        {
            "Dockerfile": (
                "alpine:3.22",
                WARMS_UP.format(flags="--start-period=5s --interval=1s", seconds=3),
            ),
            "Dockerfile.interval": (
                "alpine:3.22",
                WARMS_UP.format(flags="--interval=4s", seconds=3),
            ),
        },
    )
    assert outcomes(result) == {
        "Dockerfile::health": "PASSED",
        "Dockerfile.interval::health": "PASSED",
    }, result.stdout.str()
    later = r" exited 0 on run \d+, (\d+\.\d) s after the service started: Docker too would call "
    start_period = re.fullmatch(
        PASSED
        + r"; its HEALTHCHECK passed in the container too \(`"
        + _written("--start-period=5s --interval=1s", 3)
        + "`"
        + later
        + r"it healthy, as it counts no failure within its --start-period of 5s\)",
        messages["Dockerfile"],
    )
    assert start_period, messages["Dockerfile"]
    interval = re.fullmatch(
        PASSED
        + r"; its HEALTHCHECK passed in the container too \(`"
        + _written("--interval=4s", 3)
        + "`"
        + later
        + r"it healthy, as it counts no failure within the first 4s, until its first run one "
        r"--interval after the start\)",
        messages["Dockerfile.interval"],
    )
    assert interval, messages["Dockerfile.interval"]
    # It passed soon after it could (2 to 3 s after its first run): runs are half a second
    # apart at most, and a loaded machine starts each later.
    for found in (start_period, interval):
        assert 2.0 <= float(found.group(1)) <= 6.0, found.group(0)


def test_a_healthcheck_that_never_passes_fails_when_docker_would_decide(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Failing past --start-period=5s with --retries=2: Docker counts its first failure at 5 s
    (a multiple of both --interval and the default --start-interval, 5s) and the second one
    --interval (1 s) later, and marks it unhealthy. With --start-period=30s Docker would still
    be waiting when startup_timeout (10 s) runs out: the failure says so."""
    never = "--start-period=5s --interval=1s --retries=2"
    result, messages = _run(
        pytester,
        {
            "Dockerfile": ("alpine:3.22", WARMS_UP.format(flags=never, seconds=60)),
            "Dockerfile.long": (
                "alpine:3.22",
                WARMS_UP.format(flags="--start-period=30s --interval=5s", seconds=60),
            ),
        },
    )
    assert outcomes(result) == {
        "Dockerfile::health": "FAILED",
        "Dockerfile.long::health": "FAILED",
    }, result.stdout.str()
    head = (
        r"\[goimage health\] {name}: GET /health answered 200, but the image's HEALTHCHECK fails "
        r"inside the running service container of \S+: `{written}` \({name}:3\) exited with "
        r"code 1, printed `warming up` on the last of (\d+) failed runs over (\d+\.\d) s after "
        r"the service started"
    )
    decided = re.fullmatch(
        head.format(name="Dockerfile", written=_written(never, 60))
        + r"; Docker would call it unhealthy by then: it counts no failure within its "
        r"--start-period of 5s, then one per --interval 1s, and marks the container unhealthy "
        r"after 2 in a row, --retries 2\." + WHY,
        messages["Dockerfile"],
    )
    assert decided, messages["Dockerfile"]
    # Docker's second counted failure comes a second after the first, at 5 s: from 6 s on, and
    # before startup_timeout.
    assert int(decided.group(1)) > 2 and 6.0 <= float(decided.group(2)) <= 9.9, decided.groups()
    capped = re.fullmatch(
        head.format(
            name=r"Dockerfile\.long",
            written=_written("--start-period=30s --interval=5s", 60),
        )
        + r"; then startup_timeout \(10s\) ran out: a service must become healthy within it\. "
        r"Docker counts no failure within its --start-period of 30s, then one per --interval "
        r"5s, and marks the container unhealthy after 3 in a row, --retries 3 \(the default\): "
        r"it would have counted 0 by then, and would call a container that keeps failing "
        r"unhealthy 130 s after the start at the latest \(runs of up to 30s, Docker's own "
        r"without --timeout\)\. Raise startup_timeout, to 130s to wait as long as Docker "
        r"would, if the service needs that "
        r"long to become healthy\." + WHY,
        messages["Dockerfile.long"],
    )
    assert capped, messages["Dockerfile.long"]
    # Runs stop at startup_timeout: the last one ends at it at the latest (less its pause).
    assert 9.0 <= float(capped.group(2)) <= 10.5, capped.groups()
