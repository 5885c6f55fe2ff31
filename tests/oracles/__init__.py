"""Small Go programs that run the real tools' own code (BuildKit's context walk, Compose's
loader), built once per test session to check the plugin's readers against them."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def build_oracle(name: str) -> Path:
    """tests/oracles/`name`, built once per machine and source (its modules come from the Go
    module proxy the first time): the xdist workers and later runs share the program."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("needs the go toolchain on PATH")
    source = HERE / name
    digest = hashlib.sha256()
    for path in sorted(source.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    out = (
        Path(tempfile.gettempdir()) / "pytest-goimage-oracles" / f"{name}-{digest.hexdigest()[:16]}"
    )
    out.parent.mkdir(exist_ok=True)
    with open(f"{out}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.exists():
            env = {**os.environ, "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
            partial = out.with_suffix(".partial")
            built = subprocess.run(
                [go, "build", "-o", str(partial), "."],
                cwd=source,
                env=env,
                capture_output=True,
                text=True,
            )
            assert built.returncode == 0, f"building the {name} oracle failed:\n{built.stderr}"
            partial.rename(out)
    return out


@pytest.fixture(scope="session")
def oracle() -> Iterator[Callable[[str], Path]]:
    """`oracle("fsutil_walk")`: that program, built on first use."""
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            built[name] = build_oracle(name)
        return built[name]

    yield get
