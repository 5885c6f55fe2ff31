"""The service's hints on text alone: MinIO refusing its credentials in a log, and the exec
form that replaces a shell-form entrypoint (no engine)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.service import refuses_credentials
from pytest_goimage.engine.shell_form import exec_form


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        # minio-go's words for S3 error codes, as a service logs them.
        ("check bucket: The Access Key Id you provided does not exist in our records.", True),
        ("check bucket: The request signature we calculated does not match the signature", True),
        ("make bucket: Access Denied.", True),
        ("S3 error: code=AccessDenied status=403", True),
        ("S3 error: code=InvalidAccessKeyId", True),
        ("S3 error: code=SignatureDoesNotMatch", True),
        ("check bucket: dial tcp 172.18.0.2:9000: connect: connection refused", False),
        ("check bucket: The specified bucket does not exist", False),
    ],
)
def test_minio_403_wordings_in_a_service_log(line: str, refused: bool) -> None:
    assert refuses_credentials(f"2026/01/01 00:00:00 storage not ready (attempt 1): {line}") is (
        refused
    )


@pytest.mark.parametrize(
    ("log", "refused"),
    [
        # Trial 15: a HEAD request's 403 has no body, so no S3 error code is logged.
        ("2026/01/01 shop: head bucket catalog: 403 Forbidden", True),
        (
            "operation error S3: HeadBucket, https response error StatusCode: 403, RequestID: "
            "17A, HostID: dd9, api error Forbidden: Forbidden",
            True,
        ),
        ("storage: Forbidden: Forbidden\n\tstatus code: 403, request id: 17A", True),
        ("storage: ready\nhttp: status code: 403 from /admin", False),
        # The service's access log of its own API is no word about MinIO.
        ('10.0.0.1 - "GET /admin HTTP/1.1" 403 Forbidden', False),
        ("minio ready; bucket catalog exists", False),
    ],
)
def test_a_bare_403_on_a_storage_line_is_minio_refusing(log: str, refused: bool) -> None:
    assert refuses_credentials(log) is refused


def test_exec_form_keeps_the_arguments() -> None:
    assert exec_form("/app --config /etc/app.yaml") == '["/app", "--config", "/etc/app.yaml"]'
    assert exec_form("exec /app serve") == '["/app", "serve"]'
    assert exec_form("/app 'two words'") == '["/app", "two words"]'
    assert exec_form("/app 'unbalanced") == '["/app", "\'unbalanced"]'
