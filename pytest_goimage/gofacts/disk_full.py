"""How a full disk shows in build output and container logs."""

from __future__ import annotations

import re

# ENOSPC as Go, coreutils and BuildKit spell it.
DISK_FULL = re.compile(r"no space left on device", re.IGNORECASE)
