"""The build context served over loopback HTTP, for an engine that must read it more than once.

Docker 20.10's engine hands a build context sent as the request body to the first frontend that
asks for it and then forgets it ("context not found"). With a `# syntax=` directive (or a
BUILDKIT_SYNTAX build argument) two frontends ask: the engine's own, which reads the Dockerfile to
find the directive, and the frontend image it names. An engine that fetches a `remote=` URL asks
that URL each time, so the directive's frontend gets the context too, as with `docker build`.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO

# How an engine reached through a local unix socket shows in docker-py: its daemon shares this
# machine's loopback (a TCP, SSH or Docker Desktop engine does not).
LOCAL_ENGINE_URL = "http+docker://localhost"


def needs_second_read(error: str) -> bool:
    """`error` is the engine's own when the directive's frontend found the context gone."""
    return "frontend gateway" in error and "context not found" in error


@contextmanager
def served_context(tar: IO[bytes]) -> Iterator[str]:
    """Serve `tar` (seekable) at a fresh loopback URL for as long as the block runs: each GET of
    that one path gets the whole tar; any other path gets 404."""
    path = f"/goimage-context-{uuid.uuid4().hex}.tar"
    lock = threading.Lock()  # one reader of the shared file at a time

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != path:
                self.send_error(404)
                return
            with lock:
                size = tar.seek(0, 2)
                tar.seek(0)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-tar")
                self.send_header("Content-Length", str(size))
                self.end_headers()
                shutil.copyfileobj(tar, self.wfile)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the engine's requests are no output of the run

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="goimage-context", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
