"""A service that creates two buckets at startup (uploads and their thumbnails, a round 8
trial's gap): `bucket` lists both, and the check passes only when each was created."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.test_runtime_checks import ENV, run_at_startup, service_config
from tests.conftest import outcomes

# The service also creates the bucket THUMBNAILS_BUCKET names, beside its own, retrying until
# MinIO answers, as a service with a second store would.
SECOND_BUCKET = """\
	if extra := os.Getenv("THUMBNAILS_BUCKET"); extra != "" {
		if base, err := config.FromEnv(); err == nil {
			second := storage.Config(base.Storage)
			second.Bucket = extra
			go func() {
				for {
					if c, err := storage.NewClient(second); err == nil &&
						c.EnsureBucketExists(context.Background()) == nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			}()
		}
	}
"""


@pytest.mark.parametrize("passed", [True, False], ids=["both-created", "one-missing"])
def test_each_listed_bucket_must_be_created(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None, passed: bool
) -> None:
    env = ENV + ('THUMBNAILS_BUCKET = "thumbnails"\n' if passed else "")
    root = example_copy(service_config(env=env))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'bucket = "bookmarks"', 'bucket = ["bookmarks", "thumbnails"]'
        )
    )
    run_at_startup(root, SECOND_BUCKET)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "bucket", "--goimage-report=report.json"
    )
    out = " ".join(result.stdout.str().split())
    if passed:
        assert outcomes(result, short=True) == {"bucket": "PASSED"}, out
        report = json.loads((pytester.path / "report.json").read_text())
        message = report["images"][0]["checks"]["bucket"]["message"]
        assert re.fullmatch(
            r"the service created buckets 'bookmarks', 'thumbnails' in \d+\.\d s", message
        ), message
        return
    assert outcomes(result, short=True) == {"bucket": "FAILED"}, out
    assert (
        "Dockerfile.variant: the service did not create bucket 'thumbnails': it did not appear "
        "within startup_timeout (10s). Buckets in its MinIO: bookmarks."
    ) in out, out
    assert (
        "No variable in [tool.goimage.env] passes 'thumbnails', so the service may not know "
        "which bucket to create."
    ) in out, out
