"""Time the plugin's static inspection of images, in one process, and say which path it took.

    python bench/inspect_worker.py --expect overlay|api TAG=DOCKERFILE ...

Run by bench/run.py once as root (the overlay2 fast path: the layer directories under
/var/lib/docker are readable) and once as an unprivileged user in the socket's group (the API
path a CI user in the `docker` group takes: /var/lib/docker is root's only). Per image it does
what the checks do: `load_image` (inspect + history: size, layers), `.binary` (ELF: static,
Go build info), `layer_files()` and `layers.wasted` (what dive reports). The connection and the
imports are made before the clock starts, as in a running pytest session. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--expect", choices=("overlay", "api"), required=True)
    parser.add_argument("images", nargs="+", help="TAG=DOCKERFILE")
    args = parser.parse_args()

    from pytest_goimage.engine import overlay
    from pytest_goimage.engine.connection import connect
    from pytest_goimage.engine.image import load_image
    from pytest_goimage.gofacts.layers import wasted

    client = connect()
    seconds: dict[str, float] = {}
    parts: dict[str, dict[str, float]] = {}
    facts: dict[str, Any] = {}
    paths: dict[str, str] = {}
    for item in args.images:
        tag, _, dockerfile = item.partition("=")
        start = time.perf_counter()
        built = load_image(
            client,
            tag,
            dockerfile=dockerfile,
            tag=tag,
            build_seconds=0.0,
            steps=0,
            cached_steps=0,
            log_path="",
        )
        loaded = time.perf_counter()
        binary = built.binary
        read = time.perf_counter()
        waste = wasted(built.layer_files())
        seconds[dockerfile] = time.perf_counter() - start
        # Where the time goes: inspect + history, the binary, the layer listing + wasted.
        parts[dockerfile] = {
            "load_image": loaded - start,
            "binary": read - loaded,
            "layer_files": start + seconds[dockerfile] - read,
        }
        facts[dockerfile] = {
            "size": built.size,
            "layers": len(built.layers),
            "wasted_bytes": sum(w.size for w in waste),
            "static": binary.static,
            "go_version": binary.go_version,
        }
        # The same decision BuiltImage makes (outside the timed part): which path was taken.
        try:
            overlay.layer_dirs(built._inspect)
            paths[dockerfile] = "overlay"
        except (overlay.NotLocal, PermissionError) as exc:
            paths[dockerfile] = f"api ({exc})"
    client.close()
    wrong = {d: p for d, p in paths.items() if not p.startswith(args.expect)}
    if wrong:
        print(f"expected the {args.expect} path, took: {wrong}", file=sys.stderr)
        return 3
    print(json.dumps({"seconds": seconds, "parts": parts, "facts": facts, "paths": paths}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
