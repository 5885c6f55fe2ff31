"""Names of what a run creates: tags and file names per Dockerfile, unique per run."""

from __future__ import annotations

import hashlib
import re

from ..config import GoImageConfig, ImageConfig

__all__ = ["image_key", "image_tag", "slug"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "image"


def image_key(dockerfile: str) -> str:
    """A file- and tag-safe name per Dockerfile; the hash keeps `api.Dockerfile` and
    `api/Dockerfile` (or `Dockerfile.Prod` and `Dockerfile.prod`) apart."""
    return f"{slug(dockerfile)}-{hashlib.sha256(dockerfile.encode()).hexdigest()[:6]}"


def image_tag(config: GoImageConfig, image: ImageConfig, run_id: str) -> str:
    """`goimage/<project>-<dockerfile>:<run>`: concurrent runs never share (or remove) a tag."""
    return f"goimage/{slug(config.project.name)}-{image_key(image.dockerfile)}:{run_id}"
