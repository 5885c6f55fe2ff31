"""Whether the engine logged an out-of-memory kill for a container whose State does not say so.

Docker 20.10 sets State.OOMKilled only when containerd's TaskOOM event reaches it before
TaskExit, and containerd's shim before 2.2 sends the two in either order (containerd#12714,
"We should always send oom event before exit event"). So under load a container the kernel
killed for memory can show exit code 137 with OOMKilled false for good. The engine still logs
its `oom` event: measured here, 2 of 36 containers OOM-killed twelve at a time had the flag
false, and both had an `oom` event 0.25 and 0.75 s after their FinishedAt.
"""

from __future__ import annotations

import contextlib
import re
import threading
from calendar import timegm
from time import strptime
from typing import Any

# How long after the exit the engine may still log the event: 1.06 s at the slowest on an idle
# engine, but a fresh-clone CI run with two busy workers (2026-12-05) missed one at 2 s. The
# wait is paid only for a SIGKILL exit whose State does not say OOM.
GRACE_SECONDS = 4
SIGKILL_EXIT = 137
# How much longer than the grace period a lookup may take before it counts as "cannot say".
LOOKUP_SECONDS = 3

_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def engine_timestamp(rfc3339: str, plus_seconds: int = 0) -> str:
    """The engine's "2026-11-30T22:30:01.12345Z" as "seconds.nanoseconds", a form its events
    API takes for since and until, `plus_seconds` later."""
    match = _RFC3339.match(rfc3339)
    if match is None:
        raise ValueError(f"not an RFC 3339 time: {rfc3339!r}")
    whole, fraction, zone = match.groups()
    seconds = timegm(strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    nanos = int(((fraction or "") + "000000000")[:9])
    return f"{seconds + plus_seconds}.{nanos:09d}"


def may_hide_oom(state: dict[str, Any]) -> bool:
    """An exited container killed by SIGKILL whose State does not say it was for memory."""
    return (
        state.get("Status") in ("exited", "dead")
        and state.get("ExitCode") == SIGKILL_EXIT
        and not state.get("OOMKilled")
        and bool(state.get("StartedAt"))
        and bool(state.get("FinishedAt"))
    )


def logged_oom_kill(api: Any, container_id: str, state: dict[str, Any]) -> bool:
    """Whether the engine logged an `oom` event for the container between its start and
    GRACE_SECONDS after its exit; False when the engine cannot say.

    Waits until then in engine time (not at all once that has passed), and never longer than
    LOOKUP_SECONDS more: docker-py reads the event stream without a timeout, and a stalled
    engine or SSH link must not hold the run. The engine replays only its last 256 events, so
    on a busy engine a lookup made long after the exit may find nothing."""
    found: list[bool] = []
    streams: list[Any] = []
    lookup = threading.Thread(
        target=lambda: found.append(_oom_event_logged(api, container_id, state, streams)),
        name="goimage-oom-lookup",
        daemon=True,
    )
    lookup.start()
    lookup.join(GRACE_SECONDS + LOOKUP_SECONDS)
    if lookup.is_alive():  # stalled: closing its stream ends the read and frees the connection
        for stream in streams:
            with contextlib.suppress(Exception):
                stream.close()
    return bool(found) and found[0]


def _oom_event_logged(
    api: Any, container_id: str, state: dict[str, Any], streams: list[Any]
) -> bool:
    # Best effort, in a thread of its own: whatever fails (the engine refusing or gone, a time
    # in a form we do not read, a stream docker-py cannot close over SSH) means "cannot say".
    try:
        events = api.events(
            since=engine_timestamp(state["StartedAt"]),
            until=engine_timestamp(state["FinishedAt"], GRACE_SECONDS),
            filters={"container": container_id, "event": "oom"},
            decode=True,
        )
    except Exception:
        return False
    streams.append(events)
    try:
        return any(True for _event in events)
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            events.close()
