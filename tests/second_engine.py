"""A second, real Docker engine on an address of its own, for remote-engine tests.

`SecondEngine` starts `dockerd` in a network namespace of its own, joined to this machine by a
veth pair in a private /24 that exists only between the two: the engine answers on
tcp://ADDR:2375, and the ports its containers publish are on ADDR, not on this machine's
127.0.0.1, exactly as on a build host. The namespace gets egress (builds download Go modules)
through NAT on this machine. Every iptables rule it adds carries the comment `<name>`, so that
exit, and the start of a later run after a killed one, remove exactly those.

Requires root and `ip`, `nsenter`, `iptables` and `dockerd` (Debian: iproute2, util-linux,
iptables, docker.io); it installs nothing. Works outside pytest:

    with SecondEngine() as engine:
        engine.load(["alpine:3.22"])
        engine.client.containers.run("alpine:3.22", "true", remove=True)
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import docker
import docker.errors
import requests

from pytest_goimage.engine.poll import wait_until

PREFIX = "goimage-test-"
PORT = 2375
# Engines' folders (data-root, exec-root, pidfile, log) live here, on disk: images can be big.
ROOT = Path("/var/tmp/goimage-second-engines")
TOOLS = {"ip": "iproute2", "nsenter": "util-linux", "iptables": "iptables", "dockerd": "docker.io"}
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


class SecondEngineUnavailable(Exception):
    """This machine cannot run a second engine (not root, or a tool is missing)."""


def missing_requirements() -> str | None:
    """Why no second engine can be started here, or None when it can."""
    if os.geteuid() != 0:
        return "a second Docker engine needs root (network namespaces, veth, iptables)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        packages = " ".join(dict.fromkeys(TOOLS[tool] for tool in missing))
        return (
            f"a second Docker engine needs {', '.join(missing)}, not found on PATH; "
            f"install them (Debian: apt-get install -y {packages})"
        )
    return None


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command (one string is split like a shell would); RuntimeError when it fails."""
    if len(args) == 1:
        args = tuple(shlex.split(args[0]))
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"`{shlex.join(args)}` failed: {done.stderr.strip()}")
    return done


def _veths(name: str) -> tuple[str, str]:
    """The host and namespace ends of the veth pair of engine `name` (15 characters at most)."""
    suffix = name.removeprefix(PREFIX)
    return f"gth{suffix}", f"gtn{suffix}"


def _lock(path: Path, *, wait: bool) -> int | None:
    """An fd holding an exclusive flock on `path`, or None when another process holds it.
    The kernel drops the lock when its process dies: a free lock means a dead owner."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _free_subnet() -> ipaddress.IPv4Network:
    """A random 10.213.N.0/24 that no route and no address of this machine overlaps."""
    routes = json.loads(_run("ip", "-4", "-j", "route", "show", "table", "all").stdout)
    addresses = json.loads(_run("ip", "-4", "-j", "addr", "show").stdout)
    taken = [
        ipaddress.ip_network(route["dst"], strict=False)
        for route in routes
        if route.get("dst", "default") != "default"
    ]
    taken += [
        ipaddress.ip_network(f"{info['local']}/{info['prefixlen']}", strict=False)
        for link in addresses
        for info in link.get("addr_info", [])
    ]
    for third in random.sample(range(1, 255), 254):
        subnet = ipaddress.IPv4Network(f"10.213.{third}.0/24")
        if not any(subnet.overlaps(other) for other in taken):
            return subnet
    raise RuntimeError("no free 10.213.N.0/24 on this machine for a second engine")


def _rules(name: str) -> list[tuple[str, list[str]]]:
    """(table, rule spec) of every iptables rule that carries the comment `name`."""
    found = []
    for table in ("filter", "nat"):
        for line in _run("iptables", "-t", table, "-S").stdout.splitlines():
            words = shlex.split(line)
            if words[:1] == ["-A"] and f"--comment {name}" in shlex.join(words):
                found.append((table, words[1:]))
    return found


def _owned_names() -> set[str]:
    """Names of every engine something of is left on this machine: namespace, folder, veth,
    iptables rule."""
    names = {line.split()[0] for line in _run("ip", "netns", "list").stdout.splitlines()}
    if ROOT.is_dir():
        names |= {entry.name for entry in ROOT.iterdir()}
    for link in json.loads(_run("ip", "-j", "link", "show").stdout):
        if re.fullmatch(r"gth[0-9a-f]{8}", link["ifname"]):
            names.add(PREFIX + link["ifname"][3:])
    for table in ("filter", "nat"):
        names |= set(
            re.findall(
                rf"--comment ({PREFIX}[0-9a-f]{{8}})", _run("iptables", "-t", table, "-S").stdout
            )
        )
    return {name for name in names if re.fullmatch(rf"{PREFIX}[0-9a-f]{{8}}", name)}


def _ours(pid: int, folder: Path) -> bool:
    """Whether process `pid` is the dockerd started with its pidfile in `folder`."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return argv[:1] == [b"dockerd"] and str(folder / "docker.pid").encode() in argv


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"  # a zombie holds no namespace, mount or port any more


def _kill(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    wait_until(lambda: all(_gone(pid) for pid in pids), STOP_TIMEOUT)


def _container_cgroups(folder: Path) -> list[Path]:
    """The cgroups (v1 and v2, cgroupfs driver) of the containers of the engine in `folder`."""
    containers = folder / "data" / "containers"
    ids = [entry.name for entry in containers.iterdir()] if containers.is_dir() else []
    cgroups = Path("/sys/fs/cgroup")
    return [
        path
        for cid in ids
        for path in [*cgroups.glob(f"*/docker/{cid}"), cgroups / f"docker/{cid}"]
        if path.is_dir()
    ]


def _kill_containers(folder: Path) -> None:
    """Kill the processes of every container of the engine in `folder`: a dockerd stopping
    them itself waits 10 s for each that ignores SIGTERM, and a killed dockerd leaves them
    running under their shims."""
    procs = [cgroup / "cgroup.procs" for cgroup in _container_cgroups(folder)]
    _kill([int(pid) for f in procs if f.exists() for pid in f.read_text().split()], signal.SIGKILL)


def _remove(name: str) -> None:
    """Remove everything engine `name` made: its containers' processes, its dockerd (by the pid
    in its pidfile), what a killed dockerd leaves running (containerd shims), its mounts,
    namespace, veth pair, iptables rules and folder. Each step tolerates finding nothing."""
    folder = ROOT / name
    _kill_containers(folder)
    with contextlib.suppress(OSError, ValueError):
        pid = int((folder / "docker.pid").read_text())
        if _ours(pid, folder):
            _kill([pid], signal.SIGTERM)
            if not _gone(pid):
                _kill([pid], signal.SIGKILL)
    if Path(f"/var/run/netns/{name}").exists():
        pids = _run("ip", "netns", "pids", name).stdout.split()
        _kill([int(pid) for pid in pids], signal.SIGKILL)
    # What runc would have removed, had the shims lived to see their containers exit.
    for cgroup in _container_cgroups(folder):
        with contextlib.suppress(OSError):
            cgroup.rmdir()
    mounts = [
        line.split()[4]
        for line in Path("/proc/self/mountinfo").read_text().splitlines()
        if line.split()[4].startswith(f"{folder}/") or line.split()[4] == str(folder)
    ]
    for mount in sorted(mounts, key=len, reverse=True):
        _run("umount", "-l", mount, check=False)
    for table, spec in _rules(name):
        _run("iptables", "-t", table, "-D", *spec, check=False)
    _run("ip", "netns", "delete", name, check=False)
    host_end, _ = _veths(name)
    _run("ip", "link", "delete", host_end, check=False)
    shutil.rmtree(folder, ignore_errors=True)


def _owner_runs(name: str) -> bool:
    """Whether the process that started engine `name` still runs (it holds its lock)."""
    owner = ROOT / name / "owner.lock"
    if not owner.exists():
        return False
    fd = _lock(owner, wait=False)
    if fd is None:
        return True
    os.close(fd)
    return False


def remove_leftovers() -> list[str]:
    """Remove what earlier runs that were killed left behind; returns their names. An engine
    whose owner still runs is left alone; one whose owner is gone is removed even if its
    dockerd still runs (nothing would ever stop it)."""
    removed = [name for name in sorted(_owned_names()) if not _owner_runs(name)]
    for name in removed:
        _remove(name)
    return removed


def _daemon_config(folder: Path) -> dict[str, str]:
    """daemon.json for an engine in `folder` (not this machine's /etc/docker/daemon.json).
    Before Docker 23 an engine's ID comes from /etc/docker/key.json: with that, both engines
    would report the same ID, so it gets a key of its own."""
    version = _run("dockerd", "--version").stdout  # "Docker version 20.10.24+dfsg1, build ..."
    major = re.search(r"version (\d+)\.", version)
    if major and int(major.group(1)) < 23:
        return {"deprecated-key-path": str(folder / "key.json")}
    return {}


class SecondEngine:
    """A dockerd in a network namespace of its own; a context manager (see the module doc).

    After `__enter__`: `name`, `address` (ADDR), `docker_host` ("tcp://ADDR:2375"),
    `subnet`, `folder`, `pid` and `client` (docker-py, on that engine). `__enter__` raises
    SecondEngineUnavailable when the machine cannot run one, RuntimeError when it fails to
    start (with the end of dockerd's log); it leaves nothing behind either way.
    """

    def __init__(self) -> None:
        self.name = f"{PREFIX}{uuid.uuid4().hex[:8]}"
        self.folder = ROOT / self.name
        self.subnet = ipaddress.IPv4Network("0.0.0.0/32")
        self.address = ""
        self.pid = 0
        self._client: docker.DockerClient | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._owner: int | None = None
        self._contexts: list[tuple[str, Path]] = []

    @property
    def docker_host(self) -> str:
        return f"tcp://{self.address}:{PORT}"

    @property
    def client(self) -> docker.DockerClient:
        assert self._client is not None, "the engine is not started"
        return self._client

    def __enter__(self) -> SecondEngine:
        reason = missing_requirements()
        if reason:
            raise SecondEngineUnavailable(reason)
        ROOT.mkdir(parents=True, exist_ok=True)
        try:
            # One starter at a time: the sweep must not see a half-made engine, and two
            # starters must not pick the same subnet.
            machine = _lock(ROOT / ".lock", wait=True)
            try:
                remove_leftovers()
                self.folder.mkdir()
                self._owner = _lock(self.folder / "owner.lock", wait=True)
                self._make_network()
            finally:
                if machine is not None:
                    os.close(machine)
            self._start_dockerd()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _make_network(self) -> None:
        self.subnet = _free_subnet()
        gateway, self.address = (str(host) for host in list(self.subnet.hosts())[:2])
        host_end, inner_end = _veths(self.name)
        netns = f"ip -n {self.name}"
        _run(f"ip netns add {self.name}")
        _run(f"ip link add {host_end} type veth peer name {inner_end}")
        _run(f"ip link set {inner_end} netns {self.name}")
        _run(f"ip addr add {gateway}/24 dev {host_end}")
        _run(f"ip link set {host_end} up")
        _run(f"{netns} addr add {self.address}/24 dev {inner_end}")
        _run(f"{netns} link set {inner_end} up")
        _run(f"{netns} link set lo up")
        _run(f"{netns} route add default via {gateway}")
        Path("/proc/sys/net/ipv4/ip_forward").write_text("1\n")
        mark = f"-m comment --comment {self.name}"
        _run(
            f"iptables -t nat -A POSTROUTING -s {self.subnet} ! -o {host_end} {mark} -j MASQUERADE"
        )
        # Inserted in reverse order, so they end up above the local dockerd's FORWARD rules
        # (policy DROP): the namespace reaches out, answers come back, and nothing forwarded
        # (a local container, another machine) opens a connection into it.
        _run(f"iptables -I FORWARD -o {host_end} {mark} -j REJECT")
        answers = "-m conntrack --ctstate RELATED,ESTABLISHED"
        _run(f"iptables -I FORWARD -o {host_end} {answers} {mark} -j ACCEPT")
        _run(f"iptables -I FORWARD -i {host_end} {mark} -j ACCEPT")

    def _listen_flags(self) -> str:
        """Where dockerd listens besides its unix socket. Without --tls=false it waits 15 s on
        purpose."""
        return f"-H tcp://{self.address}:{PORT} --tls=false"

    def _pinged(self) -> bool:
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"http://{self.address}:{PORT}/_ping", timeout=2).status_code == 200
        return False

    def _start_dockerd(self) -> None:
        config = self.folder / "daemon.json"
        config.write_text(json.dumps(_daemon_config(self.folder)) + "\n")
        log = self.folder / "dockerd.log"
        # nsenter, not `ip netns exec`: that remounts /sys and dockerd then fails with
        # "Devices cgroup isn't mounted".
        with log.open("wb") as out:
            self._process = subprocess.Popen(
                shlex.split(
                    f"nsenter --net=/var/run/netns/{self.name} dockerd --config-file {config} "
                    f"--data-root {self.folder}/data --exec-root {self.folder}/exec "
                    f"--pidfile {self.folder}/docker.pid {self._listen_flags()} "
                    f"-H unix://{self.folder}/docker.sock"
                ),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C meant for pytest does not reach it
            )
        self.pid = self._process.pid  # nsenter execs dockerd: the same process
        process = self._process

        if not wait_until(self._pinged, START_TIMEOUT, give_up=lambda: process.poll() is not None):
            tail = log.read_text(errors="replace").splitlines()[-20:]
            code = process.poll()
            what = f"exited with code {code}" if code is not None else "did not answer"
            raise RuntimeError(
                f"the second dockerd ({self.docker_host}) {what} within {START_TIMEOUT:.0f}s; "
                "end of its log:\n" + "\n".join(tail)
            )
        # docker-py asks the engine its API version on creation: only once it answers.
        self._client = self._new_client()

    def _new_client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.docker_host, timeout=120)

    def load(self, tags: list[str], source: docker.DockerClient | None = None) -> float:
        """Copy images `tags` from `source` (the local engine by default) into this engine,
        streamed; returns the seconds it took."""
        origin = source or docker.from_env()
        started = time.monotonic()
        for tag in tags:
            for _ in self.client.api.load_image(origin.api.get_image(tag)):
                pass
        return time.monotonic() - started

    @contextlib.contextmanager
    def unanswered(self) -> Iterator[None]:
        """Within the block the engine's host drops every packet to its API port, as a
        firewall does: a connection attempt gets no answer, neither accepted nor refused."""
        # iptables of the engine's namespace only: the rule goes with the namespace at the latest.
        iptables = f"nsenter --net=/var/run/netns/{self.name} iptables"
        rule = f"INPUT -p tcp --dport {PORT} -j DROP"
        _run(f"{iptables} -I {rule}")
        try:
            yield
        finally:
            _run(f"{iptables} -D {rule}")

    @contextlib.contextmanager
    def vanished(self) -> Iterator[None]:
        """Within the block the engine's host answers nothing at all, as one that went away
        (a dind service killed, a build host powered off): every packet into and out of its
        namespace is dropped, connections already open included, and so is what goes to its
        containers' published ports, which passes FORWARD."""
        iptables = f"nsenter --net=/var/run/netns/{self.name} iptables"
        rules = ("INPUT -j DROP", "OUTPUT -j DROP", "FORWARD -j DROP")
        for rule in rules:
            _run(f"{iptables} -I {rule}")
        try:
            yield
        finally:
            for rule in rules:
                _run(f"{iptables} -D {rule}")

    def buildx_builder(self, docker_config: Path) -> str:
        """A docker context named after this engine in `docker_config` (a DOCKER_CONFIG
        folder), which gives buildx a builder of the `docker` driver by that name on this
        engine; returns the name. Removed again on exit. buildx builds on it only while it is
        the current context: `DOCKER_CONTEXT=<name> docker buildx build --builder <name>`
        (otherwise: "use `docker --context=<name> buildx` to switch to context"). Asking
        again for the same folder returns the same context."""
        docker_cli = shutil.which("docker") or "docker"
        if (docker_cli, docker_config) in self._contexts:
            # A session's engine and a session's DOCKER_CONFIG serve several tests on a worker.
            return self.name
        config = str(docker_config)
        endpoint = f"host={self.docker_host}"
        _run(docker_cli, "--config", config, "context", "create", self.name, "--docker", endpoint)
        self._contexts.append((docker_cli, docker_config))
        return self.name

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop dockerd by its pid (waiting for it to exit) and remove everything it made."""
        for docker_cli, docker_config in self._contexts:
            config = str(docker_config)
            _run(docker_cli, "--config", config, "context", "rm", "-f", self.name, check=False)
        if self._client is not None:
            self._client.close()
        _kill_containers(self.folder)
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        _remove(self.name)
        if self._owner is not None:
            os.close(self._owner)
            self._owner = None
