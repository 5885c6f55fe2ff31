"""The order RuntimePool starts and kills image sets in (engine/runtime_pool.py), with stand-in
runtimes that record what they are asked to do: the real containers are tested against the
engine in tests/acceptance/test_runtime_lifecycle.py, where a kill is over before the next
service would start; here a kill is held open to see what waits for it."""

from __future__ import annotations

import signal
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_goimage.engine import runtime_pool
from pytest_goimage.engine.runtime_pool import RuntimePool

WAIT = 5.0  # seconds a stand-in waits for its gate before the test counts it as hung
RUNTIMES: dict[str, Recording] = {}  # the stand-ins the pool made, by Dockerfile


class Recording:
    """A stand-in ImageRuntime: records its calls in `log`; `kill` waits for `gate`."""

    def __init__(self, name: str, log: list[tuple[str, str]], gate: threading.Event) -> None:
        self.name, self.log, self.gate = name, log, gate
        self.removal = threading.Event()  # `stop` waits for it; set unless a test holds it
        self.removal.set()
        self.starting = threading.Event()  # `start_all` waits for it; likewise
        self.starting.set()
        self.minio: Any = None
        self.service: Any = None
        self.dependencies: dict[str, Any] = {}

    def start_all(self, minio_image: str) -> tuple[Any, dict[str, Any]]:
        assert self.starting.wait(WAIT), f"{self.name}'s start was never let go"
        self.log.append(("start_all", self.name))
        self.minio = SimpleNamespace(name=f"minio-{self.name}")
        return self.minio, {}

    def start_dependencies(self) -> dict[str, Any]:
        self.log.append(("dependencies", self.name))
        return {}

    def start_service(self, built: Any, minio_image: str) -> Any:
        if self.minio is None:
            self.start_all(minio_image)
        self.log.append(("service", self.name))
        self.service = SimpleNamespace(url=f"http://{self.name}")
        return self.service

    def kill(self) -> None:
        assert self.gate.wait(WAIT), f"{self.name}'s kill was never let go"
        self.log.append(("killed", self.name))

    def stop(self) -> None:
        assert self.removal.wait(WAIT), f"{self.name}'s removal was never let go"
        self.log.append(("removed", self.name))

    def stoppers(self) -> list[Any]:
        return [self.stop]

    def remove_network(self) -> None:
        pass


@pytest.fixture
def pool(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]]:
    log: list[tuple[str, str]] = []
    gates = {name: threading.Event() for name in ("A", "B", "C")}
    monkeypatch.setattr(
        runtime_pool,
        "ImageRuntime",
        lambda image, *rest: RUNTIMES.setdefault(
            image.dockerfile, Recording(image.dockerfile, log, gates[image.dockerfile])
        ),
    )
    RUNTIMES.clear()
    made = RuntimePool(
        client=lambda: None,
        minio_image_for=lambda image: "minio",
        image=lambda dockerfile: SimpleNamespace(dockerfile=dockerfile),  # type: ignore[arg-type,return-value]
        owner="test",
        project="p",
    )
    made.plan(["A", "B", "C"])
    return made, log, gates


def _image(name: str) -> Any:
    return SimpleNamespace(dockerfile=name)


def _run_a_then_release_it(made: RuntimePool) -> None:
    """A's set prepared and its service started (B's set prepared with it), then A released
    before B's items: A's kill starts in the background and waits for its gate."""
    made.prepare_first()
    made.service(_image("A"), lambda: "built-A")  # type: ignore[arg-type,return-value]
    made.release_unneeded("B")


def _eventually(condition: Any) -> bool:
    """Whether `condition()` holds within WAIT seconds (work a background thread does)."""
    deadline = time.monotonic() + WAIT
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(condition())


def _interrupted(call: Any) -> None:
    """Run `call` with a Ctrl-C (SIGINT's KeyboardInterrupt) arriving 0.2 s in; it must end
    `call` instead of being swallowed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _held_until_a_is_killed(
    call: Any, log: list[tuple[str, str]], gates: dict[str, threading.Event]
) -> list[tuple[str, str]]:
    """Run `call` while A's kill is held open: it must still wait after 0.3 s, and end once A's
    kill is let go. What was logged while it waited."""
    return _held_until(call, log, gates["A"].set)


def _held_until(call: Any, log: list[tuple[str, str]], let_go: Any) -> list[tuple[str, str]]:
    """Run `call`: it must still wait after 0.3 s, and end once `let_go()` is called. What was
    logged while it waited."""
    waiting = threading.Thread(target=call)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()
    seen = list(log)
    let_go()
    waiting.join(WAIT)
    assert not waiting.is_alive()
    return seen


def test_the_next_service_and_the_minio_after_it_wait_for_the_last_sets_kill(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    made, log, gates = pool
    _run_a_then_release_it(made)
    seen = _held_until_a_is_killed(
        lambda: made.service(_image("B"), lambda: "built-B"),  # type: ignore[arg-type,return-value]
        log,
        gates,
    )
    # B's service, and C's MinIO (prepared with B's service), waited for A's kill.
    assert ("service", "B") not in seen and ("start_all", "C") not in seen
    assert _eventually(lambda: ("start_all", "C") in log)  # C's prepare runs in a thread
    order = [entry for entry in log if entry[0] != "removed"]
    assert order.index(("killed", "A")) < order.index(("service", "B"))
    assert order.index(("killed", "A")) < order.index(("start_all", "C"))
    made.close()


@pytest.mark.parametrize("asks", ["minio", "dependencies"])
def test_a_fixtures_minio_or_dependencies_wait_for_the_last_sets_kill(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]], asks: str
) -> None:
    made, log, gates = pool
    _run_a_then_release_it(made)
    _held_until_a_is_killed(lambda: getattr(made, asks)(_image("B")), log, gates)
    made.close()
    assert log.index(("killed", "A")) < log.index(("removed", "A"))


def test_a_released_set_is_killed_then_removed_and_the_end_waits_for_it(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    made, log, gates = pool
    made.prepare_first()
    made.service(_image("A"), lambda: "built-A")  # type: ignore[arg-type,return-value]
    gates["A"].set()
    RUNTIMES["A"].removal.clear()
    made.release_unneeded(None)  # the last item: nothing comes after it
    ending = threading.Thread(target=made.close)
    ending.start()
    ending.join(0.3)
    assert ending.is_alive() and ("removed", "A") not in log  # the end waits for A's removal
    RUNTIMES["A"].removal.set()
    ending.join(WAIT)
    assert not ending.is_alive()
    assert log.index(("killed", "A")) < log.index(("removed", "A"))
    assert ("removed", "B") in log  # prepared ahead, never used: removed at the end


def test_ctrl_c_while_waiting_for_a_kill_ends_the_run_instead_of_starting_the_next_set(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    made, log, gates = pool
    _run_a_then_release_it(made)
    _interrupted(lambda: made.service(_image("B"), lambda: "built-B"))
    assert ("service", "B") not in log
    gates["A"].set()
    made.close()


def test_a_kill_the_engine_does_not_finish_in_time_is_reported(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made, log, gates = pool
    said: list[tuple[str, str, bool]] = []
    made.progress = lambda label, message, step: said.append((label, message, step))
    monkeypatch.setattr(runtime_pool, "_KILL_TIMEOUT", 0.2)
    _run_a_then_release_it(made)
    made.service(_image("B"), lambda: "built-B")  # type: ignore[arg-type,return-value]
    assert ("service", "B") in log
    assert (
        "cleanup",
        "the engine did not stop the previous image's containers within 0.2 s; the next image "
        "starts beside them",
        False,
    ) in said
    gates["A"].set()
    made.close()


def _a_removed_slowly_then_b_run_and_released(
    made: RuntimePool, log: list[tuple[str, str]], gates: dict[str, threading.Event]
) -> None:
    """Kills are quick; A's removal is held open. B's service must not wait for it, the last
    removal under way (if it did, it would wait the whole WAIT): then B is released too."""
    for gate in gates.values():
        gate.set()
    made.prepare_first()
    made.service(_image("A"), lambda: "built-A")  # type: ignore[arg-type,return-value]
    RUNTIMES["A"].removal.clear()
    made.release_unneeded("B")
    started = threading.Thread(target=made.service, args=(_image("B"), lambda: "built-B"))
    started.start()
    started.join(3.0)  # far below the WAIT it would take if it waited
    assert not started.is_alive() and ("removed", "A") not in log
    made.release_unneeded("C")  # A's removal is still held; B's goes on


def test_the_next_service_waits_for_older_removals_but_not_the_last_one(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    """Removals go on in the background; one older than the last set's means a slow engine,
    whose networks would pile up: the next service waits for it."""
    made, log, gates = pool
    _a_removed_slowly_then_b_run_and_released(made, log, gates)
    waiting = threading.Thread(target=made.service, args=(_image("C"), lambda: "built-C"))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and ("service", "C") not in log
    RUNTIMES["A"].removal.set()
    waiting.join(WAIT)
    assert not waiting.is_alive()
    assert log.index(("removed", "A")) < log.index(("service", "C"))
    made.close()


def test_ctrl_c_while_waiting_for_an_older_removal_ends_the_run(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    made, log, gates = pool
    _a_removed_slowly_then_b_run_and_released(made, log, gates)
    _interrupted(lambda: made.service(_image("C"), lambda: "built-C"))
    assert ("service", "C") not in log
    RUNTIMES["A"].removal.set()
    made.close()


def test_after_a_ctrl_c_during_an_early_start_the_end_waits_for_that_start(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    """Removing a set while its containers are still being created would leave those behind."""
    made, log, gates = pool
    RUNTIMES["A"] = Recording("A", log, gates["A"])  # the pool takes this one for A ...
    RUNTIMES["A"].starting.clear()  # ... whose start is held
    made.prepare_first()
    _interrupted(lambda: made.service(_image("A"), lambda: "built-A"))
    ending = threading.Thread(target=made.close)
    ending.start()
    ending.join(0.3)
    assert ending.is_alive()  # the end waits for A's start
    RUNTIMES["A"].starting.set()
    ending.join(WAIT)
    assert not ending.is_alive()
    assert log.index(("start_all", "A")) < log.index(("removed", "A"))


def test_a_set_started_ahead_for_an_image_run_third_is_killed_once_its_start_ends(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    """start_ahead guessed C; the items run A, B, then C. C's set goes (after its start:
    removing containers still being created would leave them behind), A's service waits for
    that kill, as for any other set's, and C gets a fresh set when its turn comes."""
    made, log, gates = pool
    RUNTIMES["C"] = Recording("C", log, gates["C"])
    RUNTIMES["C"].starting.clear()
    made.prepare("C")
    made.plan(["A", "B", "C"])
    assert "C" not in made._preparing
    seen = _held_until_started_ahead_is_killed(made, log, gates, "C")
    assert ("service", "A") not in seen and ("killed", "C") not in seen
    assert log.index(("start_all", "C")) < log.index(("killed", "C")) < log.index(("service", "A"))
    assert log.count(("start_all", "C")) == 1
    made.close()
    assert ("removed", "C") in log


def _held_until_started_ahead_is_killed(
    made: RuntimePool, log: list[tuple[str, str]], gates: dict[str, threading.Event], ahead: str
) -> list[tuple[str, str]]:
    """A's service asked for while the start of `ahead`'s set is held open (its kill itself
    would be quick): what was logged while it waited."""
    for gate in gates.values():
        gate.set()
    return _held_until(
        lambda: made.service(_image("A"), lambda: "built-A"),  # type: ignore[arg-type,return-value]
        log,
        RUNTIMES[ahead].starting.set,
    )


def test_a_set_started_ahead_for_the_second_image_is_kept_as_its_next_set(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    """A's service would start B's set ahead anyway: the one already starting is kept, not
    started twice."""
    made, log, gates = pool
    made.prepare("B")
    made.plan(["A", "B", "C"])
    for gate in gates.values():
        gate.set()
    made.service(_image("A"), lambda: "built-A")  # type: ignore[arg-type,return-value]
    made.release_unneeded("B")
    made.service(_image("B"), lambda: "built-B")  # type: ignore[arg-type,return-value]
    assert log.count(("start_all", "B")) == 1 and ("killed", "B") not in log
    made.close()


def test_a_set_started_ahead_for_the_first_image_is_the_one_its_items_use(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    made, log, gates = pool
    made.prepare("A")
    made.plan(["A", "B", "C"])
    made.service(_image("A"), lambda: "built-A")  # type: ignore[arg-type,return-value]
    assert log.count(("start_all", "A")) == 1 and ("killed", "A") not in log
    for gate in gates.values():
        gate.set()
    made.close()


def test_an_image_that_does_not_build_lets_its_set_started_ahead_go(
    pool: tuple[RuntimePool, list[tuple[str, str]], dict[str, threading.Event]],
) -> None:
    """No service will run beside it: it is killed and removed now, not at the end of the run."""
    made, log, gates = pool
    for gate in gates.values():
        gate.set()
    made.prepare_first()

    def build_fails() -> Any:
        raise RuntimeError("the build failed")

    with pytest.raises(RuntimeError, match="the build failed"):
        made.service(_image("A"), build_fails)
    assert "A" not in made._preparing
    assert _eventually(lambda: ("removed", "A") in log)
    assert log.index(("start_all", "A")) < log.index(("killed", "A"))
    made.close()
