"""Whether an image ships no Go program at all (a docs or proxy image), so that the Go checks
do not apply: decided from the Dockerfile and the image, never from a guess."""

from __future__ import annotations

from ..config import ImageConfig
from ..engine.image import BuiltImage
from ..errors import BinaryError, GoImageError
from ..gofacts.elf import looks_like_elf
from .go_evidence import go_evidence


def why_no_go_binary(image: ImageConfig, built: BuiltImage) -> str:
    """Why `built` runs no Go program ("" when it ships Go or what it runs cannot be told):
    nothing in the Dockerfile ships Go (go_evidence) and the program ENTRYPOINT/CMD runs is
    a script, or an ELF file without Go build info."""
    if go_evidence(image.dockerfile_path, image.context_path, image.build_args):
        return ""  # it ships Go: static says what it found instead of a quiet skip
    try:
        binary = built.binary
    except BinaryError:
        try:
            path = built.binary_path
            head = built.read_file(path)[:4]
        except (GoImageError, OSError):
            return ""
        if looks_like_elf(head):
            return ""  # an ELF file the reader failed on: static says why
        what = "a script, not an executable"
    else:
        if binary.build_info is not None:
            return ""
        path, what = binary.path, "an executable without Go build info"
    return (
        f"{image.dockerfile}: no Go binary: {path}, the program image {built.tag} runs, is "
        f"{what}, so the Go checks (static, bucket, health) do not apply. If it runs a Go "
        "program after all, set `binary` to that program's path for this image in "
        "[[tool.goimage.image]]."
    )
