"""tests/seed_images.sh never shadows a real base image: it pulls first, builds a labelled
stand-in only when the pull fails (and says so), and `make clean-standins` removes stand-ins only.

Every test works on throwaway tags and its own value of the stand-in label, so the real
stand-ins (alpine:3.22, golang:*-alpine) that concurrent tests build on are never touched. The
pulls are real: from a registry server (Debian's docker-registry) on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import socket
import subprocess
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import pytest
import requests

from pytest_goimage.engine.poll import wait_until

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "seed_images.sh"
STANDIN = "io.github.pytest-goimage.standin"
LAYOUT = f"{STANDIN}.layout"  # the busybox stand-ins' layout (tests/seed_images.sh)
REGISTRY = "/usr/bin/docker-registry"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _install_registry() -> None:
    """Debian's docker-registry (the distribution registry server), installed once; xdist's
    workers take turns (two apt-get runs at once: one fails on dpkg's lock)."""
    if os.path.exists(REGISTRY):
        return
    if os.getuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail(f"{REGISTRY} is missing: install Debian's docker-registry package", False)
    lock = Path(os.environ.get("TMPDIR", "/tmp")) / "pytest-goimage-registry-install.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if os.path.exists(REGISTRY):  # the other worker installed it meanwhile
            return
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "docker-registry"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=True)
            subprocess.run(install, env=env, capture_output=True, check=True)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real image registry on 127.0.0.1 (the engine trusts loopback registries over HTTP)."""
    _install_registry()
    folder = tmp_path_factory.mktemp("registry")
    address = f"127.0.0.1:{_free_port()}"
    (folder / "config.yml").write_text(
        "version: 0.1\nlog:\n  level: error\n"
        f"storage:\n  filesystem:\n    rootdirectory: {folder / 'data'}\n"
        f"http:\n  addr: {address}\n"
    )
    server = subprocess.Popen(
        [REGISTRY, "serve", str(folder / "config.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"http://{address}/v2/", timeout=1).status_code == 200
        return False

    try:
        wait_until(answers, 20, give_up=lambda: server.poll() is not None)
        assert answers(), f"{REGISTRY} did not answer on {address}"
        yield address
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def silent_registry() -> Iterator[str]:
    """An address that accepts connections and never answers (a registry behind a dead proxy)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # never accepted: the kernel completes the handshakes, nobody answers
        yield f"127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def standin_value() -> str:
    """A stand-in label value of this test's own: --clean with it leaves the real stand-ins."""
    return f"test-{uuid.uuid4().hex[:12]}"


class Throwaway:
    """One-file images under throwaway tags; `close` removes them and whatever else was tracked."""

    def __init__(self, client: docker.DockerClient) -> None:
        self.client = client
        self.tags: list[str] = []

    def make(self, tag: str, labels: dict[str, str] | None = None) -> str:
        """Import an image as `tag`; returns its id."""
        data = io.BytesIO()
        with tarfile.open(fileobj=data, mode="w") as tar:
            info = tarfile.TarInfo("marker")
            info.size = len(tag)
            tar.addfile(info, io.BytesIO(tag.encode()))
        repository, _, version = tag.rpartition(":")
        changes = [f'LABEL "{key}"="{value}"' for key, value in (labels or {}).items()]
        self.client.api.import_image_from_data(
            data.getvalue(), repository=repository, tag=version, changes=changes or None
        )
        self.track(tag)
        return str(self.client.images.get(tag).id)

    def track(self, tag: str) -> None:
        self.tags.append(tag)

    def close(self) -> None:
        for tag in self.tags:
            with contextlib.suppress(docker.errors.NotFound):
                self.client.images.remove(tag, force=True)


@pytest.fixture
def images(docker_client: docker.DockerClient) -> Iterator[Throwaway]:
    throwaway = Throwaway(docker_client)
    yield throwaway
    throwaway.close()


def _seed(
    standin_value: str, *tags: str, timeout: int = 20, kind: str = "ALPINE"
) -> subprocess.CompletedProcess[str]:
    """Run the script on `tags` as its SEED_<kind>_TAGS, and on no other tag."""
    env = {
        **os.environ,
        **{f"SEED_{name}_TAGS": "" for name in ("GO", "ALPINE", "REDIS")},
        f"SEED_{kind}_TAGS": " ".join(tags),
        "SEED_STANDIN_VALUE": standin_value,
        "SEED_PULL_TIMEOUT": str(timeout),
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300
    )


def _image_id(client: docker.DockerClient, tag: str) -> str | None:
    try:
        return str(client.images.get(tag).id)
    except docker.errors.ImageNotFound:
        return None


def _push(client: docker.DockerClient, tag: str) -> None:
    """Put `tag` into the registry it names, and take it off the engine."""
    subprocess.run(["docker", "push", tag], check=True, capture_output=True)
    client.images.remove(tag)


def _warning(tag: str, reason: str, doing: str) -> str:
    return (
        f"seed_images: WARNING: {tag} cannot be pulled ({reason}); {doing} under that tag. Every "
        f"build on this engine that names {tag} uses it until `make clean-standins` removes it."
    )


@pytest.mark.parametrize(("kind", "name"), [("ALPINE", "alpine:3.22"), ("REDIS", "redis:7")])
def test_a_real_image_under_the_tag_is_left_alone(
    images: Throwaway, docker_client: docker.DockerClient, standin_value: str, kind: str, name: str
) -> None:
    tag = f"seedtest-{uuid.uuid4().hex[:12]}/{name}"
    real = images.make(tag)
    seeded = _seed(standin_value, tag, kind=kind)
    assert (seeded.returncode, seeded.stdout, seeded.stderr) == (0, f"{tag}: present\n", "")
    assert _image_id(docker_client, tag) == real


def test_a_tag_that_can_be_pulled_is_pulled_not_stood_in(
    registry: str, images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    tag = f"{registry}/seedtest-{uuid.uuid4().hex[:12]}/alpine:3.22"
    real = images.make(tag)
    _push(docker_client, tag)
    seeded = _seed(standin_value, tag)
    assert (seeded.returncode, seeded.stdout, seeded.stderr) == (0, f"{tag}: pulled\n", "")
    assert _image_id(docker_client, tag) == real


def test_a_stand_in_is_replaced_once_the_real_image_can_be_pulled(
    registry: str, images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    tag = f"{registry}/seedtest-{uuid.uuid4().hex[:12]}/alpine:3.22"
    real = images.make(tag)
    _push(docker_client, tag)
    standin = images.make(tag, {STANDIN: standin_value, f"{STANDIN}.for": tag})
    seeded = _seed(standin_value, tag)
    assert (seeded.returncode, seeded.stdout, seeded.stderr) == (0, f"{tag}: pulled\n", "")
    assert _image_id(docker_client, tag) == real
    assert _image_id(docker_client, standin) is None  # the replaced stand-in is gone


def test_a_stand_in_of_an_older_layout_is_built_again(
    images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    """The review: an engine that kept a stand-in from before /usr/bin/env was linked never got
    it. One without the current layout label is built again (here, with no registry)."""
    closed = f"127.0.0.1:{_free_port()}"
    tag = f"{closed}/seedtest-{uuid.uuid4().hex[:12]}/alpine:3.22"
    old = images.make(tag, {STANDIN: standin_value, f"{STANDIN}.for": tag})
    seeded = _seed(standin_value, tag)
    assert (seeded.returncode, seeded.stdout) == (0, f"{tag}: stand-in rebuilt\n"), seeded.stderr
    assert f"{tag}: the stand-in has an older layout; building it again" in seeded.stderr
    assert _image_id(docker_client, tag) != old
    assert docker_client.images.get(tag).labels[LAYOUT] == "2"
    ran = docker_client.containers.run(tag, ["/usr/bin/env"], remove=True)
    assert b"PATH=" in ran


def test_a_tag_that_cannot_be_pulled_gets_a_labelled_stand_in_and_a_warning(
    images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    closed = f"127.0.0.1:{_free_port()}"  # nothing listens: connection refused
    tag = f"{closed}/seedtest-{uuid.uuid4().hex[:12]}/alpine:3.22"
    images.track(tag)
    seeded = _seed(standin_value, tag)
    assert (seeded.returncode, seeded.stdout) == (0, f"{tag}: stand-in built\n")
    reason = (
        f'Error response from daemon: Get "http://{closed}/v2/": dial tcp {closed}: '
        "connect: connection refused"
    )
    assert seeded.stderr == _warning(tag, reason, "building an offline stand-in") + "\n"
    labels = docker_client.images.get(tag).labels
    assert (labels[STANDIN], labels[f"{STANDIN}.for"], labels[LAYOUT]) == (standin_value, tag, "2")
    # Alpine's own ways to make a service user work in it as in Alpine (trial 13 F4: Debian's
    # busybox-static has no addgroup or adduser applet): options after the name, long ones, a
    # user added to a group, ids after Alpine's own users and groups.
    script = (
        "addgroup -S app && adduser -S -G app app && id app"
        " && addgroup -S appgroup && adduser -S appuser -G appgroup && id appuser"
        " && adduser --disabled-password --gecos '' --uid 2000 web && id web"
        " && grep ^web: /etc/passwd && adduser web app && id web"
        " && adduser -S svc && id svc"
        " && if adduser asks </dev/null; then echo no password asked; fi"
    )
    made: bytes = docker_client.containers.run(tag, ["sh", "-c", script], remove=True)
    assert made.decode() == (
        "uid=100(app) gid=101(app) groups=101(app)\n"
        "uid=101(appuser) gid=102(appgroup) groups=102(appgroup)\n"
        "uid=2000(web) gid=2000(web) groups=2000(web)\n"
        "web:x:2000:2000::/home/web:/bin/sh\n"
        "uid=2000(web) gid=2000(web) groups=2000(web),101(app)\n"
        "uid=102(svc) gid=65533(nogroup) groups=65533(nogroup)\n"
        "Changing password for asks\nNew password: \n"
    )


def test_a_tag_the_registry_does_not_have_gets_no_stand_in(
    registry: str, images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    """A registry that answers "manifest unknown" (a Go patch release not yet published) is
    reachable: a stand-in would shadow the real image once it appears, so the script stops."""
    tag = f"{registry}/seedtest-{uuid.uuid4().hex[:12]}/alpine:3.22"
    images.track(tag)
    seeded = _seed(standin_value, tag)
    assert (seeded.returncode, seeded.stdout) == (1, "")
    assert seeded.stderr.startswith(f"seed_images: error: {tag} cannot be pulled: "), seeded.stderr
    assert seeded.stderr.endswith(
        ". The registry answered, so no stand-in is built: fix the tag, log in (docker login), "
        "or wait out a rate limit, then rerun.\n"
    ), seeded.stderr
    assert _image_id(docker_client, tag) is None


def test_a_registry_that_never_answers_is_given_up_after_the_pull_timeout(
    silent_registry: str,
    images: Throwaway,
    docker_client: docker.DockerClient,
    standin_value: str,
) -> None:
    """Unbounded, the engine waits 25 s per pull for such a registry (seen here)."""
    first, second = (
        f"{silent_registry}/seedtest-{uuid.uuid4().hex[:12]}/alpine:{n}" for n in (1, 2)
    )
    kept = [
        images.make(tag, {STANDIN: standin_value, f"{STANDIN}.for": tag, LAYOUT: "2"})
        for tag in (first, second)
    ]
    started = time.monotonic()
    seeded = _seed(standin_value, first, second, timeout=2)
    took = time.monotonic() - started
    assert (seeded.returncode, seeded.stdout) == (
        0,
        f"{first}: stand-in kept\n{second}: stand-in kept\n",
    )
    assert seeded.stderr.splitlines() == [
        _warning(
            first, f"{silent_registry} did not answer within 2s", "keeping the offline stand-in"
        ),
        _warning(
            second,
            f"{silent_registry} did not answer an earlier pull",
            "keeping the offline stand-in",
        ),
    ]
    assert took < 12, took  # one bounded wait, not one per tag
    assert [_image_id(docker_client, tag) for tag in (first, second)] == kept


def test_clean_standins_removes_stand_ins_and_nothing_else(
    images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    prefix = f"seedtest-{uuid.uuid4().hex[:12]}"
    standin = f"{prefix}/alpine:3.22"
    labels = {STANDIN: standin_value, f"{STANDIN}.for": standin}
    images.make(standin, labels)
    built_on_it = f"{prefix}/app:1"  # FROM the stand-in: inherits its labels
    images.make(built_on_it, labels)
    unlabelled = f"{prefix}/real:1"
    images.make(unlabelled)
    real_standins_before = _image_id(docker_client, "alpine:3.22")
    env = {**os.environ, "SEED_STANDIN_VALUE": standin_value}
    cleaned = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "clean-standins"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (cleaned.returncode, cleaned.stdout) == (0, f"{standin}: removed\n"), cleaned.stderr
    assert [
        _image_id(docker_client, tag) is None for tag in (standin, built_on_it, unlabelled)
    ] == [
        True,
        False,
        False,
    ]
    # Stand-ins with the real label value (which other tests build on) are not this test's.
    assert _image_id(docker_client, "alpine:3.22") == real_standins_before


DEBIAN_BASE = "goimage-standin/debian:bookworm"


@pytest.fixture(scope="module")
def debian_base(docker_client: docker.DockerClient) -> str:
    """The id of the Debian base the Redis stand-in is built on, as `make seed` leaves it (on an
    engine without one, made here the same way: seeding the real redis:7)."""
    if _image_id(docker_client, DEBIAN_BASE) is None:
        env = {**os.environ, "SEED_GO_TAGS": "", "SEED_ALPINE_TAGS": ""}
        seeded = subprocess.run(
            ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=900
        )
        assert seeded.returncode == 0, seeded.stderr
    base = _image_id(docker_client, DEBIAN_BASE)
    assert base is not None, f"seed_images.sh left no {DEBIAN_BASE}"
    return base


def _redis_ping(client: docker.DockerClient, image: str, command: list[str] | None = None) -> str:
    """What `redis-cli -h redis ping` prints in a second container, on a user network where a
    container of `image` (running `command`, else its own CMD) is `redis`."""
    network = client.networks.create(f"seedtest-{uuid.uuid4().hex[:12]}")
    server = client.containers.create(image, command)
    try:
        network.connect(server, aliases=["redis"])
        server.start()
        wait_until(
            lambda: b"Ready to accept connections" in server.logs(),
            30,
            give_up=lambda: server.reload() or server.status == "exited",
        )
        answer: bytes = client.containers.run(
            image, ["redis-cli", "-h", "redis", "ping"], network=network.name, remove=True
        )
        return answer.decode()
    finally:
        server.remove(force=True)
        network.remove()


def test_a_redis_tag_that_cannot_be_pulled_gets_a_stand_in_that_answers_ping(
    debian_base: str, images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    """Reached by name from another container (not on loopback): protected mode is off, as in
    the official image."""
    closed = f"127.0.0.1:{_free_port()}"  # nothing listens: connection refused
    tag = f"{closed}/seedtest-{uuid.uuid4().hex[:12]}/redis:7"
    images.track(tag)
    seeded = _seed(standin_value, tag, kind="REDIS")
    assert (seeded.returncode, seeded.stdout) == (0, f"{tag}: stand-in built\n"), seeded.stderr
    reason = (
        f'Error response from daemon: Get "http://{closed}/v2/": dial tcp {closed}: '
        "connect: connection refused"
    )
    assert seeded.stderr == _warning(tag, reason, "building an offline stand-in") + "\n"
    labels = docker_client.images.get(tag).labels
    assert (labels[STANDIN], labels[f"{STANDIN}.for"]) == (standin_value, tag)
    assert _redis_ping(docker_client, tag) == "PONG\n"
    # A compose `command:` override keeps protected mode off too (trial 13 F3: Debian's
    # redis-server has it on by default, the official image's has it off).
    assert _redis_ping(docker_client, tag, ["redis-server", "--appendonly", "yes"]) == "PONG\n"
    assert _redis_ping(docker_client, tag, ["--save", ""]) == "PONG\n"
    assert _redis_ping(docker_client, tag, ["sh", "-c", "exec redis-server --save ''"]) == "PONG\n"
    # A config file that sets protected mode itself is obeyed, as by the official image.
    conf = "printf 'protected-mode yes\\n' >/tmp/r.conf && exec redis-server /tmp/r.conf"
    assert _redis_ping(docker_client, tag, ["sh", "-c", conf]).startswith("DENIED ")


def test_the_redis_stand_in_reuses_the_debian_base_an_earlier_seed_made(
    debian_base: str, images: Throwaway, docker_client: docker.DockerClient, standin_value: str
) -> None:
    """Only the first seed on an engine pays for debootstrap, whichever label value made it."""
    tag = f"127.0.0.1:{_free_port()}/seedtest-{uuid.uuid4().hex[:12]}/redis:7"
    images.track(tag)
    seeded = _seed(standin_value, tag, kind="REDIS")
    assert (seeded.returncode, seeded.stdout) == (0, f"{tag}: stand-in built\n"), seeded.stderr
    assert _image_id(docker_client, DEBIAN_BASE) == debian_base
