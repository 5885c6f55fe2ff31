"""A service that exits because it looks for its Redis under a name, or on a loopback, where no
container answers: the failures name the aliases that do and what to write (trial 20: "lookup
redis: no such host" where the dependency is `cache` got only "exit code 1")."""

from __future__ import annotations

import textwrap

import pytest

from tests.acceptance.test_dependency_passwords import redis_client
from tests.conftest import outcomes

UNKNOWN_REDIS = (
    "Its log shows it looking up the host `redis`, which no container on the image's network "
    "answers to (cache:6379 and minio:9000 answer there): write one of those names, or its "
    "placeholder (`{NAME.endpoint}`, `{NAME.host}`, `{minio.endpoint}`), in [tool.goimage.env]."
)
# An entrypoint that waits for Redis under a name of its own with busybox's nc, which says
# `nc: bad address 'redis'` (trial 35A: the hint was the generic one).
WAITS_FOR_REDIS = '["sh", "-c", "nc redis 6379 </dev/null && exec /app"]'


@pytest.mark.parametrize(
    ("address", "entrypoint", "hint"),
    [
        ("redis:6379", "", UNKNOWN_REDIS),
        ("cache:6379", WAITS_FOR_REDIS, UNKNOWN_REDIS),
        (
            "127.0.0.1:6379",
            "",
            "Its log shows it refused at 127.0.0.1:6379 (where cache serves, in a container of "
            "its own), the service container's own loopback, where nothing else runs (cache:6379 "
            "and minio:9000 answer there): point that address at `{cache.endpoint}`.",
        ),
    ],
    ids=["unknown-host", "entrypoint-nc-unknown-host", "loopback"],
)
def test_a_service_looking_for_its_dependency_where_none_is_is_told_where_it_is(
    pytester: pytest.Pytester, no_leaks: None, address: str, entrypoint: str, hint: str
) -> None:
    root = pytester.path
    redis_client(root)
    if entrypoint:
        dockerfile = root / "Dockerfile"
        dockerfile.write_text(
            dockerfile.read_text().replace('ENTRYPOINT ["/app"]', f"ENTRYPOINT {entrypoint}")
        )
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.goimage]
            health_path = "/health"
            startup_timeout = "10s"
            bucket = "assets"

            [tool.goimage.env]
            CACHE_ADDR = "{address}"
            CACHE_PASSWORD = "unused"

            [tool.goimage.dependencies.cache]
            image = "redis:7"
            """
        )
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health or bucket")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}, out
    assert (
        "the service did not create bucket 'assets': the container exited with code 1. "
        "Buckets in its MinIO: none. " + hint
    ) in out, out
    assert f"never answered 2xx: the container exited with code 1. {hint}" in out, out
