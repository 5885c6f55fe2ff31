"""The `[tool.goimage]` settings that decide what is built, as HEAD holds them: `build_args`,
`target`, the Dockerfile and the context are build inputs as much as a Dockerfile is, so an
uncommitted edit of them (`TAGS = "debug"`) builds an image no commit describes (trial 35B).
Runtime settings (`env`, timeouts) do not change the image, and neither does `builder`: it
says where BuildKit runs (a CI runner's remote engine, set for that machine), not what it
builds from; none of them count."""

from __future__ import annotations

import sys
from pathlib import Path

from .config import GoImageConfig, ImageConfig, parse_config
from .errors import ConfigError
from .gofacts.git_head import file_at_head

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

_BUILD_SETTINGS = ("dockerfile_path", "context_path", "target")


def uncommitted_build_settings(config: GoImageConfig, image: ImageConfig, root: Path) -> str:
    """Why the working copy's configuration builds `image` otherwise than HEAD's does (a
    sentence for provenance's failure), or "" when they agree, the file is not tracked, not
    changed, or outside the work tree `root`."""
    source = config.source
    try:
        name = source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    if not source.is_file() or source.name not in config.heads.modified(source.parent):
        return ""
    text = file_at_head(root, name)
    if text is None:
        return ""
    try:
        tool = tomllib.loads(text).get("tool", {})
        table = tool.get("goimage", {}) if isinstance(tool, dict) else {}
        committed = parse_config(table, rootdir=config.rootdir, source=source)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        return (
            f"{name} is changed since HEAD, and HEAD's [tool.goimage] does not build this image "
            f"({str(exc).splitlines()[0][:200]}); commit the settings the image was built with"
        )
    same = next((i for i in committed.images if i.dockerfile == image.dockerfile), None)
    if same is None:
        return (
            f"{name} is changed since HEAD, whose [tool.goimage] does not list {image.dockerfile}; "
            "commit the settings the image was built with"
        )
    differing = [
        key.removesuffix("_path")
        for key in _BUILD_SETTINGS
        if getattr(same, key) != getattr(image, key)
    ]
    names = sorted(set(same.build_args) | set(image.build_args))
    differing += [
        f"build_args.{arg}"
        for arg in names
        if same.build_args.get(arg) != image.build_args.get(arg)
    ]
    if not differing:
        return ""
    return (
        f"its settings in {name} differ from HEAD's in {', '.join(differing)} (uncommitted), "
        "which decide what is built, so a clean checkout of HEAD builds another image; commit "
        "them"
    )
