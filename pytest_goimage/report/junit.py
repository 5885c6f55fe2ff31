"""JUnit XML properties of an image's test cases, from its record."""

from __future__ import annotations

from .json_report import seconds_value
from .records import ImageRecord


def junit_properties(image: ImageRecord) -> list[tuple[str, str]]:
    """`record_property`-style pairs for the image's test cases; unknown values are left out."""
    props = [("image", image.tag or image.dockerfile)]
    if image.size_bytes is not None:
        props.append(("size_bytes", str(image.size_bytes)))
    if image.go_version:
        props.append(("go_version", image.go_version))
    if image.build_seconds is not None:
        props.append(("build_seconds", str(seconds_value(image.build_seconds))))
    return props
