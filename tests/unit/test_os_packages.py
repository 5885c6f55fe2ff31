"""Reading dpkg's and apk's databases for the files a package shipped, as debsums and
`apk audit` compare them."""

from __future__ import annotations

import base64
import hashlib

from pytest_goimage.gofacts.os_packages import database_files, shipped_files, shipped_note

FILTER = b"[INCLUDES]\n[DEFAULT]\n__pam_auth = pam_unix\n"
JAIL = b"[sshd]\nenabled = true\n"
CHANGED = FILTER + b"password = Team-Pw-91\n"
DEBIAN_VERSION = b"12.5\n"
TIMEZONE = b"Etc/UTC\n"


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


# Written in the form dpkg writes /var/lib/dpkg/status: paragraphs, `Conffiles:` lines that
# start with a space, an `obsolete` flag on a conffile a newer version no longer ships.
STATUS = f"""Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Version: 12.4+deb12u5
Conffiles:
 /etc/debian_version {md5(DEBIAN_VERSION)}
Description: Debian base system miscellaneous files

Package: fail2ban
Status: install ok installed
Architecture: all
Version: 1.0.1-1
Conffiles:
 /etc/fail2ban/filter.d/common.conf {md5(FILTER)}
 /etc/fail2ban/jail.d/defaults-debian.conf {md5(JAIL)} obsolete
Description: ban hosts that cause multiple authentication errors
 Fail2ban monitors log files.
 .
 It is written in Python.

Package: old-tool
Status: deinstall ok config-files
Conffiles:
 /etc/old-tool/tool.conf {md5(FILTER)}
""".encode()


def read_from(files: dict[str, bytes]):  # type: ignore[no-untyped-def]
    asked: list[list[str]] = []

    def read(paths: list[str]) -> dict[str, bytes]:
        asked.append(paths)
        return {p: files[p] for p in paths}

    return read, asked


def test_dpkg_conffiles_of_installed_packages_only() -> None:
    files = {"var/lib/dpkg/status": STATUS}
    read, _ = read_from(files)
    shipped = shipped_files(read, ["etc/passwd", *files])
    assert sorted(shipped) == [
        "etc/debian_version",
        "etc/fail2ban/filter.d/common.conf",
        "etc/fail2ban/jail.d/defaults-debian.conf",
    ]
    common = shipped["etc/fail2ban/filter.d/common.conf"]
    assert (common.package, common.manager) == ("fail2ban", "Debian")
    assert common.holds(FILTER)
    assert not common.holds(CHANGED)
    assert shipped["etc/fail2ban/jail.d/defaults-debian.conf"].holds(JAIL)


def test_dpkg_md5sums_and_distroless_status_folder() -> None:
    tool = b"#!/bin/sh\n"
    files = {
        "var/lib/dpkg/info/fail2ban.md5sums": f"{md5(tool)}  usr/bin/fail2ban-client\n".encode(),
        "var/lib/dpkg/info/libc6:amd64.md5sums": f"{md5(b'x')}  lib/x86_64/libc.so.6\n".encode(),
        # distroless keeps one status paragraph per package in status.d/.
        "var/lib/dpkg/status.d/tzdata": (
            f"Package: tzdata\nStatus: install ok installed\nConffiles:\n"
            f" /etc/timezone {md5(TIMEZONE)}\n"
        ).encode(),
        "var/lib/dpkg/status.d/tzdata.md5sums": f"{md5(b'TZif')}  usr/share/zoneinfo/UTC\n".encode(),
    }
    read, _ = read_from(files)
    shipped = shipped_files(read, files)
    assert shipped["usr/bin/fail2ban-client"].package == "fail2ban"
    assert shipped["lib/x86_64/libc.so.6"].package == "libc6"
    assert shipped["etc/timezone"].holds(TIMEZONE)
    assert shipped["usr/share/zoneinfo/UTC"].package == "tzdata"


def q1(data: bytes) -> str:
    return "Q1" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def q2(data: bytes) -> str:
    return "Q2" + base64.b64encode(hashlib.sha256(data).digest()).decode()


# Written in the form apk writes /lib/apk/db/installed: `P:` a package, `F:` a folder, `R:` a
# file in it followed by its `a:` mode and `Z:` checksum; a folder's own `M:`/`Z:` lines are not
# a file's.
APK = f"""C:Q1Mr7FfDMJbo0h3jlmNCB2xXUyFso=
P:fail2ban
V:1.1.0-r2
A:x86_64
F:etc
F:etc/fail2ban
M:0:0:755
F:etc/fail2ban/filter.d
R:common.conf
a:0:0:644
Z:{q1(FILTER)}
R:sshd.conf
Z:{q2(JAIL)}
R:broken.conf
Z:Q1not*base64
R:old.conf
Z:{md5(DEBIAN_VERSION)}
R:unknown.conf
Z:X9abc

P:busybox
F:bin
R:busybox
Z:{q1(b"ELF")}
""".encode()


def test_apk_installed_files_with_sha1_and_sha256() -> None:
    read, _ = read_from({"lib/apk/db/installed": APK})
    shipped = shipped_files(read, ["lib/apk/db/installed", "etc/fail2ban/filter.d/common.conf"])
    assert sorted(shipped) == [
        "bin/busybox",
        "etc/fail2ban/filter.d/common.conf",
        "etc/fail2ban/filter.d/old.conf",
        "etc/fail2ban/filter.d/sshd.conf",
    ]
    common = shipped["etc/fail2ban/filter.d/common.conf"]
    assert (common.package, common.manager, common.algorithm) == ("fail2ban", "Alpine", "sha1")
    assert common.holds(FILTER)
    assert shipped["etc/fail2ban/filter.d/sshd.conf"].holds(JAIL)
    assert shipped["etc/fail2ban/filter.d/old.conf"].holds(DEBIAN_VERSION)
    assert shipped["bin/busybox"].package == "busybox"


def test_no_database_reads_nothing() -> None:
    read, asked = read_from({})
    assert shipped_files(read, ["etc/app/config.yaml", "var/lib/dpkg/info/x.list"]) == {}
    assert asked == []
    assert database_files(["var/lib/dpkg/status-old", "var/lib/dpkg/info/x.list"]) == []


def test_the_note_names_the_package_only_for_the_content_it_shipped() -> None:
    read, _ = read_from({"var/lib/dpkg/status": STATUS})
    shipped = shipped_files(read, ["var/lib/dpkg/status"])
    path = "etc/fail2ban/filter.d/common.conf"
    assert shipped_note(path, FILTER, shipped) == (
        "; it is the file as Debian package fail2ban ships it, unchanged: if it holds no secret "
        'of yours, add "/etc/fail2ban/filter.d/common.conf" to secrets_ignore'
    )
    assert shipped_note(path, CHANGED, shipped) == ""  # the team's edit: its own secret
    assert shipped_note("etc/app/config.yaml", FILTER, shipped) == ""
    # A package removed with its configuration kept is no longer installed.
    assert shipped_note("etc/old-tool/tool.conf", FILTER, shipped) == ""
