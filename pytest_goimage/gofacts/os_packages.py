"""Which OS package installed a file, and whether the image holds it as the package shipped it,
read from the package manager's own database in the image: dpkg's `status` (`Conffiles:`, the
checksums of /etc files) and `info/*.md5sums` (distroless: `status.d/`), apk's `installed`
(`Z:`, a SHA-1 or SHA-256 of the content). What `debsums` and `apk audit` compare.

The secrets check still fails on such a file (a team's own package can ship its password too);
this only lets the failure say whose file it is, so that the team can tell a sample
configuration from its own.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

DPKG_STATUS = "var/lib/dpkg/status"
APK_INSTALLED = "lib/apk/db/installed"
_DPKG_LISTS = re.compile(r"^var/lib/dpkg/(status\.d/[^/]+|info/[^/]+\.md5sums)$")
_CONFFILE = re.compile(r"^ (/\S+) ([0-9a-f]{32})(?: \S+)?$")
_MD5SUMS = re.compile(r"^([0-9a-f]{32}) +(\S.*)$")


@dataclass(frozen=True)
class Shipped:
    """A file as a package records it: its package, the manager, and the content's digest."""

    package: str
    manager: str  # "Debian" (dpkg) or "Alpine" (apk)
    algorithm: str  # hashlib's name
    digest: bytes

    def holds(self, data: bytes) -> bool:
        """Whether `data` is the content the package shipped."""
        return hashlib.new(self.algorithm, data).digest() == self.digest


def database_files(paths: Iterable[str]) -> list[str]:
    """The package database files among an image's paths (no leading `/`)."""
    return sorted(p for p in paths if p in (DPKG_STATUS, APK_INSTALLED) or _DPKG_LISTS.match(p))


def shipped_files(
    read: Callable[[list[str]], Mapping[str, bytes]], paths: Iterable[str]
) -> dict[str, Shipped]:
    """Every file the image's package databases record with a digest, by path (no leading
    `/`); `read` returns the named files' contents."""
    wanted = database_files(paths)
    if not wanted:
        return {}
    contents = read(wanted)
    shipped: dict[str, Shipped] = {}
    for path in wanted:
        text = contents.get(path, b"").decode("utf-8", "replace")
        if path == APK_INSTALLED:
            shipped.update(_apk_files(text))
        elif path.endswith(".md5sums"):
            package = path.rsplit("/", 1)[-1].removesuffix(".md5sums").split(":", 1)[0]
            shipped.update(_md5sums_files(text, package))
        else:
            shipped.update(_dpkg_conffiles(text))
    return shipped


def _dpkg_conffiles(text: str) -> dict[str, Shipped]:
    """The `Conffiles:` of each installed package of a dpkg status file."""
    found: dict[str, Shipped] = {}
    for paragraph in re.split(r"\n\s*\n", text):
        package = re.search(r"(?m)^Package: *(\S+)", paragraph)
        status = re.search(r"(?m)^Status: *(.*)$", paragraph)
        if not package or (status and not status.group(1).rstrip().endswith(" installed")):
            continue
        listed = re.search(r"(?m)^Conffiles:[ \t]*\n((?: .*\n?)*)", paragraph)
        for line in (listed.group(1) if listed else "").splitlines():
            conffile = _CONFFILE.match(line)
            if conffile:
                found[conffile.group(1).lstrip("/")] = Shipped(
                    package.group(1), "Debian", "md5", bytes.fromhex(conffile.group(2))
                )
    return found


def _md5sums_files(text: str, package: str) -> dict[str, Shipped]:
    found: dict[str, Shipped] = {}
    for line in text.splitlines():
        entry = _MD5SUMS.match(line)
        if entry:
            found[entry.group(2).lstrip("/")] = Shipped(
                package, "Debian", "md5", bytes.fromhex(entry.group(1))
            )
    return found


def _apk_files(text: str) -> dict[str, Shipped]:
    """apk's installed database: `P:` a package, `F:` a folder, `R:` a file in it, `Z:` that
    file's checksum."""
    found: dict[str, Shipped] = {}
    package = folder = file = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "P":
            package, folder, file = value, "", ""
        elif key == "F":
            folder, file = value, ""
        elif key == "R":
            file = value
        elif key == "Z" and file:
            checksum = _apk_checksum(value)
            if checksum:
                path = f"{folder}/{file}" if folder else file
                found[path] = Shipped(package, "Alpine", *checksum)
    return found


def _apk_checksum(value: str) -> tuple[str, bytes] | None:
    """apk writes a checksum as `Q1` + base64 (SHA-1), `Q2` + base64 (SHA-256), or hex (MD5,
    from packages of before SHA-1)."""
    if re.fullmatch(r"[0-9a-f]{32}", value):
        return "md5", bytes.fromhex(value)
    if value[:2] not in ("Q1", "Q2"):
        return None
    try:
        digest = base64.b64decode(value[2:], validate=True)
    except ValueError:
        return None
    return ("sha1" if value[:2] == "Q1" else "sha256"), digest


def shipped_note(path: str, data: bytes, shipped: Mapping[str, Shipped]) -> str:
    """What a finding in `path` adds when its package shipped it so: whose file it is and how to
    accept it. Empty for a file no package shipped, or one changed since."""
    record = shipped.get(path)
    if record is None or not record.holds(data):
        return ""
    return (
        f"; it is the file as {record.manager} package {record.package} ships it, unchanged: "
        f'if it holds no secret of yours, add "/{path}" to secrets_ignore'
    )
