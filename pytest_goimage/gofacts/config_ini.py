"""INI-style configuration a team copies into its image (`app.ini` as go-ini and Gitea read it,
`application.properties`, supervisord's `[program:x]` files), read into sections of
`key = value` pairs so that config_values judges its credentials as it does YAML's."""

from __future__ import annotations

import configparser
import re
from typing import Any

INI_CONFIG = re.compile(r"(^|/)[^/]+\.(ini|cfg|conf|properties)$")
# The operating system's own settings, which no team writes: `passwd: files` in
# /etc/nsswitch.conf names a lookup source, not a password. A `.conf` directly in /etc/ is the
# OS's (a team's goes to /etc/<service>/), as is every file in the OS's own folders of /etc/.
_SYSTEM_SETTINGS = re.compile(
    r"^etc/([^/]+\.conf$|(security|selinux|ld\.so\.conf\.d|systemd|pam\.d|sysctl\.d|"
    r"modprobe\.d|modules-load\.d|logrotate\.d|dpkg|apt|default|init\.d|profile\.d|X11|"
    r"fonts|udev|dbus-1|sudoers\.d|pki|crypto-policies|rsyslog\.d|ssh|sysconfig|tmpfiles\.d|"
    r"binfmt\.d|environment\.d|kernel|security\.d|alternatives)/)"
)
_TOP = "\x00top"  # the section of the keys before any [section] (a .properties file's all)
# go-ini strips a value's quotes, double or backtick (`KEY = "a b"`, KEY = `a b`).
_QUOTED = re.compile(r'^(["`\'])(.*)\1$', re.S)


def reads_as_ini(path: str) -> bool:
    """Whether `path` is configuration a team writes in INI form, not the OS's own."""
    return bool(INI_CONFIG.search(path)) and not _SYSTEM_SETTINGS.match(path)


def ini_document(text: str) -> dict[str, Any] | None:
    """`{key: value}` for the keys before any section and `{section: {key: value}}` for each
    section, as go-ini reads the file (`#`/`;` comments, `=` or `:`, quotes stripped); None for
    text that is no INI (nginx's blocks, redis.conf's `requirepass x`, a line with no value): a
    file this cannot read is not judged, never failed."""
    parser = configparser.RawConfigParser(
        strict=False,
        inline_comment_prefixes=("#", ";"),
        default_section="\x00default",  # no section's keys leak into the others
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    try:
        parser.read_string(f"[{_TOP}]\n{text}")
    except configparser.Error:
        return None
    document: dict[str, Any] = {}
    for section in parser.sections():
        values = {key: _unquoted(value) for key, value in parser.items(section) if value}
        if section == _TOP:
            document.update(values)
        else:
            document[section] = values
    return document


def _unquoted(value: str) -> str:
    """configparser hands values over stripped already, inline comments cut off."""
    match = _QUOTED.match(value)
    return match.group(2) if match else value
