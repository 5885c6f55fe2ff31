"""The host-side MinIO client never waits out a server's Retry-After.

A MinIO that has just started can answer S3 calls with 503 and `Retry-After` while its health
endpoints already say ready; minio-py's default client then sleeps that long (a minute) before
retrying. Seen as one-minute stalls under concurrent runs; here the 503 comes from a real HTTP
server so the retry path is exercised exactly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from minio.error import MinioException

from pytest_goimage.engine.minio_server import MinioServer

EMPTY_LIST = (
    b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult '
    b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>x</ID></Owner>'
    b"<Buckets></Buckets></ListAllMyBucketsResult>"
)


class _NotInitialisedOnce(BaseHTTPRequestHandler):
    calls: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.calls.append(self.path)
        if len(self.calls) == 1:
            self.send_response(503)
            self.send_header("Retry-After", "60")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(EMPTY_LIST)))
        self.end_headers()
        self.wfile.write(EMPTY_LIST)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def s3_port() -> Iterator[int]:
    _NotInitialisedOnce.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotInitialisedOnce)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_a_503_with_retry_after_is_retried_at_once(s3_port: int) -> None:
    server = MinioServer(image="unused", run_id="t", host_port=s3_port)
    started = time.monotonic()
    assert server.client.list_buckets() == []
    assert len(_NotInitialisedOnce.calls) == 2  # the 503, then the retry that succeeded
    # minio-py's own client would sleep the 60 s the server asked for.
    assert time.monotonic() - started < 30


def test_the_readiness_probe_does_not_retry(s3_port: int) -> None:
    """Readiness polls on its own backoff: one request per probe, the 503 is an answer."""
    probe = MinioServer(image="unused", run_id="t", host_port=s3_port)._client(retries=False)
    with pytest.raises(MinioException, match="503"):
        probe.list_buckets()
    assert len(_NotInitialisedOnce.calls) == 1
