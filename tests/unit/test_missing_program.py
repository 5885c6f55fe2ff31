"""The symlinks a program path goes through to a file the image lacks (no engine): the walk
BuiltImage's message about a dangling ENTRYPOINT link is made from."""

from __future__ import annotations

import stat

import pytest

from pytest_goimage.engine.missing_program import Dangling, dangling
from pytest_goimage.engine.program_files import FileMode, Lookup

FILE = FileMode(stat.S_IFREG | 0o755, 0, 0)
FOLDER = FileMode(stat.S_IFDIR | 0o755, 0, 0)


def image(entries: dict[str, FileMode | str]) -> Lookup:
    """A lookup over `entries` (path -> mode, or a symlink's target as written) that stops at
    the first symlink on the way, as program_files' overlay and export lookups do."""

    def lookup(parts: list[str]) -> tuple[FileMode | str, int] | None:
        for depth in range(len(parts)):
            entry = entries.get("/" + "/".join(parts[: depth + 1]))
            if entry is None:
                return None
            if isinstance(entry, str) or depth == len(parts) - 1:
                return entry, depth
        return None

    return lookup


TRIAL: dict[str, FileMode | str] = {
    "/app": FOLDER,
    "/app/server": "/opt/server/server-1.2.4",
    "/opt": FOLDER,
    "/opt/server": FOLDER,
    "/opt/server/server-1.2.3": FILE,
    "/usr": FOLDER,
    "/usr/local": FOLDER,
    "/usr/local/bin": FOLDER,
    "/usr/local/bin/server": "../../opt/server-1.2.4",
    "/usr/local/bin/ok": "/opt/server/server-1.2.3",
    "/srv": "/opt/v2",
    "/loop": "/loop2",
    "/loop2": "/loop",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/app/server",
            Dangling((("/app/server", "/opt/server/server-1.2.4"),), "/opt/server/server-1.2.4"),
        ),
        # A relative target is relative to the link's folder.
        (
            "/usr/local/bin/server",
            Dangling(
                (("/usr/local/bin/server", "../../opt/server-1.2.4"),), "/usr/opt/server-1.2.4"
            ),
        ),
        # A link to a folder on the way.
        ("/srv/server", Dangling((("/srv", "/opt/v2"),), "/opt/v2/server")),
        ("/usr/local/bin/ok", None),  # the link leads to a file
        ("/opt/server/server-1.2.3", None),
        ("/app/nothing", None),  # simply not there: no link to blame
        ("/loop", None),
    ],
)
def test_dangling_names_each_link_and_the_path_it_leads_to(
    path: str, expected: Dangling | None
) -> None:
    assert dangling(image(TRIAL), path) == expected
