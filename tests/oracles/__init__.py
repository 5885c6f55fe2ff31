"""Small Go programs that run the real tools' own code (BuildKit's context walk, Compose's
loader), built once per test session to check the plugin's readers against them."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def build_oracle(name: str, factory: pytest.TempPathFactory) -> Path:
    """Build tests/oracles/`name` (its modules come from the Go module proxy the first time)."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("needs the go toolchain on PATH")
    out = factory.mktemp("oracle") / name
    env = {**os.environ, "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local"}
    built = subprocess.run(
        [go, "build", "-o", str(out), "."], cwd=HERE / name, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, f"building the {name} oracle failed:\n{built.stderr}"
    return out


@pytest.fixture(scope="session")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Path]]:
    """`oracle("fsutil_walk")`: that program, built on first use in the session."""
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            built[name] = build_oracle(name, tmp_path_factory)
        return built[name]

    yield get
