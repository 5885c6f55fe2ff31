"""The local source paths a Go binary built without `-trimpath` carries: where it was built."""

from __future__ import annotations

import re

# Absolute Go source paths the compiler wrote into the binary's line tables; not the tail of a
# relative one (`internal/abi/abi.go` holds `/abi/abi.go`).
# An absolute path to a .go file. It must not continue a longer path or word: that is checked
# on the byte before a match, not by a look-behind, which would keep the regex engine from
# jumping from one "/" to the next and made scanning a 10 MB binary ten times slower.
_SOURCE_PATH = re.compile(rb"/(?:[\w.@+~-]+/)+[\w.@+~-]+\.go\b")
_PATH_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@+~/-")


def local_source_paths(data: bytes) -> set[str]:
    """The absolute .go file paths written in `data` (a binary built without -trimpath)."""
    return {
        match.group().decode("utf-8", "replace")
        for match in _SOURCE_PATH.finditer(data)
        if match.start() == 0 or data[match.start() - 1] not in _PATH_BYTES
    }
