"""The size baseline file: each image's recorded size, read by the size check and the report,
and rewritten by --goimage-update-baseline."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.locks import cache_dir, file_lock
from ..errors import BaselineError

if TYPE_CHECKING:
    from ..config import ImageConfig


def read_baseline(path: Path) -> dict[str, Any]:
    """The baseline file's `images` table (dockerfile -> {"size_bytes": N}); {} when absent."""
    if path.is_dir():
        raise BaselineError(
            f"{path}: the `baseline` of [tool.goimage] is a directory; set it to a JSON file "
            f'path such as "{_shown(path / ".goimage-baseline.json")}".'
        )
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise _not_a_baseline(path, str(exc)) from None
    images = data.get("images") if isinstance(data, dict) else None
    if not isinstance(images, dict):
        raise _not_a_baseline(path, 'it has no "images" table')
    for dockerfile, entry in images.items():
        size = entry.get("size_bytes") if isinstance(entry, dict) else None
        # bool is an int to Python, never a size to a user.
        # No image is 0 B: a zero would make every size an infinite growth.
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise _not_a_baseline(
                path, f"{dockerfile!r} has no whole, positive number of bytes as size_bytes"
            )
    return images


def _not_a_baseline(path: Path, reason: str) -> BaselineError:
    return BaselineError(
        f"{path}: not a pytest-goimage baseline ({reason}). If `baseline` in [tool.goimage] "
        "names another file by mistake, point it at the baseline's own file (by default "
        ".goimage-baseline.json); if this is a damaged baseline, fix it, or delete it and "
        "rerun with --goimage-update-baseline to write it afresh."
    )


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def update_baseline(path: Path, dockerfile: str, size: int) -> None:
    """Record `size` for `dockerfile`, merging with other images (safe under xdist)."""
    # The lock lives in the user cache, not next to the baseline, so no stray file lands in git.
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    with file_lock(cache_dir() / f"baseline-{digest}.lock"):
        images = read_baseline(path)
        images[dockerfile] = {"size_bytes": size}
        text = json.dumps(
            {"schema": "pytest-goimage-baseline/v1", "images": images}, indent=2, sort_keys=True
        )
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # e.g. baseline = "ci/sizes.json"
            tmp.write_text(text + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):  # e.g. the parent is a file: no temp to remove
                tmp.unlink()
            blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
            why = (
                f"{blocker} is a file, not a folder"
                if blocker is not None
                else f"{exc.strerror or exc}; make its folder writable"
            )
            raise BaselineError(
                f"{path}: --goimage-update-baseline cannot write the baseline ({why}); point "
                "`baseline` in [tool.goimage] elsewhere."
            ) from None


def baseline_size(image: ImageConfig) -> int | None:
    entry = read_baseline(image.baseline).get(image.dockerfile)
    return None if entry is None else int(entry["size_bytes"])
